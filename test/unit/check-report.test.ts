import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import {
  CHECK_FORMATS,
  parseReportOption,
  renderCheckGithub,
  renderCheckGitlab,
  renderCheckJson,
  renderCheckMarkdown,
  renderCheckReport,
  renderCheckTable,
  writeReportFile,
  type CodeQualityIssue,
} from '../../src/check/report/index.js';
import { escapeData, escapeProperty } from '../../src/check/report/github.js';
import { InputError } from '../../src/errors.js';
import type { CheckReport } from '../../src/check/model.js';
import { BGP, LON, NASTY, NYC, SFO, floodReport, passingReport, reportWithoutBase, sampleReport } from './check-report-fixture.js';

const addFormats = addFormatsModule.default ?? addFormatsModule;

const validateJson = (() => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  const schema = JSON.parse(readFileSync(new URL('../../schemas/netq-check-report.schema.json', import.meta.url), 'utf8')) as object;
  return ajv.compile(schema);
})();

const ESC = '\u001b[';

describe('check report: json', () => {
  it('validates against schemas/netq-check-report.schema.json for every kind of report', () => {
    for (const report of [sampleReport(), reportWithoutBase(), passingReport(), floodReport(20)]) {
      const doc: unknown = JSON.parse(renderCheckJson(report));
      assert.ok(validateJson(doc), JSON.stringify(validateJson.errors, null, 2));
    }
  });

  it('the schema rejects an unknown status and a missing field', () => {
    const doc = JSON.parse(renderCheckJson(sampleReport())) as { checks: Array<Record<string, unknown>>; findings: Array<Record<string, unknown>> };
    doc.checks[0]!.status = 'bogus';
    assert.equal(validateJson(doc), false);
    const other = JSON.parse(renderCheckJson(sampleReport())) as { findings: Array<Record<string, unknown>> };
    delete other.findings[0]!.fingerprint;
    assert.equal(validateJson(other), false);
  });

  it('holds the fields of issue 8: checks with their kind, findings with location and baseline, fixed', () => {
    const doc = JSON.parse(renderCheckJson(sampleReport())) as {
      netqVersion: string;
      batfishVersion: string;
      summary: { checks: Record<string, number>; findings: Record<string, number> };
      checks: Array<Record<string, unknown>>;
      findings: Array<Record<string, unknown>>;
      fixed: Array<Record<string, unknown>>;
    };
    assert.equal(doc.netqVersion, '0.1.0');
    assert.equal(doc.batfishVersion, '2025.07.07.2423');
    assert.deepEqual(doc.summary.checks, { pass: 3, fail: 1, warn: 1, error: 1, skipped: 1 });
    assert.deepEqual(doc.summary.findings, { error: 3, warning: 1, waived: 1, new: 2, existing: 2, fixed: 1 });
    assert.deepEqual(doc.checks[1], {
      name: BGP,
      check: 'bgp-sessions-established',
      site: NYC,
      status: 'fail',
      severity: 'error',
      findings: 3,
      durationMs: 340,
      error: null,
    });
    assert.deepEqual(doc.findings[0]!.location, { file: 'regions/north_america/nyc/configs/core-rtr01.cfg', line: 42 });
    assert.equal(doc.findings[0]!.baseline, 'new');
    assert.equal(doc.findings[2]!.location, null);
    assert.equal(doc.findings[2]!.message, NASTY);
    assert.equal(doc.fixed.length, 1);
    assert.equal(doc.fixed[0]!.fingerprint, 'fp-bgp-old');
  });
});

