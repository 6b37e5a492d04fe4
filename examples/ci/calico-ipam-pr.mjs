#!/usr/bin/env node
// The pull-request loop of cdktf-calico-ipam, as one script the CI jobs call (GitHub Actions:
// github-workflow.yml, GitLab CI: gitlab-ci.yml). It
//   1. checks out the base and the head of the pull request side by side (git worktrees),
//   2. synthesizes each (CALICO_IPAM_SYNTH, default `npm ci && npm run synth`), which writes plan.json,
//      plan.md, plan.html and plan.svg,
//   3. runs `calico-ipam diff --format markdown` (and `--format html`) on the two plan.json,
//   4. writes the comment body to OUT/comment.md and the pictures to OUT/ (the artifacts to attach),
//   5. with --post github|gitlab, posts the comment on the pull request or updates the one it posted
//      before (found by its marker line): one comment per pull request, never one per push,
//   6. exits 1 when the change is destructive or the head plan has an error-level finding (the failed
//      check), 0 when it is fine, 2 when it could not run.
//
// Usage: node calico-ipam-pr.mjs --base <rev> [--head <rev>] [--out <dir>] [--post github|gitlab]
//        node calico-ipam-pr.mjs --post-only <comment.md> --post github|gitlab
//          (posts or updates a comment body made before, e.g. by an earlier job, and does nothing else)
// Environment:
//   CALICO_IPAM_SYNTH  shell command run at the root of each checkout (default: npm ci && npm run synth)
//   CALICO_IPAM_PLAN   plan.json's path in a checkout after synth (default: the one under cdktf.out/stacks/)
//   CALICO_IPAM_BIN    the calico-ipam command, run in the head checkout (default: npx --no-install calico-ipam)
//   --post github: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name), PR_NUMBER, GITHUB_API_URL (set by Actions)
//   --post gitlab: GITLAB_TOKEN (api scope), CI_PROJECT_ID, CI_MERGE_REQUEST_IID, CI_API_V4_URL (set by GitLab)
// Needs Node 20 (fetch) and git; nothing else.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
/* global fetch */

/** The first line of the comment: how the script finds its own comment again. */
const MARKER = "<!-- calico-ipam-plan-diff -->";

class CannotRun extends Error {}

function parseArgs(argv) {
  const opts = { head: "HEAD", out: "calico-ipam-pr" };
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].split("=", 2);
    const value = () => inline ?? argv[++i];
    if (key === "--base") opts.base = value();
    else if (key === "--head") opts.head = value();
    else if (key === "--out") opts.out = value();
    else if (key === "--post") opts.post = value();
    else if (key === "--post-only") opts.postOnly = value();
    else throw new CannotRun(`unknown argument "${argv[i]}"; usage: calico-ipam-pr.mjs --base <rev> [--head <rev>] [--out <dir>] [--post github|gitlab]`);
  }
  if (opts.post !== undefined && opts.post !== "github" && opts.post !== "gitlab") throw new CannotRun(`--post must be github or gitlab, got "${opts.post}"`);
  if (opts.postOnly !== undefined) {
    if (opts.post === undefined) throw new CannotRun("--post-only <comment.md> posts a comment: say where with --post github|gitlab");
    if (opts.base !== undefined) throw new CannotRun("--post-only posts a comment made before: leave out --base (and --head)");
    return opts;
  }
  if (!opts.base) throw new CannotRun("give the base of the pull request: --base <rev> (e.g. origin/main)");
  return opts;
}

function git(args, cwd) {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (e) {
    throw new CannotRun(`git ${args.join(" ")} failed: ${(e.stderr || e.message).toString().trim()}`);
  }
}

