/**
 * Overlap analysis for Calico selectors: can one label set satisfy several selectors at once, can a
 * selector match anything, does it match everything. A pool dedicated to a rack or a team is only
 * dedicated if no other eligible pool's nodeSelector / namespaceSelector can match the same labels.
 *
 * The analysis is exact for the whole language, with the semantics of `evaluateSelectorNode`:
 *
 * 1. Negations are pushed down to atoms (negation normal form). Every atom has a dual atom:
 *    `!(a == "x")` is `a != "x"`, `!(a in S)` is `a not in S`, `!has(a)` is "a absent",
 *    `!(a contains "x")` is "a absent, or its value does not contain x" (same for starts/ends with).
 * 2. The formula is expanded into conjunctions of atoms depth-first (lazy DNF), atoms of an `&&`
 *    before its `||`s, and a branch is dropped as soon as the constraints on one label contradict.
 *    Labels are independent, so a conjunction is satisfiable iff each label's constraints are.
 * 3. One label: if no atom needs it present, leaving it out satisfies every negative atom. If `==`/`in`
 *    pins it, each of the finitely many candidates is checked. Otherwise the value set is a regular
 *    language (required prefixes/suffixes/substrings, forbidden ones, finitely many excluded values),
 *    searched breadth-first on a product automaton: a trie of the prefix and excluded strings (the
 *    value so far, until it leaves them all) × an Aho-Corasick automaton of the substring and suffix
 *    patterns × the set of required substrings seen. The alphabet is the UTF-16 code units of the
 *    literals (JavaScript string semantics, as in `evaluateSelectorNode`) plus one fresh filler, which
 *    stands exactly for every other character; so the search is complete, and a value holding the filler
 *    can never equal an excluded literal (the "escape" out of `!=` / `not in`).
 *
 * Witnesses are deterministic and small: fewest labels, then fewest characters (a non-empty value
 * preferred to ""); `==`/`in` values as written, other values built from the literals with `x` (or
 * another unused character) as padding, e.g. `has(rack)` gives "x"; keys sorted.
 *
 * @see https://docs.tigera.io/calico/latest/reference/resources/ippool
 * @see https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors
 */
import { type Labels, type SelectorNode, compareCodePoints } from "./ast";
import type { Selector } from "./parser";

/**
 * The work limit of one analysis call, in search steps (atoms placed, automaton states visited).
 * Selectors of a handful of atoms take a few dozen steps; the limit is only reached by selectors whose
 * expansion into alternatives is exponential (many `||` groups joined by `&&`).
 */
export const SELECTOR_ANALYSIS_STEP_LIMIT = 250_000;

/**
 * The analysis ran out of its step budget ({@link SELECTOR_ANALYSIS_STEP_LIMIT}) before it could answer.
 * It is thrown instead of a possibly wrong answer; simplify the selectors (fewer `||` groups under `&&`).
 */
export class SelectorAnalysisLimitError extends Error {
  /** Stable code for findings and CLI output. */
  readonly code = "SELECTOR_ANALYSIS_LIMIT" as const;
  /** The canonical text of the selectors analysed. */
  readonly selectors: readonly string[];

  constructor(selectors: readonly string[]) {
    const shown = selectors.map((s) => (s.length > 120 ? `${s.slice(0, 117)}...` : s)).join(" AND ");
    super(
      `selector analysis gave up after ${SELECTOR_ANALYSIS_STEP_LIMIT} steps on ${shown}: ` +
        "the selectors expand into too many alternatives to check exactly; simplify them (fewer || groups joined by &&)",
    );
    this.name = "SelectorAnalysisLimitError";
    this.selectors = selectors;
  }
}

/**
 * A label set matched by every given selector, or undefined when no label set can satisfy all of them
 * (an empty list is satisfied by `{}`). Deterministic: the smallest witness found (fewest labels, then
 * shortest values such as "a", "x" or values taken from the selectors), keys sorted.
 *
 * The yes/no answer is exact. Beyond {@link SELECTOR_ANALYSIS_STEP_LIMIT} steps the best witness found so
 * far is returned (it still matches every selector, but may not be the smallest).
 *
 * @throws SelectorAnalysisLimitError when the step limit is reached before any witness or a proof that there is none.
 */
export function commonMatch(selectors: readonly Selector[]): Labels | undefined {
  return new Search("best", selectors).witness(conjunction(selectors.map((s) => toNnf(s.root, false))));
}