describe('check report: table', () => {
  it('shows a heading per site, a line per check, evidence under failing checks and a roll-up', () => {
    const text = renderCheckTable(sampleReport(), { color: false });
    const lines = text.split('\n');
    assert.ok(lines.includes(`== ${NYC} ==`) && lines.includes(`== ${SFO} ==`) && lines.includes(`== ${LON} ==`));
    assert.ok(!text.includes(ESC), 'no colour when color is false');
    assert.match(text, /^ {2}FAIL {3}core BGP sessions are up +3 findings \(1 new, 2 existing, 1 waived\) {2}340 ms$/m);
    assert.match(text, /^ {2}PASS {3}parse health +no findings {2}80 ms$/m);
    assert.match(text, /^ {2}WARN {3}no undefined references +1 finding \(1 new\) {2}95 ms$/m);
    assert.match(text, /^ {2}ERROR {2}no duplicate IPs +2\.1 s\n {11}Batfish work failed/m);
    assert.match(text, /^ {2}SKIP {3}ospf adjacencies/m);
    assert.match(text, /^ {2}ERROR {2}site could not be checked: no configs under regions\/europe\/lon\/configs$/m);
    // Evidence: new first, with location; waived tagged.
    const bgp = lines.findIndex((l) => l.includes('FAIL   core BGP'));
    assert.equal(lines[bgp + 1], '           [new]  core-rtr01 → 10.10.3.2 (dist-rtr01) is NOT_ESTABLISHED  regions/north_america/nyc/configs/core-rtr01.cfg:42');
    assert.ok(lines[bgp + 2]!.startsWith('           [existing]  peer "10.0.0.2"'));
    assert.ok(lines[bgp + 3]!.startsWith('           [existing, waived until 2027-01-31]  border01'));
    assert.match(text, /^ {2}fixed {2}core BGP sessions are up: core-rtr02 → 10\.10\.4\.2 was NOT_ESTABLISHED$/m);
    assert.match(text, /waiver for "core BGP sessions are up" expired on 2024-01-31/);
    assert.equal(lines.at(-2), '7 checks on 3 sites: 3 pass, 1 fail, 1 warn, 1 error, 1 skipped; 3 errors, 1 warning, 2 new, 2 existing, 1 fixed, 1 waived');
  });

  it('colours pass green, fail and error red, warn yellow when the terminal takes colour', () => {
    const text = renderCheckTable(sampleReport(), { color: true });
    assert.ok(text.includes(`${ESC}32mPASS `));
    assert.ok(text.includes(`${ESC}31mFAIL `));
    assert.ok(text.includes(`${ESC}31mERROR`));
    assert.ok(text.includes(`${ESC}33mWARN `));
    assert.ok(text.includes('SKIP '));
    assert.ok(!text.includes(`${ESC}32mSKIP`) && !text.includes(`${ESC}31mSKIP`) && !text.includes(`${ESC}33mSKIP`), 'skipped stays plain');
  });

  it('wraps evidence to the terminal width under itself', () => {
    const text = renderCheckTable(sampleReport(), { color: false, width: 60 });
    for (const line of text.split('\n').filter((l) => l.startsWith('           '))) assert.ok([...line].length <= 60, line);
  });

  it('lists at most maxEvidence findings per check and says how many more', () => {
    const text = renderCheckTable(floodReport(30), { color: false }, { maxEvidence: 5 });
    assert.equal(text.split('\n').filter((l) => l.startsWith('           [')).length, 5);
    assert.ok(text.includes('… and 25 more'));
  });
});

