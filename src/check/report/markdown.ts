import { toMermaid } from '../../render/graph.js';
import type { CheckReport, CheckResult, CheckStatus, Finding, RunError } from '../model.js';
import {
  STATUS_ORDER,
  clip,
  durationText,
  findingCountText,
  findingsOf,
  groupBySite,
  isBgpKind,
  locationText,
  printable,
  rollUpText,
  rowText,
  verdictOf,
} from './common.js';

export interface CheckMarkdownOptions {
  /**
   * Longest comment to write, in characters (default 60 000; GitHub refuses comments over
   * 65 536, GitLab's notes are larger but slow to render). Evidence is cut first, with a note.
   */
  maxChars?: number;
  /** Sessions above which a site's graph is not drawn (mermaid slows down and becomes unreadable). */
  maxGraphEdges?: number;
}

const ICONS: Record<CheckStatus, string> = { pass: '✅', fail: '❌', warn: '⚠️', error: '💥', skipped: '⏭️' };
/** Room kept free for the roll-up line and the note that says what was cut. */
const NOTE_RESERVE = 800;

/**
 * A merge-request comment: a verdict line, a table of the checks, then the evidence of each
 * check that found something in a `<details>` block (checks with new findings first, new
 * findings first within each), with a mermaid graph of the site's BGP sessions under a failing
 * BGP check, what the change fixed, and a note of whatever did not fit in `maxChars`.
 */
export function renderCheckMarkdown(report: CheckReport, options: CheckMarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? 60_000;
  const maxGraphEdges = options.maxGraphEdges ?? 400;
  const budget = new Budget(maxChars - NOTE_RESERVE);
  const cut = { checks: 0, findings: 0, fixed: 0, graphs: 0, notes: 0 };

  // The verdict is the point of the comment: it is there whatever the limit.
  budget.force(`${verdictLine(report)}\n\n${metaLine(report)}\n`);
  if (report.error) addRunError(budget, report.error, cut);

  // The checks table: problems first, so a cut table still shows what matters.
  const checks = [...report.checks].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status));
  const tableHead = '\n| | Site | Check | Kind | Findings | Time |\n|---|---|---|---|---|---|\n';
  if (checks.length) {
    budget.add(tableHead);
    // The table gets at most half of the room: the evidence is why the comment exists.
    const tableLimit = budget.used + Math.floor((maxChars - budget.used) / 2);
    for (const c of checks) {
      const findings = findingsOf(report, c);
      const count = c.status === 'error' || c.status === 'skipped' ? '–' : findingCountText(findings, c.findings);
      const line = `| ${ICONS[c.status]} ${c.status} | ${md(c.site)} | ${md(c.name)} | ${code(c.kind)} | ${count} | ${durationText(c.durationMs)} |\n`;
      if (budget.used + line.length > tableLimit || !budget.add(line)) cut.checks++;
    }
  }

  const problems: string[] = [];
  for (const g of groupBySite(report)) {
    if (g.report?.error) problems.push(`- 💥 **${md(g.site)}** could not be checked: ${md(g.report.error.message)}`);
  }
  for (const c of report.checks.filter((x) => x.status === 'error')) {
    problems.push(`- 💥 **${md(c.name)}** on ${md(c.site)} could not run: ${md(c.error?.message ?? 'unknown error')}`);
  }
  if (problems.length) addList(budget, '\n#### Could not run\n\n', problems, cut, 'notes');

  const expired = report.expiredWaivers.map(
    (w) => `- ⏰ the waiver for **${md(w.check)}** expired on ${w.expires ?? '?'} and no longer waives anything: ${md(w.reason)}`,
  );
  if (expired.length) addList(budget, '\n#### Expired waivers\n\n', expired, cut, 'notes');

  // Evidence, one <details> per check that found something; checks with new findings first.
  const withFindings = report.checks
    .map((c) => ({ c, findings: findingsOf(report, c) }))
    .filter(({ c, findings }) => findings.length > 0 && (c.status === 'fail' || c.status === 'warn' || c.status === 'pass'));
  const hasNew = (fs: Finding[]): boolean => fs.some((f) => f.baseline === 'new' && !f.waiver);
  withFindings.sort(
    (a, b) =>
      Number(hasNew(b.findings)) - Number(hasNew(a.findings)) ||
      STATUS_ORDER.indexOf(a.c.status) - STATUS_ORDER.indexOf(b.c.status),
  );
  if (withFindings.length) budget.add('\n#### Findings\n');
  const graphed = new Set<string>();
  for (const { c, findings } of withFindings) {
    const open = c.status === 'fail' || c.status === 'warn' ? ' open' : '';
    const head =
      `\n<details${open}>\n<summary>${ICONS[c.status]} <b>${html(c.name)}</b> · ${html(c.site)} · ${html(findingCountText(findings, c.findings))}</summary>\n\n` +
      '| | Finding | Location | Evidence |\n|---|---|---|---|\n';
    const tail = '\n</details>\n';
    if (!budget.fits(head.length + tail.length + 200)) {
      cut.findings += findings.length;
      continue;
    }
    budget.add(head);
    let shown = 0;
    for (const f of findings) {
      // Keep room for this block's closing tag whatever happens.
      if (!budget.addKeeping(findingRow(f), tail.length)) break;
      shown++;
    }
    cut.findings += findings.length - shown;
    const graph = graphBlock(report, c, graphed, maxGraphEdges);
    if (graph) {
      if (budget.addKeeping(graph, tail.length)) graphed.add(c.site);
      else cut.graphs++;
    }
    budget.add(tail);
  }

  if (report.fixed.length) {
    const fixed = report.fixed.map(
      (f) => `- ✅ **${md(f.check)}** · ${md(f.site)}: ${md(f.message)}${f.location ? ` (${code(locationText(f.location))})` : ''}`,
    );
    addList(budget, `\n#### Fixed by this change (${report.fixed.length})\n\n`, fixed, cut, 'fixed');
  }

  const notes: string[] = [];
  if (cut.findings) notes.push(`${cut.findings} ${cut.findings === 1 ? 'finding' : 'findings'}`);
  if (cut.fixed) notes.push(`${cut.fixed} fixed`);
  if (cut.checks) notes.push(`${cut.checks} ${cut.checks === 1 ? 'row' : 'rows'} of the checks table`);
  if (cut.notes) notes.push(`${cut.notes} ${cut.notes === 1 ? 'line' : 'lines'} about checks that could not run or expired waivers`);
  if (cut.graphs) notes.push(`${cut.graphs} session ${cut.graphs === 1 ? 'graph' : 'graphs'}`);
  // The roll-up and the note live in the reserved room: they are always there.
  let text = `${budget.text()}\n<sub>${md(rollUpText(report))}</sub>\n`;
  if (notes.length) {
    const limit = maxChars.toLocaleString('en').replace(/,/g, ' ');
    text += `\n> ✂️ Not shown, to keep this comment under ${limit} characters: ${notes.join(', ')}. The JSON and SARIF reports (\`--report json=FILE\`, \`--report sarif=FILE\`) list everything.\n`;
  }
  return text;
}

