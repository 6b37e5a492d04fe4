/**
 * The Calico selector language: parser, evaluator and canonical printer, faithful to
 * `libcalico-go/lib/selector` (v3.32).
 *
 * @see https://docs.tigera.io/calico/latest/reference/resources/ippool
 * @see https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors
 */
export { parseSelector, tryParseSelector } from "./parser";
export type { Selector } from "./parser";
export { SelectorSyntaxError, MAX_LABEL_LENGTH, isValidLabel } from "./tokenizer";
export { evaluateSelectorNode, printSelectorNode, nodeUsesGlobal } from "./ast";
export { commonMatch, selectorsOverlap, exampleMatch, matchesEverything, exampleNonMatch, SelectorAnalysisLimitError, SELECTOR_ANALYSIS_STEP_LIMIT } from "./analysis";
export type {
  Labels,
  SelectorNode,
  SelectorNodeKind,
  AllNode,
  GlobalNode,
  HasNode,
  LabelValueNode,
  LabelSetNode,
  NotNode,
  BooleanNode,
} from "./ast";
