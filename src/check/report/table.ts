import type { TerminalInfo } from '../../render/index.js';
import { wrapText } from '../../render/table.js';
import type { CheckReport, CheckStatus, Finding } from '../model.js';
import {
  durationText,
  findingCountText,
  findingTags,
  findingsOf,
  fixedOf,
  groupBySite,
  locationText,
  printable,
  rollUpText,
} from './common.js';

export interface CheckTableOptions {
  /** Evidence lines shown under one check before the rest is summarised (default 20). */
  maxEvidence?: number;
}

const LABELS: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', error: 'ERROR', skipped: 'SKIP' };
/** SGR colours: green pass, red fail and error, yellow warn; skipped stays plain. */
const COLORS: Partial<Record<CheckStatus, string>> = { pass: '32', fail: '31', error: '31', warn: '33' };
const STATUS_WIDTH = 5;
/** Indent of evidence lines: under the check name, past the status column. */
const EVIDENCE_INDENT = 2 + STATUS_WIDTH + 2 + 2;

/**
 * The gate's result for people: per site a `== region/site ==` heading, one line per check
 * (status, name, findings, duration), the evidence under each check that found something, what
 * the change fixed, and a roll-up line. Colour only when `terminal.color`; lines wrap to
 * `terminal.width` when stdout is a terminal.
 */
export function renderCheckTable(report: CheckReport, terminal: TerminalInfo, options: CheckTableOptions = {}): string {
  const maxEvidence = options.maxEvidence ?? 20;
  const paint = (code: string | undefined, text: string): string =>
    terminal.color && code ? `\u001b[${code}m${text}\u001b[39m` : text;
  const dim = (text: string): string => (terminal.color ? `\u001b[2m${text}\u001b[22m` : text);
  const bold = (text: string): string => (terminal.color ? `\u001b[1m${text}\u001b[22m` : text);
  // Evidence wraps under itself, so a long message stays readable in a narrow terminal.
  const wrap = (text: string, indent: number): string[] => {
    const width = terminal.width === undefined ? undefined : Math.max(20, terminal.width - indent);
    const safe = printable(text);
    const lines = width === undefined ? safe.split('\n') : wrapText(safe, width).split('\n');
    return lines.map((l) => ' '.repeat(indent) + l);
  };

  const out: string[] = [];
  if (report.error) {
    // The gate could not run: the error is the whole report.
    const e = report.error;
    append(out, paintFirst(wrap(`ERROR  netq check could not run (exit ${e.exitCode}): ${e.message}`, 0), 'ERROR', (t) => paint(COLORS.error, t)));
    for (const p of e.problems) append(out, wrap(`${p.file}:${p.line}:${p.column}: ${p.message}`, 2));
    if (e.hint) append(out, wrap(`hint: ${e.hint}`, 2));
    return `${out.join('\n')}\n`;
  }
  const groups = groupBySite(report);
  // A loop, not Math.max(...names): spreading 400 000 names overflows the call stack.
  let longest = 10;
  for (const c of report.checks) longest = Math.max(longest, [...c.name].length);
  const nameWidth = Math.min(40, longest);
  for (const group of groups) {
    if (out.length) out.push('');
    out.push(bold(`== ${printable(group.site)} ==`));
    if (group.report?.error) {
      append(out, paintFirst(wrap(`ERROR  site could not be checked: ${group.report.error.message}`, 2), 'ERROR', (t) => paint(COLORS.error, t)));
    }
    for (const check of group.checks) {
      const findings = findingsOf(report, check);
      const count = check.status === 'error' || check.status === 'skipped' ? '' : findingCountText(findings, check.findings);
      const shownName = printable(check.name).replace(/\s+/g, ' ');
      const name = [...shownName].length > nameWidth ? shownName : shownName.padEnd(nameWidth);
      const status = paint(COLORS[check.status], LABELS[check.status].padEnd(STATUS_WIDTH));
      const duration = check.status === 'skipped' ? '' : dim(durationText(check.durationMs));
      out.push(`  ${status}  ${name}  ${[count, duration].filter(Boolean).join('  ')}`.trimEnd());
      if (check.error) append(out, wrap(check.error.message, EVIDENCE_INDENT));
      if (check.status === 'pass' || check.status === 'skipped') continue;
      const shown = findings.slice(0, maxEvidence);
      for (const f of shown) append(out, wrap(evidenceLine(f), EVIDENCE_INDENT));
      if (findings.length > shown.length) {
        out.push(' '.repeat(EVIDENCE_INDENT) + dim(`… and ${findings.length - shown.length} more (--format json lists them all)`));
      }
    }
    const fixed = group.checks.flatMap((c) => fixedOf(report, c));
    for (const f of fixed.slice(0, maxEvidence)) {
      append(out, paintFirst(wrap(`fixed  ${f.check}: ${f.message}`, 2), 'fixed', (t) => paint(COLORS.pass, t)));
    }
    if (fixed.length > maxEvidence) out.push(`  ${dim(`… and ${fixed.length - maxEvidence} more fixed`)}`);
  }
  // Findings fixed on a site or by a check this run no longer has still count as fixed.
  const shownChecks = new Set(report.checks.map((c) => `${c.site}\u0000${c.name}`));
  const orphans = report.fixed.filter((f) => !shownChecks.has(`${f.site}\u0000${f.check}`));
  for (const f of orphans.slice(0, maxEvidence)) {
    append(out, paintFirst(wrap(`fixed  ${f.site}: ${f.check}: ${f.message}`, 2), 'fixed', (t) => paint(COLORS.pass, t)));
  }
  for (const w of report.expiredWaivers) {
    out.push(paint(COLORS.warn, printable(`waiver for "${w.check}" expired on ${w.expires ?? '?'} and no longer waives anything (${w.reason})`)));
  }
  if (out.length) out.push('');
  out.push(bold(rollUpText(report)));
  return `${out.join('\n')}\n`;
}

/** `[new]  message  file:line`, plain: it is wrapped before anything is painted. */
function evidenceLine(f: Finding): string {
  const tags = findingTags(f);
  return [tags.length ? `[${tags.join(', ')}]` : '', f.message, locationText(f.location)].filter(Boolean).join('  ');
}

/** Colours the word that starts the first of some wrapped lines (colour codes must not be wrapped). */
function paintFirst(lines: string[], word: string, paint: (text: string) => string): string[] {
  const [first = '', ...rest] = lines;
  return [first.replace(word, paint(word)), ...rest];
}

/** Appends `items` to `out` one by one: `out.push(...items)` overflows the stack on a long list (a long message wraps into many lines). */
function append(out: string[], items: readonly string[]): void {
  for (const item of items) out.push(item);
}