describe('check report: gitlab code quality', () => {
  const issues = (report: CheckReport) => JSON.parse(renderCheckGitlab(report)) as CodeQualityIssue[];

  it('is a JSON array of issues with every field GitLab needs', () => {
    const list = issues(sampleReport());
    assert.ok(Array.isArray(list));
    assert.equal(list.length, 4);
    for (const i of list) {
      assert.equal(typeof i.description, 'string');
      assert.equal(typeof i.check_name, 'string');
      assert.equal(typeof i.fingerprint, 'string');
      assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(i.severity));
      assert.equal(typeof i.location.path, 'string');
      assert.ok(Number.isInteger(i.location.lines.begin) && i.location.lines.begin >= 1);
    }
  });

  it('maps severities (error critical, warning minor, waived info) and locations (site folder without a file)', () => {
    const byFp = new Map(issues(sampleReport()).map((i) => [i.fingerprint, i]));
    assert.deepEqual(byFp.get('fp-bgp-1')!.location, { path: 'regions/north_america/nyc/configs/core-rtr01.cfg', lines: { begin: 42 } });
    assert.equal(byFp.get('fp-bgp-1')!.severity, 'critical');
    assert.equal(byFp.get('fp-bgp-1')!.check_name, 'bgp-sessions-established');
    assert.equal(byFp.get('fp-undef-1')!.severity, 'minor');
    assert.equal(byFp.get('fp-bgp-3')!.severity, 'info');
    assert.deepEqual(byFp.get('fp-bgp-3')!.location, { path: 'regions/north_america/nyc/configs/border01.cfg', lines: { begin: 1 } });
    assert.deepEqual(byFp.get('fp-bgp-2')!.location, { path: 'regions/north_america/nyc', lines: { begin: 1 } });
    assert.ok(byFp.get('fp-bgp-2')!.description.startsWith(`${BGP}: ${NASTY}`));
  });

  it('keeps fingerprints unique and leaves fixed findings out', () => {
    const report = sampleReport();
    const dup = { ...report, findings: [...report.findings, { ...report.findings[0]! }] };
    const list = issues(dup);
    assert.equal(new Set(list.map((i) => i.fingerprint)).size, list.length);
    assert.ok(!list.some((i) => i.fingerprint === 'fp-bgp-old'));
    assert.deepEqual(issues(passingReport()), []);
  });
});

/** A workflow command line, taken apart as the runner does. */
function parseCommand(line: string): { type: string; props: Record<string, string>; message: string } | null {
  const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) return null;
  const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  const props: Record<string, string> = {};
  for (const part of (m[2] ?? '').split(',').filter(Boolean)) {
    const eq = part.indexOf('=');
    props[part.slice(0, eq)] = unescape(part.slice(eq + 1));
  }
  return { type: m[1]!, props, message: unescape(m[3]!) };
}

