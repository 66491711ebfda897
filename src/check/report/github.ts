import { randomBytes } from 'node:crypto';
import type { CheckReport, Finding } from '../model.js';
import { groupBySite, orderFindings, printable } from './common.js';
import { type CheckMarkdownOptions, renderCheckMarkdown } from './markdown.js';
import { renderCheckTable } from './table.js';

export interface GithubOptions {
  /** Annotations of one type (error, warning) to print; GitHub shows 10 per type and step. */
  maxPerType?: number;
  /** Passed on to the markdown step summary. */
  markdown?: CheckMarkdownOptions;
  /**
   * The `::stop-commands::` token; a fresh random one when not given (tests pass their own). It
   * must be unpredictable: text that knew it could end the guard.
   */
  stopToken?: string;
}

export interface GithubOutput {
  /** Workflow commands and the plain table in a collapsed group: print to stdout. */
  stdout: string;
  /** Markdown for the job summary: append to the file `GITHUB_STEP_SUMMARY` names. */
  stepSummary: string;
}

/** GitHub's own limit: the rest of a type is dropped from the step's annotations. */
const GITHUB_ANNOTATIONS_PER_TYPE = 10;

interface Annotation {
  type: 'error' | 'warning';
  properties: Record<string, string | number>;
  message: string;
}

/**
 * The report for GitHub Actions: `::error` / `::warning` workflow commands that put findings on
 * their file and line in the pull request (a gate that could not run first, then sites and checks
 * that could not run, new findings, existing ones; waived findings are not annotated), at most
 * `maxPerType` of each type since GitHub drops the rest; the table inside a collapsed log group;
 * and a markdown step summary that says how many annotations were left out.
 *
 * Nothing but netq's own annotations can act as a workflow command. The runner reads a command
 * from a line that starts with `::` (after leading blanks) and, in the older syntax, from `##[`
 * anywhere in a line; names and messages come from configs, checks files and Batfish. So:
 * annotations escape their text as @actions/core does (`%`, CR, LF; also `:` and `,` in
 * properties), and every line of the table has control characters (a lone CR is a line break to
 * the runner) shown as escapes and a WORD JOINER put inside every `::` and `##[` (invisible in
 * the log, but no longer the sequence the runner looks for). The table is also wrapped in
 * `::stop-commands::<token>` … `::<token>::` with a random token, which tells the runner to
 * process nothing in between; since no `::` is left in the table, not even a token that was
 * guessed could end it early.
 */
export function renderCheckGithub(report: CheckReport, options: GithubOptions = {}): GithubOutput {
  const max = options.maxPerType ?? GITHUB_ANNOTATIONS_PER_TYPE;
  const token = options.stopToken ?? randomBytes(16).toString('hex');
  const annotations: Annotation[] = [];
  if (report.error) {
    const e = report.error;
    annotations.push({ type: 'error', properties: { title: `netq: check could not run (exit ${e.exitCode})` }, message: e.hint ? `${e.message}\nhint: ${e.hint}` : e.message });
    for (const p of e.problems) {
      annotations.push({ type: 'error', properties: { file: p.file, line: p.line, col: p.column, title: 'netq: checks file' }, message: p.message });
    }
  }
  for (const g of groupBySite(report)) {
    if (g.report?.error) {
      annotations.push({ type: 'error', properties: { title: `netq: ${g.site} could not be checked` }, message: g.report.error.message });
    }
  }
  for (const c of report.checks.filter((x) => x.status === 'error')) {
    annotations.push({
      type: 'error',
      properties: { title: `netq: ${c.name} could not run (${c.site})` },
      message: c.error?.message ?? 'the check could not run',
    });
  }
  for (const f of orderFindings(report.findings).filter((x) => !x.waiver)) annotations.push(findingAnnotation(f));

  const shown: Annotation[] = [];
  const left = { error: 0, warning: 0 };
  const used = { error: 0, warning: 0 };
  for (const a of annotations) {
    if (used[a.type] < max) {
      used[a.type]++;
      shown.push(a);
    } else {
      left[a.type]++;
    }
  }

  const lines = shown.map(workflowCommand);
  const more = moreText(left);
  if (more) lines.push(workflowCommand({ type: 'notice', properties: { title: 'netq: more findings' }, message: more }));
  const table = renderCheckTable(report, { color: false }).trimEnd().split('\n').map(inertLine);
  lines.push('::group::netq check results', `::stop-commands::${token}`, ...table, `::${token}::`, '::endgroup::');

  let stepSummary = renderCheckMarkdown(report, options.markdown);
  if (more) stepSummary += `\n> ℹ️ ${more}\n`;
  return { stdout: `${lines.join('\n')}\n`, stepSummary };
}

/** WORD JOINER, invisible in the log. */
const WJ = '\u2060';

/**
 * One line of text the runner must not read as a command (see renderCheckGithub): control
 * characters shown as escapes, and no `::` or `##[` left anywhere in it.
 */
export function inertLine(line: string): string {
  return printable(line)
    .replace(/[\r\n]/g, ' ')
    .replace(/:(?=:)/g, `:${WJ}`)
    .replace(/#(?=#\[)/g, `#${WJ}`);
}

function findingAnnotation(f: Finding): Annotation {
  const properties: Record<string, string | number> = {};
  if (f.location) {
    properties.file = f.location.file;
    if (f.location.line !== null) properties.line = f.location.line;
  }
  const state = f.baseline === 'new' ? ' [new]' : f.baseline === 'existing' ? ' [existing]' : '';
  properties.title = `netq: ${f.check} (${f.site})${state}`;
  return { type: f.severity, properties, message: f.message };
}

function moreText(left: { error: number; warning: number }): string {
  const parts: string[] = [];
  if (left.error) parts.push(`${left.error} more ${left.error === 1 ? 'error' : 'errors'}`);
  if (left.warning) parts.push(`${left.warning} more ${left.warning === 1 ? 'warning' : 'warnings'}`);
  if (!parts.length) return '';
  return `${parts.join(' and ')} not annotated: GitHub shows only ${GITHUB_ANNOTATIONS_PER_TYPE} annotations of a type per step. The SARIF report (--report sarif=FILE) carries them all.`;
}

function workflowCommand(a: { type: string; properties: Record<string, string | number>; message: string }): string {
  const props = Object.entries(a.properties)
    .map(([k, v]) => `${k}=${escapeProperty(noOldCommand(printable(String(v))))}`)
    .join(',');
  return `::${a.type}${props ? ` ${props}` : ''}::${escapeData(noOldCommand(printable(a.message)))}`;
}

/** The older command syntax (`##[`) anywhere in a line: taken apart with a WORD JOINER, in annotations too. */
function noOldCommand(text: string): string {
  return text.replace(/#(?=#\[)/g, `#${WJ}`);
}

/** The message part of a workflow command, as @actions/core escapes it: `%`, CR and LF. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value of a workflow command: also `:` and `,`, which end a property. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