/** Why the gate could not run: the error, each mistake of the checks file at its place, the hint. */
function addRunError(budget: Budget, error: RunError, cut: Record<'notes' | 'fixed', number>): void {
  budget.force(`\n${md(error.message)}\n`);
  if (error.problems.length) {
    const items = error.problems.map((p) => `- ${code(`${p.file}:${p.line}:${p.column}`)}: ${md(p.message)}`);
    addList(budget, '\n', items, cut, 'notes');
  }
  if (error.hint) budget.add(`\n_hint:_ ${md(error.hint)}\n`);
}

function verdictLine(report: CheckReport): string {
  if (report.error) return `### 💥 netq check could not run (exit ${report.error.exitCode})`;
  const s = report.summary;
  const parts: string[] = [];
  if (s.checks.fail) parts.push(`${s.checks.fail} failing ${s.checks.fail === 1 ? 'check' : 'checks'}`);
  if (s.checks.warn) parts.push(`${s.checks.warn} with warnings`);
  if (s.checks.error) parts.push(`${s.checks.error} could not run`);
  if (report.baseline) parts.push(`${s.findings.new} new ${s.findings.new === 1 ? 'finding' : 'findings'}`);
  const detail = parts.length ? `: ${parts.join(', ')}` : '';
  switch (verdictOf(report)) {
    case 'pass':
      return `### ✅ netq check passed${detail}`;
    case 'fail':
      return `### ❌ netq check failed${detail}`;
    case 'error':
      return `### 💥 netq check did not complete (exit ${report.exitCode})${detail}`;
  }
}

function metaLine(report: CheckReport): string {
  const parts = [`netq ${md(report.netqVersion)}`];
  if (report.batfishVersion) parts.push(`Batfish ${md(report.batfishVersion)}`);
  if (report.baseline) parts.push(`compared with ${report.baseline.kind === 'ref' ? 'git ref' : 'folder'} ${code(report.baseline.value)}`);
  parts.push(`fails on ${report.failOn === 'never' ? 'nothing' : `${report.failOn}s`}`);
  return `<sub>${parts.join(' · ')}</sub>`;
}

