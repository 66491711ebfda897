import type { CheckReport, CheckResult, Finding, RunError } from '../model.js';
import { failsGate, findingCountText, findingTags, findingsOf, groupBySite, locationText, notFailingText, rowText } from './common.js';

/**
 * JUnit XML, valid against the schema Jenkins' xunit plugin validates with (junit-10.xsd: the
 * root `<testsuites>` takes only name, time, tests, failures and errors) and read as GitLab's
 * unit test reports and the GitHub test-report actions read it: one `<testsuite>` per site, one
 * `<testcase>` per check with `classname` = site and `name` = check name (GitLab keys a test by
 * suite, classname and name, so both are always set), `<failure>` holding the findings as text,
 * `<error>` for a check that could not run, `<skipped>` for one that did not apply.
 *
 * What GitLab keeps (lib/gitlab/ci/parsers/test/junit.rb): a test case's status is `failed`
 * when it has a `<failure>`, `error` with an `<error>`, `skipped` with a `<skipped>`, else
 * `success`; its shown output is the text of that element (plus `<system-out>` after a failure
 * or error); a passing test case keeps no output at all, so findings in the `<system-out>` of a
 * passing case are thrown away. Hence a check whose findings do not fail the gate (warnings at
 * `--fail-on error`, findings that already existed in the base, anything at `--fail-on never`)
 * is written `<skipped>` with the findings as its text: GitLab shows it, with the findings, and
 * neither GitLab nor Jenkins counts it as a failure, so the test report never reads as a failed
 * gate when the gate passed. A check is a `<failure>` exactly when one of its findings fails the
 * gate (the rule the exit code follows), so the report and the job's exit code tell the same
 * story. Waived findings alone leave a check passing (in `<system-out>`, for Jenkins' log).
 *
 * A `<failure>`/`<error>`/`<skipped>` always has text: GitLab reads the element through
 * Hash.from_xml, where an element with text becomes that text and one without becomes a hash of
 * its attributes.
 */
export function renderCheckJunit(report: CheckReport): string {
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, ms: 0 };
  if (report.error) {
    totals.tests++;
    totals.errors++;
    suites.push(runErrorSuite(report.error));
  }
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
    totals.ms += counts.ms;
    // `skipped` is allowed on a testsuite (not on the root).
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
    time: seconds(totals.ms),
  });
  const body = suites.length ? `<testsuites ${rootAttrs}>\n${suites.join('\n')}\n</testsuites>` : `<testsuites ${rootAttrs}/>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
}

/** The gate could not run (bad checks file, Batfish unreachable): one suite with one test case in error. */
function runErrorSuite(error: RunError): string {
  const lines = [error.message, ...error.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`)];
  if (error.hint) lines.push(`hint: ${error.hint}`);
  return (
    `  <testsuite ${attrs({ name: 'netq check', tests: '1', failures: '0', errors: '1', skipped: '0', time: '0.000' })}>\n` +
    `    <testcase ${attrs({ classname: 'netq check', name: 'gate can run', time: '0' })}>\n` +
    `      <error ${attrs({ message: error.message, type: `exit ${error.exitCode}` })}>${text(lines.join('\n'))}</error>\n` +
    '    </testcase>\n' +
    '  </testsuite>'
  );
}

function testcaseBody(report: CheckReport, check: CheckResult): { kind: 'pass' | 'failure' | 'error' | 'skipped'; body: string } {
  const findings = findingsOf(report, check);
  switch (check.status) {
    case 'skipped': {
      const why = check.error?.message ?? 'not for this site';
      return { kind: 'skipped', body: `      <skipped ${attrs({ message: why })}>${text(why)}</skipped>` };
    }
    case 'error': {
      const message = check.error?.message ?? 'the check could not run';
      return {
        kind: 'error',
        body: `      <error ${attrs({ message, type: check.kind })}>${text(message)}</error>`,
      };
    }
    case 'fail':
    case 'warn':
    case 'pass': {
      const open = findings.filter((f) => !f.waiver);
      const details = findings.map(findingText).join('\n');
      if (open.length === 0) {
        // Waived findings are still worth a line in the log of a passing test.
        return findings.length ? { kind: 'pass', body: `      <system-out>${text(details)}</system-out>` } : { kind: 'pass', body: '' };
      }
      const summary = `${check.kind}: ${findingCountText(findings, check.findings)}`;
      if (findings.some((f) => failsGate(f, report))) {
        return { kind: 'failure', body: `      <failure ${attrs({ message: summary, type: check.kind })}>${text(details)}</failure>` };
      }
      const message = `${summary}; ${notFailingText(findings, report)}`;
      return { kind: 'skipped', body: `      <skipped ${attrs({ message })}>${text(`${message}\n${details}`)}</skipped>` };
    }
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
