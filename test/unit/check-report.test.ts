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
  type CodeQualityIssue,
} from '../../src/check/report/index.js';
import { writeReportFile } from '../../src/app/report-files.js';
import { escapeData, escapeProperty } from '../../src/check/report/github.js';
import { toMermaid } from '../../src/render/graph.js';
import { InputError } from '../../src/errors.js';
import type { CheckReport } from '../../src/check/model.js';
import { BGP, LON, NASTY, NYC, SESSIONS, SFO, failedRunReport, floodReport, passingReport, reportWithoutBase, sampleReport, summarise } from './check-report-fixture.js';
import { codeQualityErrors, validateCheckJson } from './check-report-readers.js';
import { parseMermaid } from './output-schemas.js';

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
    for (const report of [sampleReport(), reportWithoutBase(), passingReport(), floodReport(20), failedRunReport(), failedRunReport(3)]) {
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

  it('holds the error of a gate that could not run, every mistake of the checks file at its place', () => {
    const doc = JSON.parse(renderCheckJson(failedRunReport())) as { exitCode: number; error: Record<string, unknown>; checks: unknown[]; failOnExisting: boolean };
    assert.ok(validateCheckJson(doc), JSON.stringify(validateCheckJson.errors));
    assert.equal(doc.exitCode, 2);
    assert.deepEqual(doc.checks, []);
    assert.equal(doc.failOnExisting, false);
    assert.deepEqual(doc.error, {
      message: 'netq-checks.yaml has 2 problems',
      exitCode: 2,
      hint: 'netq check --list shows the check kinds',
      problems: [
        { file: 'network/netq-checks.yaml', line: 4, column: 12, message: "unknown check kind 'bgp-sessions-establishd' <&>" },
        { file: 'network/netq-checks.yaml', line: 7, column: 5, message: 'unknown parameter ipz' },
      ],
    });
    assert.equal((JSON.parse(renderCheckJson(sampleReport())) as { error: unknown }).error, null);
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

  it('is a JSON array whose every entry GitLab\'s Code Quality schema accepts, for every kind of report', () => {
    for (const report of [sampleReport(), reportWithoutBase(), passingReport(), floodReport(30), failedRunReport(), failedRunReport(3)]) {
      assert.equal(codeQualityErrors(renderCheckGitlab(report)), '');
    }
    for (const i of issues(sampleReport())) {
      assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(i.severity));
      assert.ok(Number.isInteger(i.location.lines.begin) && i.location.lines.begin >= 1);
    }
  });

  it('the schema check refuses an entry without a fingerprint, so the check above means something', () => {
    const list = issues(sampleReport()) as unknown as Array<Record<string, unknown>>;
    delete list[0]!.fingerprint;
    assert.notEqual(codeQualityErrors(JSON.stringify(list)), '');
  });

  it('maps severities (error critical, warning minor, waived info) and locations (first config file without a file, line 1 without a line)', () => {
    const byFp = new Map(issues(sampleReport()).map((i) => [i.fingerprint, i]));
    assert.deepEqual(byFp.get('fp-bgp-1')!.location, { path: 'regions/north_america/nyc/configs/core-rtr01.cfg', lines: { begin: 42 } });
    assert.equal(byFp.get('fp-bgp-1')!.severity, 'critical');
    assert.equal(byFp.get('fp-bgp-1')!.check_name, 'bgp-sessions-established');
    assert.equal(byFp.get('fp-undef-1')!.severity, 'minor');
    assert.equal(byFp.get('fp-bgp-3')!.severity, 'info');
    assert.deepEqual(byFp.get('fp-bgp-3')!.location, { path: 'regions/north_america/nyc/configs/border01.cfg', lines: { begin: 1 } });
    assert.deepEqual(byFp.get('fp-bgp-2')!.location, { path: 'regions/north_america/nyc/configs/border01.cfg', lines: { begin: 1 } });
    assert.ok(byFp.get('fp-bgp-2')!.description.startsWith(`${BGP}: ${NASTY}`));
  });

  it('lists checks that could not run and sites that could not be checked, as blockers with stable fingerprints', () => {
    const list = issues(sampleReport());
    const blockers = list.filter((i) => i.severity === 'blocker');
    assert.deepEqual(
      blockers.map((i) => [i.description, i.location]),
      [
        [`${LON} could not be checked: no configs under regions/europe/lon/configs`, { path: 'regions/europe/lon', lines: { begin: 1 } }],
        [
          `no duplicate IPs: could not run on ${NYC}: Batfish work failed: ipOwners <question> & "answer" broke`,
          { path: 'regions/north_america/nyc/configs/border01.cfg', lines: { begin: 1 } },
        ],
      ],
    );
    // The same problem next run is the same entry to GitLab, whatever its message says then.
    const later = sampleReport();
    later.checks = later.checks.map((c) => (c.status === 'error' ? { ...c, error: { message: 'timed out', exitCode: 3 } } : c));
    assert.deepEqual(issues(later).filter((i) => i.severity === 'blocker').map((i) => i.fingerprint), blockers.map((i) => i.fingerprint));
    assert.ok(blockers.every((i) => /^[0-9a-f]{32}$/.test(i.fingerprint)), 'hex fingerprints');
  });

  it('holds a gate that could not run: each mistake of the checks file at its line, else one entry on the checks file', () => {
    assert.deepEqual(
      issues(failedRunReport()).map((i) => [i.severity, i.location, i.description]),
      [
        ['blocker', { path: 'network/netq-checks.yaml', lines: { begin: 4 } }, "netq check: unknown check kind 'bgp-sessions-establishd' <&>"],
        ['blocker', { path: 'network/netq-checks.yaml', lines: { begin: 7 } }, 'netq check: unknown parameter ipz'],
      ],
    );
    const [unreachable] = issues(failedRunReport(3));
    assert.deepEqual(unreachable!.location, { path: 'netq-checks.yaml', lines: { begin: 1 } });
    assert.match(unreachable!.description, /^netq check could not run \(exit 3\): Batfish is not reachable/);
    assert.equal(issues(summarise({ ...failedRunReport(3), checksFile: null })).length, 1, 'the built-in checks: still one entry');
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

  it('prints every line either as one of its commands or inside the collapsed group, behind ::stop-commands::', () => {
    const lines = renderCheckGithub(sampleReport(), { stopToken: 'tok3n' }).stdout.trimEnd().split('\n');
    const start = lines.indexOf('::group::netq check results');
    assert.ok(start > 0, 'a group');
    assert.deepEqual([lines[start + 1], lines.at(-2), lines.at(-1)], ['::stop-commands::tok3n', '::tok3n::', '::endgroup::']);
    for (const line of lines.slice(0, start)) assert.ok(parseCommand(line), line);
    for (const line of lines.slice(start + 2, -2)) assert.ok(!line.trimStart().startsWith('::'), line);
  });

  it('lets no name or message act as a workflow command, and uses a fresh random stop token', () => {
    const hostile = [
      'a\n::error file=evil.cfg,line=1::pwned',
      '##[warning]pwned',
      'x ##[set-output name=a]b',
      '%0A::warning::pwned',
      'cr\r::error::pwned\r\n::add-mask::x',
      '  ::notice::indented',
      ':::triple',
    ];
    const report = sampleReport();
    report.checks = report.checks.map((c, i) => ({ ...c, name: hostile[i % hostile.length]!, error: c.error ? { ...c.error, message: hostile[(i + 1) % hostile.length]! } : null }));
    report.findings = report.findings.map((f, i) => ({ ...f, check: hostile[i]!, message: hostile[(i + 3) % hostile.length]!, location: f.location ? { ...f.location, file: hostile[(i + 5) % hostile.length]! } : null }));
    report.sites = report.sites.map((s, i) => ({ ...s, site: hostile[(i + 2) % hostile.length]!, error: s.error ? { ...s.error, message: hostile[1]! } : null }));
    const { stdout } = renderCheckGithub(report);
    const lines = stdout.trimEnd().split(/\r\n|\r|\n/);
    const start = lines.indexOf('::group::netq check results');
    const token = /^::stop-commands::([0-9a-f]{32})$/.exec(lines[start + 1] ?? '')?.[1];
    assert.ok(token, lines[start + 1]);
    assert.equal(lines.at(-2), `::${token}::`);
    // Before the group: only netq's annotations, each a whole command with nothing raw in it.
    for (const line of lines.slice(0, start)) {
      const cmd = parseCommand(line);
      assert.ok(cmd && ['error', 'warning', 'notice'].includes(cmd.type), line);
      assert.ok(cmd.props.title?.startsWith('netq'), line);
    }
    // Inside: no line starts with `::` (blanks allowed before it), and no `::` or `##[` anywhere.
    for (const line of lines.slice(start + 2, -2)) {
      assert.ok(!/^\s*::/.test(line) && !line.includes('::') && !line.includes('##['), JSON.stringify(line));
    }
    // `##[` anywhere in the whole output is not a command either, annotations included.
    assert.ok(!stdout.includes('##['), 'no ##[ anywhere');
    assert.notEqual(renderCheckGithub(report).stdout.match(/stop-commands::(\w+)/)?.[1], token, 'a new token each time');
    // The names are still there for a person to read.
    assert.ok(stdout.includes('evil.cfg'), 'names still readable');
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

  it('annotates a gate that could not run, and each mistake of the checks file at its line and column', () => {
    const { stdout, stepSummary } = renderCheckGithub(failedRunReport());
    const commands = stdout.split('\n').map(parseCommand).filter((c) => c !== null && c.type === 'error');
    assert.deepEqual(commands[0]!.props, { title: 'netq: check could not run (exit 2)' });
    assert.match(commands[0]!.message, /^netq-checks\.yaml has 2 problems\nhint: /);
    assert.deepEqual(commands[1]!.props, { file: 'network/netq-checks.yaml', line: '4', col: '12', title: 'netq: checks file' });
    assert.match(stepSummary, /^### 💥 netq check could not run \(exit 2\)/);
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
    assert.ok(text.includes('peer "10.0.0.2" &lt;AS 65001&gt; &amp; 100% down, state: idle \\| \\`x\\` #\u20601'), 'escaped for markdown');
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

  it('pings nobody and links no issue: mentions and references from configs, checks files and Batfish are neutralised', () => {
    const refs = ['@alice', '@acme/netops', '#123', 'GH-123', 'acme/net#7', '!42', '~bug', '~"needs review"', '%v1.0', '&9', '$77', '*iteration:3', '[[Home]]'];
    const hostile = refs.join(' ');
    const report = sampleReport();
    report.checks = report.checks.map((c) => ({ ...c, name: `${c.name} ${hostile}`, error: c.error ? { ...c.error, message: `${c.error.message} ${hostile}` } : null }));
    report.findings = report.findings.map((f) => ({ ...f, check: `${f.check} ${hostile}`, message: `${f.message} ${hostile}`, row: { ...f.row, Node: `r1 ${hostile}` } }));
    report.fixed = report.fixed.map((f) => ({ ...f, check: `${f.check} ${hostile}`, message: `${f.message} ${hostile}` }));
    report.sites = report.sites.map((s) => ({ ...s, error: s.error ? { ...s.error, message: `${s.error.message} ${hostile}` } : null }));
    report.expiredWaivers = report.expiredWaivers.map((w) => ({ ...w, reason: `${w.reason} ${hostile}` }));
    const text = renderCheckMarkdown(report);
    // Outside code (where neither platform looks for references), none of the patterns is left.
    const prose = text.replace(/```mermaid\n[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
    const patterns: Array<[string, RegExp]> = [
      ['GitHub/GitLab mention', /(?:^|[^\w`])@[A-Za-z0-9_]/],
      ['issue or MR reference', /(?:^|[^\w&])#\d/],
      ['GH- reference', /\bGH-\d/i],
      ['cross-repo reference', /[\w.-]+\/[\w.-]+#\d/],
      ['GitLab merge request', /!\d/],
      ['GitLab label', /~(?:\\)?\w|~"/],
      ['GitLab milestone', /%(?:\w|")/],
      ['GitLab epic', /&amp;\d/],
      ['GitLab snippet', /\$\d/],
      ['GitLab iteration', /\*iteration:/],
      ['wiki link', /\[\[|\\\[\\\[/],
    ];
    for (const [name, pattern] of patterns) assert.ok(!pattern.test(prose), `${name}: ${prose.match(pattern)?.[0]}`);
    // What a person sees is the same text: only invisible WORD JOINERs were added.
    const visible = text.replace(/\u2060/g, '');
    assert.ok(visible.includes('@alice @acme/netops #123 GH-123 acme/net#7 !42 \\~bug \\~"needs review" %v1.0 &amp;9 $77 \\*iteration:3 \\[\\[Home\\]\\]'), 'visible text unchanged');
    assert.ok(text.includes('\u2060'), 'word joiners added');
  });

  it('keeps the mermaid block as the graph renderer made it, and mermaid still parses it, whatever the names', async () => {
    const report = sampleReport();
    const sessions = SESSIONS.map((e, i) => (i === 2 ? { ...e, node: '@alice #12 ```', remote: 'r2 ~x' } : e));
    report.sites = report.sites.map((s) => (s.site === NYC ? { ...s, sessions } : s));
    const text = renderCheckMarkdown(report);
    const block = text.split('```mermaid\n')[1]!;
    const graph = block.slice(0, block.indexOf('```'));
    assert.equal(graph, toMermaid(sessions), 'nothing of the comment\'s escaping inside the block');
    assert.ok(!graph.includes('\u2060'), 'no word joiner in the graph');
    await parseMermaid(graph);
  });

  it('says when the gate could not run, with every mistake of the checks file and the hint', () => {
    const text = renderCheckMarkdown(failedRunReport());
    assert.ok(text.startsWith('### 💥 netq check could not run (exit 2)\n'), text);
    assert.ok(text.includes("- `network/netq-checks.yaml:4:12`: unknown check kind 'bgp-sessions-establishd' &lt;&amp;&gt;"), text);
    assert.ok(text.includes('_hint:_ netq check --list shows the check kinds'), text);
    assert.ok(renderCheckMarkdown(failedRunReport(3)).includes('Batfish is not reachable at http://127.0.0.1:9 (ECONNREFUSED)'), 'exit 3');
  });
});

describe('check report: renderCheckReport', () => {
  it('renders every format, also for a gate that could not run; github alone has a step summary', () => {
    for (const format of CHECK_FORMATS) {
      const failed = renderCheckReport(failedRunReport(3), format, { terminal: { color: false } });
      assert.match(failed.text, /Batfish is not reachable/, format);
      const out = renderCheckReport(sampleReport(), format, { terminal: { color: false } });
      assert.ok(out.text.length > 0 && out.text.endsWith('\n'), format);
      assert.equal(out.stepSummary === null, format !== 'github', format);
    }
    assert.equal(renderCheckReport(sampleReport(), 'json').text, renderCheckJson(sampleReport()));
  });

  it('reads --report FORMAT=FILE, format names in any case, and refuses unknown formats with exit 2', () => {
    assert.deepEqual(parseReportOption('sarif=out/netq.sarif'), { format: 'sarif', path: 'out/netq.sarif' });
    assert.deepEqual(parseReportOption('SARIF=out/netq.sarif'), { format: 'sarif', path: 'out/netq.sarif' });
    assert.deepEqual(parseReportOption('JUnit=x.xml'), { format: 'junit', path: 'x.xml' });
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
