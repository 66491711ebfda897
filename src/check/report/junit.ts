import type { CheckReport, CheckResult, Finding } from '../model.js';
import { findingCountText, findingTags, findingsOf, groupBySite, locationText, rowText } from './common.js';

/**
 * JUnit XML as GitLab's unit test reports and the GitHub test-report actions read it: one
 * `<testsuite>` per site, one `<testcase>` per check with `classname` = site and `name` = check
 * name (GitLab keys a test by that pair, so both are always set), `<failure>` holding the
 * findings as text, `<error>` for a check that could not run, `<skipped/>` for one that did not
 * apply.
 *
 * A `warn` check is a failure only when the gate fails on warnings (`--fail-on warning`);
 * otherwise it passes with its findings in `<system-out>`, so the test report and the job's exit
 * code tell the same story.
 */
export function renderCheckJunit(report: CheckReport): string {
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
  for (const group of groupBySite(report)) {
    const cases: string[] = [];
    const counts = { tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
    // A site that could not be checked at all still shows up, as one test case in error.
    if (group.report?.error && group.checks.length === 0) {
      counts.tests++;
      counts.errors++;
      cases.push(
        `    <testcase ${attrs({ classname: group.site, name: 'site can be checked', time: '0' })}>\n` +
          `      <error ${attrs({ message: group.report.error.message, type: `exit ${group.report.error.exitCode}` })}>${text(group.report.error.message)}</error>\n` +
          '    </testcase>',
      );
    }
    for (const check of group.checks) {
      counts.tests++;
      counts.ms += check.durationMs;
      const outcome = testcaseBody(report, check);
      if (outcome.kind === 'failure') counts.failures++;
      if (outcome.kind === 'error') counts.errors++;
      if (outcome.kind === 'skipped') counts.skipped++;
      const open = `    <testcase ${attrs({ classname: check.site, name: check.name, time: seconds(check.durationMs) })}`;
      cases.push(outcome.body ? `${open}>\n${outcome.body}\n    </testcase>` : `${open}/>`);
    }
    totals.tests += counts.tests;
    totals.failures += counts.failures;
    totals.errors += counts.errors;
    totals.skipped += counts.skipped;
    totals.ms += counts.ms;
    const suiteAttrs = attrs({
      name: group.site,
      tests: String(counts.tests),
      failures: String(counts.failures),
      errors: String(counts.errors),
      skipped: String(counts.skipped),
      time: seconds(counts.ms),
    });
    suites.push(cases.length ? `  <testsuite ${suiteAttrs}>\n${cases.join('\n')}\n  </testsuite>` : `  <testsuite ${suiteAttrs}/>`);
  }
  const rootAttrs = attrs({
    name: 'netq check',
    tests: String(totals.tests),
    failures: String(totals.failures),
    errors: String(totals.errors),
    skipped: String(totals.skipped),
    time: seconds(totals.ms),
  });
  const body = suites.length ? `<testsuites ${rootAttrs}>\n${suites.join('\n')}\n</testsuites>` : `<testsuites ${rootAttrs}/>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
}

function testcaseBody(report: CheckReport, check: CheckResult): { kind: 'pass' | 'failure' | 'error' | 'skipped'; body: string } {
  const findings = findingsOf(report, check);
  switch (check.status) {
    case 'skipped': {
      const why = check.error?.message ?? 'not for this site';
      return { kind: 'skipped', body: `      <skipped ${attrs({ message: why })}/>` };
    }
    case 'error': {
      const message = check.error?.message ?? 'the check could not run';
      return {
        kind: 'error',
        body: `      <error ${attrs({ message, type: check.kind })}>${text(message)}</error>`,
      };
    }
    case 'fail':
    case 'warn': {
      const summary = `${check.kind}: ${findingCountText(findings, check.findings)}`;
      const details = text(findings.map(findingText).join('\n'));
      if (check.status === 'fail' || report.failOn === 'warning') {
        return { kind: 'failure', body: `      <failure ${attrs({ message: summary, type: check.kind })}>${details}</failure>` };
      }
      return { kind: 'pass', body: `      <system-out>${text(`${summary}\n${findings.map(findingText).join('\n')}`)}</system-out>` };
    }
    case 'pass':
      // Waived findings are still worth a line in the log of a passing test.
      return findings.length
        ? { kind: 'pass', body: `      <system-out>${text(findings.map(findingText).join('\n'))}</system-out>` }
        : { kind: 'pass', body: '' };
  }
}

/** A finding as the text of a `<failure>`: tags, message, location and the evidence row. */
function findingText(f: Finding): string {
  const tags = findingTags(f);
  const head = [`[${f.severity}${tags.length ? `, ${tags.join(', ')}` : ''}]`, f.message].join(' ');
  const lines = [head];
  const where = locationText(f.location);
  if (where) lines.push(`  at ${where}`);
  const evidence = rowText(f.row);
  if (evidence) lines.push(`  evidence: ${evidence}`);
  if (f.waiver) lines.push(`  waived: ${f.waiver.reason}`);
  return lines.join('\n');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/**
 * Characters XML 1.0 cannot carry at all (controls other than tab and newlines, lone surrogates,
 * U+FFFE/U+FFFF): removed, since no escape can represent them and one would make the whole
 * report unreadable.
 */
const ILLEGAL_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes character data (element text). */
export function xmlText(value: string): string {
  return value.replace(ILLEGAL_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Escapes an attribute value. Tabs and line breaks become character references, because a
 * parser replaces literal ones in attributes with spaces.
 */
export function xmlAttr(value: string): string {
  return xmlText(value)
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

const text = xmlText;

function attrs(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}="${xmlAttr(v)}"`)
    .join(' ');
}