/** Checks out `rev` into `dir`, synthesizes it, and returns its plan.json (or the reason it has none). */
function synthesize(rev, dir, log) {
  git(["worktree", "add", "--detach", dir, rev]);
  const synth = process.env.CALICO_IPAM_SYNTH || "npm ci && npm run synth";
  const run = spawnSync("bash", ["-c", synth], { cwd: dir, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  fs.writeFileSync(log, `$ ${synth}\n${run.stdout ?? ""}${run.stderr ?? ""}`);
  const plan = findPlan(dir);
  if (run.status !== 0 || plan === undefined) {
    const tail = `${run.stdout ?? ""}${run.stderr ?? ""}`.trim().split("\n").slice(-20).join("\n");
    return { failed: `\`${synth}\` ${run.status !== 0 ? `exited with ${run.status}` : "wrote no plan.json"}`, tail };
  }
  return { plan };
}

function findPlan(dir) {
  if (process.env.CALICO_IPAM_PLAN) {
    const file = path.join(dir, process.env.CALICO_IPAM_PLAN);
    return fs.existsSync(file) ? file : undefined;
  }
  const stacks = path.join(dir, "cdktf.out", "stacks");
  if (!fs.existsSync(stacks)) return undefined;
  const found = fs
    .readdirSync(stacks)
    .sort()
    .map((s) => path.join(stacks, s, "plan.json"))
    .filter((f) => fs.existsSync(f));
  return found[0];
}

/** Copies plan.json and its pictures beside it into `to`. */
function keep(plan, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const name of ["plan.json", "plan.md", "plan.html", "plan.svg"]) {
    const from = path.join(path.dirname(plan), name);
    if (fs.existsSync(from)) fs.copyFileSync(from, path.join(to, name));
  }
  return path.join(to, "plan.json");
}

function calicoIpam(args, cwd) {
  const bin = process.env.CALICO_IPAM_BIN || "npx --no-install calico-ipam";
  const run = spawnSync("bash", ["-c", `${bin} "$@"`, "calico-ipam", ...args], { cwd, encoding: "utf8" });
  if (run.status === 2 || run.status === null) throw new CannotRun(`calico-ipam ${args.join(" ")} could not run: ${(run.stderr || "").trim()}`);
  return { code: run.status, stdout: run.stdout };
}

function details(summary, body) {
  return `<details>\n<summary>${summary}</summary>\n\n${body.trim()}\n\n</details>`;
}

function fence(text) {
  return `\`\`\`\n${text.replace(/```/g, "`\u200b``")}\n\`\`\``;
}

/** Builds the comment and the exit code from the two checkouts' results. */
function review(opts, work) {
  const out = path.resolve(opts.out);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const base = synthesize(opts.base, path.join(work, "base"), path.join(out, "base-synth.log"));
  const head = synthesize(opts.head, path.join(work, "head"), path.join(out, "head-synth.log"));
  const footer = `<sub>calico-ipam-pr · base \`${git(["rev-parse", "--short", opts.base])}\` · head \`${git(["rev-parse", "--short", opts.head])}\` · the address maps are in the artifacts (plan.html, plan.svg, diff.html)</sub>`;
  if (head.failed) {
    const body = `## ❌ Calico IPAM plan: the head could not be synthesized\n\n${head.failed}:\n\n${fence(head.tail)}`;
    return { body: `${MARKER}\n${body}\n\n${footer}\n`, code: 1 };
  }
  const headPlan = keep(head.plan, path.join(out, "head"));
  const headReport = JSON.parse(fs.readFileSync(headPlan, "utf8"));
  const errors = headReport.summary?.errors ?? 0;
  const planMd = fs.existsSync(path.join(out, "head", "plan.md")) ? fs.readFileSync(path.join(out, "head", "plan.md"), "utf8") : "";
  let diffMd;
  let destructive = false;
  if (base.failed) {
    diffMd = `## Calico IPAM plan diff: no base to compare with\n\nThe base could not be synthesized (${base.failed}); the head's plan follows.`;
  } else {
    const basePlan = keep(base.plan, path.join(out, "base"));
    const diff = calicoIpam(["diff", basePlan, headPlan, "--format", "markdown", "--report-only"], path.join(work, "head"));
    // diff exits 1 on head errors too; whether the change itself is destructive is in its JSON.
    destructive = JSON.parse(calicoIpam(["diff", basePlan, headPlan, "--format", "json", "--report-only"], path.join(work, "head")).stdout).destructive === true;
    diffMd = diff.stdout;
    fs.writeFileSync(path.join(out, "diff.md"), diff.stdout);
    fs.writeFileSync(path.join(out, "diff.html"), calicoIpam(["diff", basePlan, headPlan, "--format", "html"], path.join(work, "head")).stdout);
  }
  const verdict = [
    destructive ? "❌ **The change is destructive**: see the destructive changes above." : undefined,
    errors > 0 ? `❌ **The head plan has ${errors} error-level ${errors === 1 ? "finding" : "findings"}**.` : undefined,
  ].filter(Boolean);
  const body = [diffMd.trim(), ...verdict, details("The head's plan", planMd || "(no plan.md)")].join("\n\n");
  return { body: `${MARKER}\n${body}\n\n${footer}\n`, code: destructive || errors > 0 ? 1 : 0 };
}

