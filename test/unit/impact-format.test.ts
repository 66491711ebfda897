/**
 * `netq impact`'s formats (issue 18, item 1): every reader accepts what it reads (the JSON schema,
 * SARIF 2.1.0), an empty impact is one line, and config text quoted in a report (a filter line
 * with a remark, a node name) never becomes markup, a mention or a workflow command.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { impactAsCheckReport, impactGraph, renderImpact, renderImpactMarkdown } from '../../src/check/impact/format.js';
import { buildImpactReport, managementInterfaces, siteImpact, type SiteImpact } from '../../src/check/impact/report.js';
import { validateSarif } from './check-report-readers.js';
import { assertValid, renderDot } from './output-schemas.js';

const HOSTILE = 'permit tcp any any eq 23 ::error::pwned @everyone <script>x</script> #1';

function site(overrides: Partial<SiteImpact> = {}): SiteImpact {
  return {
    site: 'north_america/nyc',
    dir: 'regions/north_america/nyc',
    network: 'north_america',
    snapshot: 'nyc-1111',
    baseSnapshot: 'nyc-0000',
    error: null,
    flows: [
      {
        start: 'r1[Gi0/0]',
        before: 'ACCEPTED',
        after: 'DENIED_IN',
        change: 'lost',
        flows: 2,
        example: { flow: { srcIp: '10.0.0.1' }, text: 'start=r1 [10.0.0.1:49152->10.9.0.1:23 TCP]', dstIp: '10.9.0.1', srcIp: '10.0.0.1', before: ['ACCEPTED'], after: ['DENIED_IN'] },
        location: { file: 'regions/north_america/nyc/configs/r2.cfg', line: null },
      },
    ],
    routes: [
      { node: 'r2', vrf: 'default', network: '10.0.0.0/24', presence: 'Only in Reference', change: 'lost', before: { nextHop: 'ip 10.1.1.1', protocol: 'bgp', metric: '0', adminDistance: '20' }, after: null, location: { file: 'regions/north_america/nyc/configs/r2.cfg', line: null } },
    ],
    sessions: [
      { key: { Node: 'r1', VRF: 'default', Remote_Node: 'r2' }, presence: 'In both', change: 'changed', values: [{ column: 'Established_Status', before: 'ESTABLISHED', after: 'NOT_ESTABLISHED' }], location: { file: 'regions/north_america/nyc/configs/r1.cfg', line: null } },
    ],
    edges: [
      { key: { Interface: 'r1[Gi1/0]', Remote_Interface: 'r2[Gi2/0]' }, presence: 'Only in Reference', change: 'removed', values: [], location: null },
      { key: { Interface: 'r2[Gi2/0]', Remote_Interface: 'r1[Gi1/0]' }, presence: 'Only in Reference', change: 'removed', values: [], location: null },
    ],
    ips: [],
    filters: [
      {
        node: 'r1',
        filter: 'ACL_IN',
        line: { index: '0', content: HOSTILE, action: 'PERMIT', location: { file: 'regions/north_america/nyc/configs/r1.cfg', line: 12 } },
        reference: { index: '3', content: 'deny ip any any', location: { file: 'regions/north_america/nyc/configs/r1.cfg', line: 14 } },
      },
    ],
    failed: [],
    notes: [],
    ...overrides,
  };
}

const report = (sites: SiteImpact[]) => buildImpactReport({ netqVersion: '0.1.0', batfishVersion: '2025.07.07', base: { kind: 'ref', value: 'HEAD~1' }, sites });
const empty: Partial<SiteImpact> = { flows: [], routes: [], sessions: [], edges: [], filters: [] };

describe('netq impact formats', () => {
  it('json follows schemas/netq-impact.schema.json, with and without changes, and says when it is empty', () => {
    const full = JSON.parse(renderImpact(report([site()]), 'json').text) as { empty: boolean; summary: { changes: number } };
    assertValid('netq-impact.schema.json', full);
    assert.equal(full.empty, false);
    assert.equal(full.summary.changes, 6);
    const none = JSON.parse(renderImpact(report([site(empty)]), 'json').text) as { empty: boolean };
    assertValid('netq-impact.schema.json', none);
    assert.equal(none.empty, true);
  });

  it('an empty impact is one line in table and markdown; a failed question is never "no change"', () => {
    assert.equal(renderImpact(report([site(empty)]), 'table').text.trim().split('\n').length, 1);
    assert.match(renderImpact(report([site(empty)]), 'table').text, /^No change: /);
    assert.match(renderImpact(report([site(empty)]), 'markdown').text, /No change: /);
    const failed = report([site({ ...empty, failed: [{ part: 'flows', question: 'differentialReachability', message: 'work failed', exitCode: 3 }] })]);
    assert.equal(failed.exitCode, 3);
    assert.doesNotMatch(renderImpact(failed, 'table').text, /No change/);
    assert.match(renderImpact(failed, 'table').text, /unknown, differentialReachability failed: work failed/);
  });

  it('SARIF is valid 2.1.0, one result per change, the filter change on its line', () => {
    const sarif = JSON.parse(renderImpact(report([site()]), 'sarif').text) as { runs: Array<{ results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> };
    assert.ok(validateSarif(sarif), JSON.stringify(validateSarif.errors));
    const results = sarif.runs[0]!.results;
    assert.equal(results.length, 6);
    const filter = results.find((r) => r.ruleId === 'impact-filters')!;
    assert.equal(filter.locations[0]!.physicalLocation.artifactLocation.uri, 'regions/north_america/nyc/configs/r1.cfg');
    assert.equal(filter.locations[0]!.physicalLocation.region.startLine, 12);
    assert.ok(results.every((r) => r.level === 'warning'));
  });

  it('config text stays text: no workflow command, mention, issue reference or HTML in github and markdown', () => {
    const github = renderImpact(report([site()]), 'github');
    // GitHub reads a workflow command only at the start of a line: every such line is netq's own.
    const commands = github.text.split('\n').filter((line) => line.startsWith('::'));
    assert.ok(commands.length > 0);
    for (const line of commands) assert.match(line, /^::(warning (file=|title=)|group::|endgroup::|stop-commands::[0-9a-f]{32}$|[0-9a-f]{32}::$)/, line);
    const annotation = commands.find((line) => line.includes('pwned'))!;
    assert.match(annotation, /^::warning file=regions\/north_america\/nyc\/configs\/r1\.cfg,line=12,/);
    const markdown = renderImpact(report([site()]), 'markdown').text;
    assert.doesNotMatch(markdown, /<script>/);
    assert.doesNotMatch(markdown, /@everyone/);
    assert.doesNotMatch(markdown, /(^|\s)#1\b/);
    assert.ok(github.stepSummary && !github.stepSummary.includes('<script>'));
  });

  it('a hostile site name never starts a line of the table, and markdown escapes each text once', () => {
    const text = renderImpact(report([site({ site: '::error::x\n::warning::y' })]), 'table').text;
    for (const line of text.split('\n')) assert.doesNotMatch(line, /^::/, line);
    const markdown = renderImpact(report([site()]), 'markdown').text;
    // The flow text's `->` is one entity, not an entity with a word joiner inside it.
    assert.match(markdown, /49152-&gt;10\.9\.0\.1/);
    assert.doesNotMatch(markdown, /&\u2060/);
    assert.match(markdown, /stroke:#c62828/);
  });

  it('a large impact fits a merge-request comment: rows capped per kind, the text cut at a line with its code blocks closed', () => {
    const many = site({ routes: Array.from({ length: 3000 }, (_, i) => ({ ...site().routes[0]!, network: `10.${i >> 8}.${i & 255}.0/24` })) });
    const markdown = renderImpact(report([many]), 'markdown').text;
    assert.ok(markdown.length <= 60_000, String(markdown.length));
    assert.match(markdown, /and 2960 more: the json format has every change/);
    const tiny = renderImpactMarkdown(report([many]), { maxChars: 1500 });
    assert.ok(tiny.length <= 1500);
    assert.equal((tiny.match(/^```/gm) ?? []).length % 2, 0);
    assert.match(tiny, /The comment was cut here to fit/);
  });

  it('the picture draws the changed session red, the removed link once, and the lost flows to where they stop; DOT renders', () => {
    const edges = impactGraph(site());
    assert.deepEqual(
      edges.map((e) => [e.node, e.remote, e.status, e.state]),
      [
        ['r1', 'r2', 'NOT_ESTABLISHED', 'broken'],
        ['r1', 'r2', 'link removed', 'broken'],
        ['r1', 'r2', 'lost: DENIED_IN', 'broken'],
      ],
    );
    assert.match(renderImpact(report([site()]), 'markdown').text, /```mermaid\nflowchart LR/);
    assert.match(renderDot(renderImpact(report([site()]), 'dot').text), /<svg/);
  });

  it('as a check report nothing fails a gate: the exit code is the impact\u2019s', () => {
    const checks = impactAsCheckReport(report([site()]));
    assert.equal(checks.exitCode, 0);
    assert.equal(checks.findings.length, 6);
    assert.ok(checks.findings.every((f) => f.baseline === 'new'));
  });
});

describe('management interfaces', () => {
  it('are named as Batfish deactivates them (by interface name or VRF), and the report says they are not compared', () => {
    const answer = {
      columns: [
        { name: 'Interface', schema: 'Interface', isKey: true, isValue: false, description: '' },
        { name: 'VRF', schema: 'String', isKey: false, isValue: true, description: '' },
      ],
      rows: [
        { Interface: { hostname: 'r1', interface: 'mgmt0' }, VRF: 'default' },
        { Interface: { hostname: 'r1', interface: 'Ethernet1' }, VRF: 'MGMT' },
        { Interface: { hostname: 'r2', interface: 'fxp0' }, VRF: 'default' },
        { Interface: { hostname: 'r2', interface: 'GigabitEthernet0/0' }, VRF: 'default' },
        { Interface: { hostname: 'r2', interface: 'Management1' }, VRF: 'default' },
        { Interface: { hostname: 'r2', interface: 'xmgmt' }, VRF: 'default' },
      ],
      summary: { numFailed: 0, numPassed: 0, numResults: 6 },
      warnings: [],
    };
    assert.deepEqual(managementInterfaces(answer), ['r1[Ethernet1]', 'r1[mgmt0]', 'r2[Management1]', 'r2[fxp0]']);
    const context = { site: 's', dirFromCwd: '.', files: [] };
    const impact = siteImpact({ site: 's', dir: '.', network: null, snapshot: 'a', baseSnapshot: 'b' }, { interfaces: answer }, [], context, context);
    assert.match(impact.notes.join('\n'), /Batfish leaves 4 management interface\(s\) out of the analysis \(r1\[Ethernet1\], r1\[mgmt0\], r2\[Management1\], r2\[fxp0\]/);
  });
});