describe('check report: github', () => {
  it('annotates findings on their file and line, checks that could not run first, new findings before existing', () => {
    const { stdout } = renderCheckGithub(sampleReport());
    const commands = stdout.split('\n').map(parseCommand).filter((c) => c !== null && (c.type === 'error' || c.type === 'warning'));
    assert.deepEqual(
      commands.map((c) => [c!.type, c!.props.title]),
      [
        ['error', `netq: ${LON} could not be checked`],
        ['error', `netq: no duplicate IPs could not run (${NYC})`],
        ['error', `netq: ${BGP} (${NYC}) [new]`],
        ['warning', `netq: no undefined references (${NYC}) [new]`],
        ['error', `netq: ${BGP} (${NYC}) [existing]`],
      ],
      'the waived finding is not annotated',
    );
    assert.deepEqual(commands[2]!.props, { file: 'regions/north_america/nyc/configs/core-rtr01.cfg', line: '42', title: `netq: ${BGP} (${NYC}) [new]` });
    assert.equal(commands[3]!.props.file, 'regions/north_america/nyc/configs/edge sw01.cfg');
    assert.equal(commands[4]!.props.file, undefined, 'no file for a finding without one');
    assert.equal(commands[4]!.message, NASTY.replace('\u0001', '\\u{1}').replace('\uFFFE', '\\u{fffe}'), 'escaping round-trips; control characters shown, not sent');
  });

  it('escapes data and properties as GitHub documents', () => {
    assert.equal(escapeData('100%\r\nnext: a,b'), '100%25%0D%0Anext: a,b');
    assert.equal(escapeProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A');
    const report = sampleReport();
    report.findings[0] = { ...report.findings[0]!, message: 'line one\nline two: 50%', location: { file: 'a,b:c.cfg', line: 3 } };
    const first = renderCheckGithub(report).stdout.split('\n').find((l) => l.includes('line one'))!;
    assert.equal(first, `::error file=a%2Cb%3Ac.cfg,line=3,title=netq%3A ${BGP} (${NYC}) [new]::line one%0Aline two: 50%25`);
  });

  it('prints every line either as a command or inside the collapsed group', () => {
    const lines = renderCheckGithub(sampleReport()).stdout.trimEnd().split('\n');
    const start = lines.indexOf('::group::netq check results');
    const end = lines.indexOf('::endgroup::');
    assert.ok(start > 0 && end === lines.length - 1);
    for (const line of lines.slice(0, start)) assert.ok(parseCommand(line), line);
    for (const line of lines.slice(start + 1, end)) assert.ok(!line.startsWith('::'), line);
  });

  it('annotates at most 10 of a type, new first, and says in the summary how many more there are', () => {
    const { stdout, stepSummary } = renderCheckGithub(floodReport(25));
    const commands = stdout.split('\n').map(parseCommand).filter((c) => c !== null);
    const errors = commands.filter((c) => c!.type === 'error');
    assert.equal(errors.length, 10);
    assert.ok(errors.every((c) => c!.props.title!.endsWith('[new]')), 'the 12 new findings come before the 13 existing ones');
    const notice = commands.find((c) => c!.type === 'notice')!;
    assert.match(notice.message, /^15 more errors not annotated/);
    assert.match(stepSummary, /15 more errors not annotated: GitHub shows only 10 annotations of a type per step/);
    assert.ok(stepSummary.startsWith('### ❌ netq check failed'));
  });

  it('has no notice when everything fits', () => {
    const { stdout, stepSummary } = renderCheckGithub(sampleReport());
    assert.ok(!stdout.includes('::notice'));
    assert.ok(!stepSummary.includes('not annotated'));
  });
});

describe('check report: markdown', () => {
  it('starts with the verdict and lists every check in a table', () => {
    const text = renderCheckMarkdown(sampleReport());
    assert.ok(text.startsWith('### ❌ netq check failed: 1 failing check, 1 with warnings, 1 could not run, 2 new findings\n'));
    assert.ok(text.includes('compared with git ref `origin/main`'));
    const rows = text.split("\n").filter((l) => /^\| (✅|❌|⚠️|💥|⏭️) (pass|fail|warn|error|skipped) \|/.test(l));
    assert.equal(rows.length, 7);
    // Every table row has the same number of cells, whatever the messages hold.
    for (const line of text.split('\n').filter((l) => l.startsWith('| '))) {
      const cells = line.replace(/\\\|/g, '').split('|').length;
      assert.ok(cells === 8 || cells === 6, `${cells} cells: ${line}`);
    }
    assert.ok(renderCheckMarkdown(passingReport()).startsWith('### ✅ netq check passed\n'));
  });

  it('shows evidence in <details>, checks with new findings first and new findings first within', () => {
    const text = renderCheckMarkdown(sampleReport());
    const bgp = text.indexOf(`<b>${BGP}</b>`);
    const fresh = text.indexOf('core-rtr01 → 10.10.3.2');
    const existing = text.indexOf('peer "10.0.0.2"'.replace(/"/g, '"'));
    assert.ok(bgp > 0 && fresh > bgp);
    assert.ok(text.includes('peer "10.0.0.2" &lt;AS 65001&gt; &amp; 100% down, state: idle \\| \\`x\\` #1'), 'escaped for markdown');
    assert.ok(existing < 0 || existing > fresh);
    assert.ok(text.includes('<details open>\n<summary>❌ <b>core BGP sessions are up</b> · north_america/nyc · 3 findings (1 new, 2 existing, 1 waived)</summary>'));
    assert.ok(text.includes('#### Fixed by this change (1)'));
    assert.ok(text.includes('#### Could not run'));
    assert.ok(text.includes('#### Expired waivers'));
  });

  it('draws the site\'s BGP sessions as mermaid under a failing BGP check, failing ones marked', () => {
    const text = renderCheckMarkdown(sampleReport());
    const blocks = text.split('```mermaid\n').slice(1).map((b) => b.slice(0, b.indexOf('```')));
    assert.equal(blocks.length, 1);
    assert.match(blocks[0]!, /^flowchart LR$/m);
    assert.match(blocks[0]!, /==>\|"NOT_ESTABLISHED"\|/);
    assert.match(blocks[0]!, /subgraph outside_snapshot/);
    assert.ok(text.indexOf('```mermaid') < text.indexOf('</details>', text.indexOf(`<b>${BGP}</b>`)), 'inside the check\'s details');
    // No graph without a failing BGP check.
    assert.ok(!renderCheckMarkdown(passingReport()).includes('```mermaid'));
  });

  it('stays under 60 000 characters and says what it cut', () => {
    const text = renderCheckMarkdown(floodReport(3000));
    assert.ok(text.length <= 60_000, `${text.length} characters`);
    const shown = text.split('\n').filter((l) => /^\| ❌ (🆕 new|existing) \|/.test(l)).length;
    assert.ok(shown > 100 && shown < 3000);
    assert.ok(text.includes(`> ✂️ Not shown, to keep this comment under 60 000 characters: ${3000 - shown} findings.`));
    assert.ok(text.includes('</details>'), 'the details block is closed');
    assert.ok(text.trimEnd().split('\n').at(-1)!.includes('--report sarif=FILE'));
    // New findings first: the last shown row is still a new one.
    assert.equal(text.split('\n').filter((l) => l.startsWith('| ❌ existing')).length, 0);
    const small = renderCheckMarkdown(floodReport(3000), { maxChars: 5000 });
    assert.ok(small.length <= 5000);
    // However small the room, the verdict is there.
    assert.ok(renderCheckMarkdown(floodReport(3000), { maxChars: 100 }).startsWith('### ❌ netq check failed'));
  });

  it('is not cut when it fits', () => {
    assert.ok(!renderCheckMarkdown(sampleReport()).includes('Not shown'));
  });
});

describe('check report: renderCheckReport', () => {
  it('renders every format; github alone has a step summary', () => {
    for (const format of CHECK_FORMATS) {
      const out = renderCheckReport(sampleReport(), format, { terminal: { color: false } });
      assert.ok(out.text.length > 0 && out.text.endsWith('\n'), format);
      assert.equal(out.stepSummary === null, format !== 'github', format);
    }
    assert.equal(renderCheckReport(sampleReport(), 'json').text, renderCheckJson(sampleReport()));
  });

  it('reads --report FORMAT=FILE and refuses unknown formats with exit 2', () => {
    assert.deepEqual(parseReportOption('sarif=out/netq.sarif'), { format: 'sarif', path: 'out/netq.sarif' });
    assert.deepEqual(parseReportOption('junit=a=b.xml'), { format: 'junit', path: 'a=b.xml' });
    assert.throws(() => parseReportOption('pdf=x.pdf'), (e: unknown) => e instanceof InputError && e.exitCode === 2 && /table, json, junit/.test(e.hint ?? ''));
    assert.throws(() => parseReportOption('json'), InputError);
    assert.throws(() => parseReportOption('json='), InputError);
  });
});

describe('check report: writeReportFile', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'netq-report-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the file, creating its folder, and leaves no temporary file', async () => {
    const file = path.join(dir, 'out', 'deep', 'netq.sarif');
    await writeReportFile(file, 'one\n');
    assert.equal(await readFile(file, 'utf8'), 'one\n');
    assert.deepEqual(await readdir(path.dirname(file)), ['netq.sarif']);
  });

  it('replaces an existing file whole', async () => {
    const file = path.join(dir, 'replace.json');
    await writeFile(file, 'old content that is longer than the new one');
    await writeReportFile(file, '{}\n');
    assert.equal(await readFile(file, 'utf8'), '{}\n');
  });

  it('removes its temporary file and throws when the rename fails', async () => {
    const target = path.join(dir, 'occupied');
    await mkdir(path.join(target, 'child'), { recursive: true });
    await assert.rejects(writeReportFile(target, 'x'));
    assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.tmp')), []);
  });
});