async function api(method, url, headers, body) {
  const res = await fetch(url, { method, headers: { "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new CannotRun(`${method} ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return { json: await res.json(), link: res.headers.get("link") ?? "" };
}

function need(name) {
  const v = process.env[name];
  if (!v) throw new CannotRun(`--post needs the environment variable ${name}`);
  return v;
}

/** Every page of a paginated list (GitHub and GitLab both send `Link: <...>; rel="next"`). */
async function all(url, headers) {
  const items = [];
  for (let next = url; next; ) {
    const { json, link } = await api("GET", next, headers);
    items.push(...json);
    next = /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
  }
  return items;
}

/** Posts the comment, or updates the one posted before on this pull request. Returns what it did. */
async function post(where, body) {
  if (where === "github") {
    const base = (process.env.GITHUB_API_URL || "https://api.github.com").replace(/\/$/, "");
    const headers = { authorization: `Bearer ${need("GITHUB_TOKEN")}`, accept: "application/vnd.github+json" };
    const issue = `${base}/repos/${need("GITHUB_REPOSITORY")}/issues/${need("PR_NUMBER")}`;
    const mine = (await all(`${issue}/comments?per_page=100`, headers)).find((c) => (c.body ?? "").startsWith(MARKER));
    if (mine) {
      await api("PATCH", `${base}/repos/${need("GITHUB_REPOSITORY")}/issues/comments/${mine.id}`, headers, { body });
      return `updated comment ${mine.id}`;
    }
    const made = await api("POST", `${issue}/comments`, headers, { body });
    return `posted comment ${made.json.id}`;
  }
  const base = need("CI_API_V4_URL").replace(/\/$/, "");
  const headers = { "private-token": need("GITLAB_TOKEN") };
  const notes = `${base}/projects/${encodeURIComponent(need("CI_PROJECT_ID"))}/merge_requests/${need("CI_MERGE_REQUEST_IID")}/notes`;
  const mine = (await all(`${notes}?per_page=100`, headers)).find((n) => (n.body ?? "").startsWith(MARKER));
  if (mine) {
    await api("PUT", `${notes}/${mine.id}`, headers, { body });
    return `updated note ${mine.id}`;
  }
  const made = await api("POST", notes, headers, { body });
  return `posted note ${made.json.id}`;
}

async function main(argv) {
  const opts = parseArgs(argv);
  if (opts.postOnly !== undefined) {
    let body;
    try {
      body = fs.readFileSync(opts.postOnly, "utf8");
    } catch (e) {
      throw new CannotRun(`--post-only ${opts.postOnly}: cannot read the comment: ${e.message}`);
    }
    if (!body.startsWith(MARKER)) throw new CannotRun(`--post-only ${opts.postOnly}: not a comment of this script (its first line is not ${MARKER}); make it with --base/--head first`);
    process.stderr.write(`calico-ipam-pr: ${await post(opts.post, body)}\n`);
    return 0;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "calico-ipam-pr-"));
  try {
    const { body, code } = review(opts, work);
    fs.writeFileSync(path.join(opts.out, "comment.md"), body);
    fs.writeFileSync(path.join(opts.out, "exit-code"), `${code}\n`);
    if (opts.post) process.stderr.write(`calico-ipam-pr: ${await post(opts.post, body)}\n`);
    process.stderr.write(`calico-ipam-pr: ${code === 0 ? "the plan change is safe" : "the check fails: destructive change or error finding"} (comment in ${path.join(opts.out, "comment.md")})\n`);
    return code;
  } finally {
    for (const side of ["base", "head"]) {
      if (fs.existsSync(path.join(work, side))) spawnSync("git", ["worktree", "remove", "--force", path.join(work, side)], { stdio: "ignore" });
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`calico-ipam-pr: ${e instanceof CannotRun ? e.message : (e?.stack ?? String(e))}\n`);
    process.exitCode = 2;
  },
);