/**
 * true when some label set matches both selectors: two pools with these selectors can serve the same
 * node (or namespace). Exact.
 *
 * @throws SelectorAnalysisLimitError when the step limit is reached before an answer.
 */
export function selectorsOverlap(a: Selector, b: Selector): boolean {
  return new Search("any", [a, b]).witness(conjunction([toNnf(a.root, false), toNnf(b.root, false)])) !== undefined;
}

/**
 * A label set the selector matches, or undefined if it matches nothing (e.g. `!all()`,
 * `a == "x" && a == "y"`). Same choice of witness and limits as {@link commonMatch}.
 *
 * @throws SelectorAnalysisLimitError when the step limit is reached before any witness or a proof that there is none.
 */
export function exampleMatch(selector: Selector): Labels | undefined {
  return commonMatch([selector]);
}

/**
 * true when the selector matches every label set (`all()`, the empty selector, `has(a) || !has(a)`,
 * `a != "x" || a != "y"`, ...). Exact: it checks that the negation of the selector is unsatisfiable.
 *
 * @throws SelectorAnalysisLimitError when the step limit is reached before an answer.
 */
export function matchesEverything(selector: Selector): boolean {
  return new Search("any", [selector]).witness(toNnf(selector.root, true)) === undefined;
}

/**
 * A label set the selector does NOT match, or undefined if it matches everything. Same choice of
 * witness and limits as {@link commonMatch}.
 *
 * @throws SelectorAnalysisLimitError when the step limit is reached before any witness or a proof that there is none.
 */
export function exampleNonMatch(selector: Selector): Labels | undefined {
  return new Search("best", [selector]).witness(toNnf(selector.root, true));
}

// ---------------------------------------------------------------------------------------------
// Negation normal form

type LiteralOp =
  | "present"
  | "absent"
  | "eq"
  | "neq"
  | "in"
  | "notIn"
  | "contains"
  | "notContains"
  | "startsWith"
  | "notStartsWith"
  | "endsWith"
  | "notEndsWith";

const DUAL: Readonly<Record<LiteralOp, LiteralOp>> = {
  present: "absent",
  absent: "present",
  eq: "neq",
  neq: "eq",
  in: "notIn",
  notIn: "in",
  contains: "notContains",
  notContains: "contains",
  startsWith: "notStartsWith",
  notStartsWith: "startsWith",
  endsWith: "notEndsWith",
  notEndsWith: "endsWith",
};

/** One atom on one label; `values` holds the single literal, or the set of `in`/`not in`. */
interface Literal {
  readonly kind: "lit";
  readonly op: LiteralOp;
  readonly label: string;
  readonly values: readonly string[];
}

type Formula =
  | { readonly kind: "true" }
  | { readonly kind: "false" }
  | Literal
  | { readonly kind: "and" | "or"; readonly operands: readonly Formula[] };

const TRUE: Formula = { kind: "true" };
const FALSE: Formula = { kind: "false" };

function toNnf(node: SelectorNode, negated: boolean): Formula {
  switch (node.kind) {
    case "all":
    case "global":
      return negated ? FALSE : TRUE;
    case "has":
      return literal(negated ? "absent" : "present", node.label, []);
    case "eq":
    case "neq":
    case "contains":
    case "startsWith":
    case "endsWith":
      return literal(negated ? DUAL[node.kind] : node.kind, node.label, [node.value]);
    case "in":
    case "notIn":
      return literal(negated ? DUAL[node.kind] : node.kind, node.label, node.values);
    case "not":
      return toNnf(node.operand, !negated);
    case "and":
    case "or": {
      const operands = node.operands.map((op) => toNnf(op, negated));
      return (node.kind === "and") !== negated ? conjunction(operands) : disjunction(operands);
    }
  }
}

function literal(op: LiteralOp, label: string, values: readonly string[]): Formula {
  if (op === "in" && values.length === 0) {
    return FALSE;
  }
  if (op === "notIn" && values.length === 0) {
    return TRUE;
  }
  return { kind: "lit", op, label, values: [...new Set(values)].sort(compareCodePoints) };
}

/** Flattened `&&`, atoms first so that contradictions prune before any `||` branches. */
function conjunction(operands: readonly Formula[]): Formula {
  const flat = flatten("and", operands);
  if (flat === undefined) {
    return FALSE;
  }
  const ordered = [...flat.filter((f) => f.kind === "lit"), ...flat.filter((f) => f.kind !== "lit")];
  return ordered.length === 0 ? TRUE : ordered.length === 1 ? ordered[0] : { kind: "and", operands: ordered };
}

