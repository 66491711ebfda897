/**
 * The readers of netq's check reports, as close to the real ones as this machine allows: the
 * Jenkins xunit JUnit schema through xmllint (libxml2, Debian libxml2-utils), the SARIF 2.1.0
 * schema through ajv-draft-04, GitLab's Code Quality entry schema and netq's own JSON report
 * schema through ajv, and GitLab's JUnit reading rules (lib/gitlab/ci/parsers/test/junit.rb).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import * as draft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';

// Both packages are CommonJS with a `default` export; under NodeNext the class sits one level down.
const Draft04 = draft04.default.default ?? draft04.default;
const addFormats = addFormatsModule.default ?? addFormatsModule;

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/schemas/${name}`, import.meta.url));
export const JUNIT_XSD = fixture('junit-10.xsd');

/**
 * xmllint's verdict on a JUnit document against junit-10.xsd: '' when valid, else what it said.
 * The document goes through stdin, so nothing is left on disk.
 */
export function junitSchemaErrors(xml: string): string {
  try {
    execFileSync('xmllint', ['--noout', '--schema', JUNIT_XSD, '-'], { input: xml, stdio: ['pipe', 'pipe', 'pipe'] });
    return '';
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string };
    return e.stderr?.toString() || e.message;
  }
}

/** The SARIF 2.1.0 schema (draft-04), validated with formats (uri, uri-reference, date-time). */
export const validateSarif = (() => {
  const ajv = new Draft04({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(fixture('sarif-schema-2.1.0.json'), 'utf8')) as object);
})();

/** GitLab's schema for one Code Quality entry (gitlabhq app/validators/json_schemas/codeclimate.json). */
export const validateCodeQualityEntry = (() => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(JSON.parse(readFileSync(fixture('gitlab-code-quality-entry.schema.json'), 'utf8')) as object);
})();

/** netq's own schema of `netq check --format json`. */
export const validateCheckJson = (() => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(new URL('../../schemas/netq-check-report.schema.json', import.meta.url), 'utf8')) as object);
})();

/** A Code Quality report as GitLab reads it: a JSON array whose every entry its schema accepts (it stops at the first it refuses). */
export function codeQualityErrors(text: string): string {
  const list = JSON.parse(text) as unknown;
  if (!Array.isArray(list)) return 'not an array';
  for (const [i, entry] of list.entries()) {
    if (!validateCodeQualityEntry(entry)) return `entry ${i}: ${JSON.stringify(validateCodeQualityEntry.errors)}`;
    // GitLab builds each entry's link with File.join(sha, path): a missing path fails the whole report.
    const path = (entry as { location?: { path?: unknown } }).location?.path;
    if (typeof path !== 'string' || path === '') return `entry ${i}: no location.path`;
  }
  return '';
}

/** One test case as GitLab's JUnit parser makes it. */
export interface GitlabTestCase {
  suite: string;
  classname: string;
  name: string;
  status: 'success' | 'failed' | 'error' | 'skipped';
  /** What GitLab shows for the case; null for a passing one (GitLab keeps nothing of it). */
  systemOutput: string | null;
}

/**
 * GitLab's reading of a JUnit report (create_test_case in lib/gitlab/ci/parsers/test/junit.rb):
 * status `failed` with a `<failure>`, `error` with an `<error>`, `skipped` with a `<skipped>`, else
 * `success`; the shown output is the element's text (plus `<system-out>` after a failure or an
 * error), and nothing at all for a passing case.
 */
export function gitlabTestCases(xml: string): GitlabTestCase[] {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  });
  const doc = parser.parse(xml) as { testsuites?: { testsuite?: Array<Record<string, unknown>> } };
  const textOf = (v: unknown): string | null => {
    if (v === undefined) return null;
    if (typeof v === 'string') return v;
    const t = (v as Record<string, unknown>)['#text'];
    return typeof t === 'string' ? t : '';
  };
  const out: GitlabTestCase[] = [];
  for (const suite of doc.testsuites?.testsuite ?? []) {
    for (const tc of (suite.testcase as Array<Record<string, unknown>> | undefined) ?? []) {
      const systemOut = textOf(tc['system-out']);
      const extra = systemOut === null ? '' : `\n\nSystem Out:\n\n${systemOut}`;
      const base = { suite: String(suite['@name']), classname: String(tc['@classname']), name: String(tc['@name']) };
      if ('failure' in tc) out.push({ ...base, status: 'failed', systemOutput: `${textOf(tc.failure)}${extra}` });
      else if ('error' in tc) out.push({ ...base, status: 'error', systemOutput: `${textOf(tc.error)}${extra}` });
      else if ('skipped' in tc) out.push({ ...base, status: 'skipped', systemOutput: textOf(tc.skipped) });
      else out.push({ ...base, status: 'success', systemOutput: null });
    }
  }
  return out;
}