function findingRow(f: Finding): string {
  const state = f.waiver ? '💤 waived' : f.baseline === 'new' ? '🆕 new' : f.baseline === 'existing' ? 'existing' : '';
  const level = f.severity === 'warning' ? '⚠️' : '❌';
  const where = f.location ? code(locationText(f.location)) : '';
  const evidence = clip(rowText(f.row), 300);
  const waiver = f.waiver ? ` <br>waived: ${md(f.waiver.reason)}` : '';
  return `| ${level} ${state} | ${md(f.message)}${waiver} | ${where} | ${md(evidence)} |\n`;
}

/** The site's session graph, once per site, under the first failing BGP check that has one. */
function graphBlock(report: CheckReport, check: CheckResult, graphed: Set<string>, maxEdges: number): string | null {
  if (!isBgpKind(check.kind) || check.status !== 'fail' || graphed.has(check.site)) return null;
  const sessions = report.sites.find((s) => s.site === check.site)?.sessions;
  if (!sessions || sessions.length === 0) return null;
  if (sessions.length > maxEdges) return `\n_${sessions.length} BGP sessions: too many to draw here._\n`;
  return (
    `\n**BGP sessions of ${md(check.site)}** (green ok, grey dashed: peer outside the snapshot, red: broken, thick: named by a finding)\n\n` +
    '```mermaid\n' +
    toMermaid(sessions) +
    '```\n'
  );
}

function addList(budget: Budget, head: string, items: string[], cut: Record<'notes' | 'fixed', number>, key: 'notes' | 'fixed'): void {
  if (!budget.fits(head.length + 100)) {
    cut[key] += items.length;
    return;
  }
  budget.add(head);
  for (const item of items) if (!budget.add(`${item}\n`)) cut[key]++;
}

/** The text built so far and what is left of the room. */
class Budget {
  private readonly parts: string[] = [];
  used = 0;
  constructor(private readonly limit: number) {}

  fits(length: number): boolean {
    return this.used + length <= this.limit;
  }

  /** Adds the text when it fits; says whether it did. */
  add(text: string): boolean {
    return this.addKeeping(text, 0);
  }

  /** Adds the text when it fits with `reserve` characters still free after it. */
  addKeeping(text: string, reserve: number): boolean {
    if (!this.fits(text.length + reserve)) return false;
    this.parts.push(text);
    this.used += text.length;
    return true;
  }

  /** Adds the text whether or not it fits. */
  force(text: string): void {
    this.parts.push(text);
    this.used += text.length;
  }

  text(): string {
    return this.parts.join('');
  }
}

/** WORD JOINER: invisible, joins what is around it, and no platform's reference pattern lets it through. */
const WJ = '\u2060';

/**
 * Text from configs, checks files or Batfish, made unable to ping or link anyone when the
 * comment is posted: a WORD JOINER (U+2060) goes right after every sigil that starts a reference
 * and before what it would reference. It renders as nothing on GitHub and GitLab, so the visible
 * text is the same, but `@name` no longer matches GitHub's or GitLab's mention pattern (a name
 * character must follow the `@` directly), nor `#123`, `owner/repo#1`, `GH-123` (GitHub) or
 * `!123`, `~label`, `%milestone`, `&epic`, `$snippet`, `*iteration:1`, `[[wiki]]` (GitLab). An HTML
 * entity (`&#64;`) would not do: both decode entities before they look for references. Code spans
 * and the mermaid block need nothing: neither platform looks for references in code.
 */
export function noReferences(text: string): string {
  return text
    // Only where a reference could start: a letter, digit, `_` or a quote right after the sigil.
    .replace(/([@#!~%&$*])(?=[\p{L}\p{N}_"])/gu, `$1${WJ}`)
    .replace(/\[(?=\[)/g, `[${WJ}`)
    .replace(/\b(GH-)(?=\d)/gi, `$1${WJ}`);
}

/**
 * Text in a Markdown table cell or paragraph: references neutralised (see noReferences), markup
 * characters escaped, `<`, `>` and `&` as entities (GitHub renders inline HTML), line breaks as
 * `<br>`.
 */
export function md(text: string): string {
  return noReferences(printable(text))
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n|\r|\n/g, '<br>');
}

/** Text inside an HTML element (`<summary>`), where Markdown is not read but references are. */
function html(text: string): string {
  return noReferences(printable(text)).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/[\r\n]+/g, ' ');
}

/** A code span; text with a backtick or a pipe (which would end a table cell) falls back to escaped text. */
function code(text: string): string {
  return /[`|\r\n]/.test(text) ? md(text) : `\`${printable(text)}\``;
}