function disjunction(operands: readonly Formula[]): Formula {
  const flat = flatten("or", operands);
  if (flat === undefined) {
    return TRUE;
  }
  return flat.length === 0 ? FALSE : flat.length === 1 ? flat[0] : { kind: "or", operands: flat };
}

/** The operands with nested groups of the same kind inlined and units dropped; undefined when one absorbs the group. */
function flatten(kind: "and" | "or", operands: readonly Formula[]): Formula[] | undefined {
  const unit = kind === "and" ? "true" : "false";
  const out: Formula[] = [];
  for (const f of operands) {
    if (f.kind === unit) {
      continue;
    }
    if (f.kind === "true" || f.kind === "false") {
      return undefined;
    }
    if (f.kind === kind) {
      out.push(...f.operands);
    } else {
      out.push(f);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Constraints on one label within one conjunction

interface LabelConstraints {
  readonly present: boolean;
  readonly absent: boolean;
  /** From `==` and `in`: the only values left, already filtered by every other constraint. */
  readonly candidates: readonly string[] | undefined;
  /** From `!=` and `not in`. */
  readonly excluded: readonly string[];
  readonly contains: readonly string[];
  readonly notContains: readonly string[];
  readonly prefixes: readonly string[];
  readonly notPrefixes: readonly string[];
  readonly suffixes: readonly string[];
  readonly notSuffixes: readonly string[];
}

const UNCONSTRAINED: LabelConstraints = {
  present: false,
  absent: false,
  candidates: undefined,
  excluded: [],
  contains: [],
  notContains: [],
  prefixes: [],
  notPrefixes: [],
  suffixes: [],
  notSuffixes: [],
};

/** The constraints with one more atom, or undefined when they can no longer be satisfied. */
function constrain(c: LabelConstraints, lit: Literal): LabelConstraints | undefined {
  const v = lit.values[0];
  let next: LabelConstraints;
  switch (lit.op) {
    case "present":
      next = { ...c, present: true };
      break;
    case "absent":
      next = { ...c, absent: true };
      break;
    case "eq":
    case "in":
      next = {
        ...c,
        present: true,
        candidates: c.candidates === undefined ? lit.values : c.candidates.filter((x) => lit.values.includes(x)),
      };
      break;
    case "neq":
    case "notIn":
      next = { ...c, excluded: [...c.excluded, ...lit.values] };
      break;
    case "contains":
      next = { ...c, present: true, contains: [...c.contains, v] };
      break;
    case "notContains":
      next = { ...c, notContains: [...c.notContains, v] };
      break;
    case "startsWith":
      next = { ...c, present: true, prefixes: [...c.prefixes, v] };
      break;
    case "notStartsWith":
      next = { ...c, notPrefixes: [...c.notPrefixes, v] };
      break;
    case "endsWith":
      next = { ...c, present: true, suffixes: [...c.suffixes, v] };
      break;
    case "notEndsWith":
      next = { ...c, notSuffixes: [...c.notSuffixes, v] };
      break;
  }
  const pinned = next.candidates;
  if (pinned !== undefined) {
    const all = next;
    next = { ...all, candidates: pinned.filter((x) => admits(all, x)) };
  }
  return consistent(next) ? next : undefined;
}

/** true when a present value `v` meets every constraint. */
function admits(c: LabelConstraints, v: string): boolean {
  return (
    !c.excluded.includes(v) &&
    c.contains.every((p) => v.includes(p)) &&
    c.notContains.every((p) => !v.includes(p)) &&
    c.prefixes.every((p) => v.startsWith(p)) &&
    c.notPrefixes.every((p) => !v.startsWith(p)) &&
    c.suffixes.every((p) => v.endsWith(p)) &&
    c.notSuffixes.every((p) => !v.endsWith(p))
  );
}

/**
 * Cheap early pruning. Only returns false when no value can exist; the exact answer for unpinned
 * present labels comes from {@link shortestValue} once the conjunction is complete.
 */
function consistent(c: LabelConstraints): boolean {
  if (c.present && c.absent) {
    return false;
  }
  if (c.candidates !== undefined) {
    return c.candidates.length > 0;
  }
  if (!c.present) {
    return true; // absent satisfies every negative atom
  }
  const prefix = longest(c.prefixes);
  const suffix = longest(c.suffixes);
  const required = [...c.contains, prefix, suffix];
  return (
    c.prefixes.every((p) => prefix.startsWith(p)) &&
    c.suffixes.every((s) => suffix.endsWith(s)) &&
    c.notContains.every((d) => !required.some((r) => r.includes(d))) &&
    c.notPrefixes.every((q) => !prefix.startsWith(q)) &&
    c.notSuffixes.every((q) => !suffix.endsWith(q))
  );
}

function longest(values: readonly string[]): string {
  return values.reduce((a, b) => (b.length > a.length ? b : a), "");
}

/** The preferred of several admissible values: non-empty first, then shortest, then code point order. */
function preferredValue(values: readonly string[]): string {
  return [...values].sort(compareValues)[0];
}

function compareValues(a: string, b: string): number {
  if ((a === "") !== (b === "")) {
    return a === "" ? 1 : -1;
  }
  return a.length - b.length || compareCodePoints(a, b);
}

// ---------------------------------------------------------------------------------------------
// Searching the conjunctions

class BudgetExhausted extends Error {}

class Budget {
  private steps = 0;

  tick(n = 1): void {
    this.steps += n;
    if (this.steps > SELECTOR_ANALYSIS_STEP_LIMIT) {
      throw new BudgetExhausted();
    }
  }
}

/** A persistent stack of formulas still to place in the current conjunction. */
type Agenda = { readonly head: Formula; readonly tail: Agenda } | undefined;

type Entry = readonly [key: string, value: string];

class Search {
  private readonly budget = new Budget();
  /** Constraints per label of the current conjunction; changed in place and undone on backtracking. */
  private readonly labels = new Map<string, LabelConstraints>();
  private readonly trail: Array<readonly [label: string, before: LabelConstraints | undefined]> = [];
  /** Labels that must be present: a lower bound on the size of any witness from this branch. */
  private presentCount = 0;
  private readonly solved = new WeakMap<LabelConstraints, string | undefined>();
  private readonly solvedByKey = new Map<string, string | undefined>();
  private best: Entry[] | undefined;

  /** `any` stops at the first witness (yes/no questions); `best` looks for the smallest. */
  constructor(
    private readonly mode: "any" | "best",
    private readonly selectors: readonly Selector[],
  ) {}

  witness(formula: Formula): Labels | undefined {
    try {
      this.explore({ head: formula, tail: undefined });
    } catch (e) {
      if (!(e instanceof BudgetExhausted)) {
        throw e;
      }
      if (this.best === undefined || this.mode === "any") {
        throw new SelectorAnalysisLimitError(this.selectors.map((s) => s.toString()));
      }
    }
    return this.best === undefined ? undefined : Object.freeze(Object.fromEntries(this.best));
  }

  /** Places the agenda's formulas into the current conjunction, branching on `||`; leaves the state as it found it. */
  private explore(agenda: Agenda): void {
    const mark = this.trail.length;
    this.place(agenda);
    while (this.trail.length > mark) {
      const [label, before] = this.trail.pop()!;
      const after = this.labels.get(label)!;
      if (after.present && !before?.present) {
        this.presentCount--;
      }
      if (before === undefined) {
        this.labels.delete(label);
      } else {
        this.labels.set(label, before);
      }
    }
  }

  private place(agenda: Agenda): void {
    for (;;) {
      if (this.mode === "any" && this.best !== undefined) {
        return;
      }
      if (agenda === undefined) {
        this.complete();
        return;
      }
      const f = agenda.head;
      agenda = agenda.tail;
      this.budget.tick();
      switch (f.kind) {
        case "true":
          continue;
        case "false":
          return;
        case "lit": {
          const before = this.labels.get(f.label);
          const after = constrain(before ?? UNCONSTRAINED, f);
          if (after === undefined) {
            return;
          }
          this.trail.push([f.label, before]);
          this.labels.set(f.label, after);
          if (after.present && !before?.present) {
            this.presentCount++;
          }
          if (this.best !== undefined && this.presentCount > this.best.length) {
            return; // cannot beat the witness in hand
          }
          continue;
        }
        case "and":
          for (let i = f.operands.length - 1; i >= 0; i--) {
            agenda = { head: f.operands[i], tail: agenda };
          }
          continue;
        case "or":
          for (const op of f.operands) {
            this.explore({ head: op, tail: agenda });
          }
          return;
      }
    }
  }

  /** A complete conjunction: solve each label, keep the witness if it is the best so far. */
  private complete(): void {
    this.budget.tick(this.labels.size);
    const entries: Entry[] = [];
    for (const [label, c] of this.labels) {
      if (!c.present) {
        continue;
      }
      const value = c.candidates !== undefined ? preferredValue(c.candidates) : this.solve(c);
      if (value === undefined) {
        return;
      }
      entries.push([label, value]);
    }
    entries.sort((a, b) => compareCodePoints(a[0], b[0]));
    if (this.best === undefined || compareWitnesses(entries, this.best) < 0) {
      this.best = entries;
    }
  }

  /** {@link shortestValue}, remembered: the same constraints recur across the alternatives. */
  private solve(c: LabelConstraints): string | undefined {
    if (this.solved.has(c)) {
      return this.solved.get(c);
    }
    const key = JSON.stringify([c.excluded, c.contains, c.notContains, c.prefixes, c.notPrefixes, c.suffixes, c.notSuffixes]);
    if (!this.solvedByKey.has(key)) {
      this.solvedByKey.set(key, shortestValue(c, this.budget));
    }
    const value = this.solvedByKey.get(key);
    this.solved.set(c, value);
    return value;
  }
}

/** Fewest labels, then fewest characters, then code point order of keys and values. */
function compareWitnesses(a: readonly Entry[], b: readonly Entry[]): number {
  if (a.length !== b.length) {
    return a.length - b.length;
  }
  const size = (w: readonly Entry[]): number => w.reduce((n, [, v]) => n + v.length, 0);
  const bySize = size(a) - size(b);
  if (bySize !== 0) {
    return bySize;
  }
  for (let i = 0; i < a.length; i++) {
    const d = compareCodePoints(a[i][0], b[i][0]) || compareValues(a[i][1], b[i][1]);
    if (d !== 0) {
      return d;
    }
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// One present label without `==`/`in`: the shortest value in a regular language

const DIVERGED = -1;
const FILLERS = "xyzabcdefghijklmnopqrstuvw0123456789";

/**
 * The shortest non-empty value (in alphabet order among equals) meeting the string constraints, or
 * undefined when no value, empty or not, does. Breadth-first on the product automaton described at
 * the top of the file; every state costs one budget step.
 */
function shortestValue(c: LabelConstraints, budget: Budget): string | undefined {
  const prefixes = unique(c.prefixes);
  const notPrefixes = unique(c.notPrefixes);
  const suffixes = unique(c.suffixes);
  const notSuffixes = unique(c.notSuffixes);
  const notContains = unique(c.notContains);
  const excluded = unique(c.excluded);
  // A required substring inside another required string is implied; dropping it keeps the mask small.
  const implied = [...prefixes, ...suffixes];
  const contains = unique(c.contains).filter(
    (p, _, all) => !implied.some((r) => r.includes(p)) && !all.some((q) => q !== p && q.includes(p)),
  );
  if (contains.length > 30) {
    throw new BudgetExhausted();
  }

  const literals = [...prefixes, ...notPrefixes, ...suffixes, ...notSuffixes, ...contains, ...notContains, ...excluded];
  const alphabet = alphabetOf(literals);
  if (literals.length === excluded.length) {
    // Only excluded values (`has(a) && a != "x"`): the filler alone, as the search below would find.
    return String.fromCharCode(alphabet[0]);
  }

  // Which value-so-far strings are still worth tracking exactly: prefixes of a prefix atom or an excluded value.
  const track = new Trie([...prefixes, ...notPrefixes, ...excluded]);
  const prefixOk = (text: string): boolean =>
    prefixes.every((p) => text.startsWith(p)) && !notPrefixes.some((p) => text.startsWith(p));
  const trackStep = (t: number, unit: number): number | undefined => {
    if (t === DIVERGED) {
      return DIVERGED;
    }
    const child = track.child(t, unit);
    if (child !== undefined) {
      const text = track.text[child];
      // Dead once a forbidden prefix is read, or a required one can no longer be.
      const dead =
        notPrefixes.some((p) => text.startsWith(p)) || prefixes.some((p) => !p.startsWith(text) && !text.startsWith(p));
      return dead ? undefined : child;
    }
    // Off every tracked string: prefixes are settled now, and no excluded value can be reached.
    return prefixOk(track.text[t] + String.fromCharCode(unit)) ? DIVERGED : undefined;
  };
  const trackAccepts = (t: number): boolean =>
    t === DIVERGED || (prefixOk(track.text[t]) && !excluded.includes(track.text[t]));

  const ac = new AhoCorasick([...contains, ...notContains, ...suffixes, ...notSuffixes]);
  const seen = ac.text.map((s) => contains.reduce((m, p, i) => (s.endsWith(p) ? m | (1 << i) : m), 0));
  const forbidden = ac.text.map((s) => notContains.some((p) => s.endsWith(p)));
  const suffixOk = ac.text.map((s) => suffixes.every((p) => s.endsWith(p)) && !notSuffixes.some((p) => s.endsWith(p)));
  const full = contains.length === 0 ? 0 : (1 << contains.length) - 1;

  if (forbidden[0] || notPrefixes.includes("")) {
    return undefined; // every value contains and starts with ""
  }
  const startMask = seen[0];
  const accepts = (t: number, a: number, m: number): boolean => m === full && suffixOk[a] && trackAccepts(t);
  const emptyAccepted = accepts(0, 0, startMask);

  // Breadth-first search over (tracker, automaton, mask); parents rebuild the value.
  const states: Array<{ t: number; a: number; m: number; parent: number; unit: number }> = [
    { t: 0, a: 0, m: startMask, parent: -1, unit: 0 },
  ];
  const visited = new Set<string>([`0,0,${startMask}`]);
  for (let i = 0; i < states.length; i++) {
    budget.tick();
    const s = states[i];
    for (const unit of alphabet) {
      const t = trackStep(s.t, unit);
      if (t === undefined) {
        continue;
      }
      const a = ac.step(s.a, unit);
      if (forbidden[a]) {
        continue;
      }
      const m = s.m | seen[a];
      const key = `${t},${a},${m}`;
      if (visited.has(key)) {
        continue;
      }
      visited.add(key);
      states.push({ t, a, m, parent: i, unit });
      if (accepts(t, a, m)) {
        const units: number[] = [];
        for (let j = states.length - 1; j > 0; j = states[j].parent) {
          units.push(states[j].unit);
        }
        return String.fromCharCode(...units.reverse());
      }
    }
  }
  // Unreachable in practice (if "" is admissible, so is the lone filler), kept for exactness.
  return emptyAccepted ? "" : undefined;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * One code unit none of the literals uses (`x` when free), then the literals' code units in order. The
 * filler comes first so that padding reads as padding: `a starts with "a" && a != "a"` gives "ax".
 */
function alphabetOf(literals: readonly string[]): number[] {
  const used = new Set<number>();
  for (const s of literals) {
    for (let i = 0; i < s.length; i++) {
      used.add(s.charCodeAt(i));
    }
  }
  let filler = [...FILLERS].map((ch) => ch.charCodeAt(0)).find((u) => !used.has(u));
  for (let u = 0x21; filler === undefined && u < 0xd800; u++) {
    if (!used.has(u)) {
      filler = u;
    }
  }
  if (filler === undefined) {
    throw new BudgetExhausted();
  }
  return [filler, ...[...used].sort((a, b) => a - b)];
}

/** A trie of strings; node 0 is the empty string. */
class Trie {
  readonly text: string[] = [""];
  protected readonly next: Array<Map<number, number>> = [new Map()];

  constructor(words: readonly string[]) {
    for (const w of words) {
      let node = 0;
      for (let i = 0; i < w.length; i++) {
        const unit = w.charCodeAt(i);
        let child = this.next[node].get(unit);
        if (child === undefined) {
          child = this.text.length;
          this.text.push(w.slice(0, i + 1));
          this.next.push(new Map());
          this.next[node].set(unit, child);
        }
        node = child;
      }
    }
  }

  child(node: number, unit: number): number | undefined {
    return this.next[node].get(unit);
  }
}

/**
 * Aho-Corasick automaton: after reading a text, the state is the longest suffix of the text that is a
 * prefix of a pattern, so a pattern ends the text exactly when it is a suffix of the state's string.
 */
class AhoCorasick extends Trie {
  private readonly fail: number[];
  private readonly memo = new Map<number, number>();

  constructor(patterns: readonly string[]) {
    super(patterns);
    this.fail = new Array<number>(this.text.length).fill(0);
    const queue: number[] = [...this.next[0].values()];
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i];
      for (const [unit, child] of this.next[node]) {
        this.fail[child] = this.step(this.fail[node], unit);
        queue.push(child);
      }
    }
  }

  step(node: number, unit: number): number {
    const key = node * 0x10000 + unit;
    const cached = this.memo.get(key);
    if (cached !== undefined) {
      return cached;
    }
    let n = node;
    while (n !== 0 && !this.next[n].has(unit)) {
      n = this.fail[n];
    }
    const result = this.next[n].get(unit) ?? 0;
    this.memo.set(key, result);
    return result;
  }
}
