import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { ChecksFileError, checksFileSchema, DEFAULT_CHECKS, parseChecksFile } from '../../src/check/checks-file.js';
import { CHECK_KINDS } from '../../src/check/kinds/index.js';
import { derivedSchemaFiles } from '../../src/check/schema-files.js';
import { ExitCode, InputError } from '../../src/errors.js';
import { bundledTemplates } from '../../src/questions/bundled.js';

const templates = await bundledTemplates();
const FILE = 'netq-checks.yaml';

/** The problems of a file that must not parse, as `line:column: message`. */
function problemsOf(text: string): string[] {
  try {
    parseChecksFile(text, FILE, templates);
  } catch (error) {
    assert.ok(error instanceof ChecksFileError, `expected a ChecksFileError, got ${String(error)}`);
    return error.problems.map((p) => `${p.line}:${p.column}: ${p.message}`);
  }
  assert.fail('the file parsed');
}

const ISSUE_EXAMPLE = `version: 1
checks:
  - name: core BGP sessions are up          # unique, required
    check: bgp-sessions-established         # the kind, required
    severity: error                         # error (default) | warning
    with: { nodes: "core.*" }               # the kind's parameters
    sites: ["north_america/*"]              # optional region/site globs
    tags: [bgp]
  - name: no unused
    check: no-unused-structures
  - name: default route
    check: question
    with:
      question: Routes
      parameters: { network: 0.0.0.0/0, prefixMatchType: exact }
    expect: { min-rows: 1 }
waivers:                                    # known findings, accepted for a while
  - check: core BGP sessions are up         # a check name
    where: { Remote_IP: 104.34.34.34, Local_AS: 65001 }  # column = value of the finding's row
    reason: ISP side not in the snapshot, CHG-1234
    expires: 2027-01-31                     # an expired waiver stops waiving and says so
`;

describe('checks file: valid files', () => {
  it('reads the example of issue 8 with defaults applied and positions kept', () => {
    const file = parseChecksFile(ISSUE_EXAMPLE, FILE, templates);
    assert.deepEqual(file, {
      version: 1,
      source: FILE,
      checks: [
        {
          name: 'core BGP sessions are up',
          check: 'bgp-sessions-established',
          severity: 'error',
          with: { nodes: 'core.*' },
          sites: ['north_america/*'],
          tags: ['bgp'],
          position: { file: FILE, line: 3, column: 5 },
        },
        // The kind's default severity when none is given.
        { name: 'no unused', check: 'no-unused-structures', severity: 'warning', with: {}, tags: [], position: { file: FILE, line: 9, column: 5 } },
        {
          name: 'default route',
          check: 'question',
          severity: 'error',
          // The template name as Batfish spells it.
          with: { question: 'routes', parameters: { network: '0.0.0.0/0', prefixMatchType: 'exact' } },
          tags: [],
          expect: { minRows: 1 },
          position: { file: FILE, line: 11, column: 5 },
        },
      ],
      waivers: [
        {
          check: 'core BGP sessions are up',
          // Values as the table shows them: text.
          where: { Remote_IP: '104.34.34.34', Local_AS: '65001' },
          reason: 'ISP side not in the snapshot, CHG-1234',
          expires: '2027-01-31',
          position: { file: FILE, line: 18, column: 5 },
        },
      ],
    });
  });

  it('normalises allowed values to their canonical case', () => {
    const file = parseChecksFile(
      'version: 1\nchecks:\n  - name: c\n    check: bgp-sessions-compatible\n    with: { allowed-statuses: [unique_match, Unknown_Remote] }\n',
      FILE,
      templates,
    );
    assert.deepEqual(file.checks[0]?.with, { 'allowed-statuses': ['UNIQUE_MATCH', 'UNKNOWN_REMOTE'] });
  });

  it('has the built-in default set of issue 8', () => {
    assert.equal(DEFAULT_CHECKS.source, 'built-in');
    assert.deepEqual(
      DEFAULT_CHECKS.checks.map((c) => [c.name, c.check, c.severity]),
      [
        ['parse-clean', 'parse-clean', 'error'],
        ['bgp-sessions-compatible', 'bgp-sessions-compatible', 'error'],
        ['bgp-sessions-established', 'bgp-sessions-established', 'error'],
        ['no-undefined-references', 'no-undefined-references', 'error'],
        ['no-duplicate-ips', 'no-duplicate-ips', 'error'],
      ],
    );
  });
});

describe('checks file: mistakes, all at once, with line and column', () => {
  it('reports a YAML syntax error as a ChecksFileError (exit 2) with its position', () => {
    let caught: unknown;
    try {
      parseChecksFile('version: 1\nchecks:\n  - name: a\n    check: [x\n', 'ci/checks.yaml', templates);
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof ChecksFileError);
    assert.ok(caught instanceof InputError);
    assert.equal(caught.exitCode, ExitCode.usage);
    assert.equal(caught.message, 'ci/checks.yaml has 1 problem');
    assert.equal(caught.problems.length, 1);
    assert.deepEqual({ line: caught.problems[0]?.line, column: caught.problems[0]?.column }, { line: 5, column: 1 });
    assert.match(caught.details ?? '', /^ci\/checks\.yaml:5:1: YAML: Flow sequence/);
  });

  it('reports a repeated key and still checks the rest', () => {
    assert.deepEqual(problemsOf('version: 1\nversion: 1\nchecks:\n  - name: a\n    check: nope\n'), [
      '2:1: YAML: Map keys must be unique',
      `5:12: unknown check kind 'nope' (valid kinds: ${CHECK_KINDS.map((k) => k.kind).join(', ')})`,
    ]);
  });

  it('lists the valid kinds for an unknown kind, suggesting the closest', () => {
    const [problem] = problemsOf('version: 1\nchecks:\n  - name: a\n    check: bgp-session-established\n');
    assert.match(problem ?? '', /^4:12: unknown check kind 'bgp-session-established'; did you mean bgp-sessions-established\? \(valid kinds: parse-clean, bgp-sessions-established, .*, question\)$/);
  });

  it('lists the valid parameters for an unknown parameter: question variables and the kind options', () => {
    assert.deepEqual(problemsOf('version: 1\nchecks:\n  - name: a\n    check: bgp-sessions-compatible\n    with:\n      nodez: core.*\n'), [
      "6:7: unknown parameter 'nodez' for bgp-sessions-compatible; did you mean nodes? (valid parameters: nodes, remoteNodes, status, type, allowed-statuses)",
    ]);
    assert.deepEqual(problemsOf('version: 1\nchecks:\n  - name: a\n    check: flows-succeed\n    with: { headers: { dstIps: 1.1.1.1 }, actions: failure }\n'), [
      "5:43: parameter 'actions' of reachability is set by flows-succeed itself (valid parameters: headers, pathConstraints, ignoreFilters, maxTraces, start-location)",
    ]);
  });

  it('reports every mistake of a file in one go, sorted by position', () => {
    const text = [
      'version: 2', //                                                      1
      'extra: true', //                                                     2
      'checks:', //                                                         3
      '  - name: loops', //                                                 4
      '    check: no-forwarding-loops', //                                  5
      '    severity: fatal', //                                             6
      '    with: { maxTraces: many }', //                                   7
      '    sites: [nyc]', //                                                8
      '    tags: [loops, {}]', //                                           9
      '    expect: { rows: 0 }', //                                         10
      '  - name: loops', //                                                 11
      '    check: route-absent', //                                         12
      '    with: { prefixMatchType: NEAREST }', //                          13
      '  - name: any', //                                                   14
      '    check: question', //                                             15
      '    with: { question: traceroute, parameters: { maxTrace: 1 } }', // 16
      '    expect: { rows: -1 }', //                                        17
      '  - check: parse-clean', //                                          18
      '    colour: red', //                                                 19
      'waivers:', //                                                        20
      '  - check: lops', //                                                 21
      '    where: {}', //                                                   22
      '    expires: 2027-02-30', //                                         23
      '',
    ].join('\n');
    assert.deepEqual(problemsOf(text), [
      '1:10: version must be 1 (found 2)',
      "2:1: unknown key 'extra' in the file (valid keys: version, checks, waivers)",
      "6:15: severity must be error or warning (found 'fatal')",
      "7:24: parameter 'maxTraces' of detectLoops takes a whole number",
      '8:13: site \'nyc\' must be a region/site glob, e.g. north_america/nyc, north_america/* or */nyc',
      '9:19: a tag must be non-empty text (found a map)',
      '10:5: `expect` is only for checks of kind question (this check is no-forwarding-loops)',
      "11:5: duplicate check name 'loops' (first used on line 4)",
      "13:5: route-absent needs parameter 'network' in with (Return routes for networks matching this prefix)",
      "13:30: parameter 'prefixMatchType' of routes must be one of EXACT, LONGEST_PREFIX_MATCH, LONGER_PREFIXES, SHORTER_PREFIXES (got 'NEAREST')",
      "16:35: traceroute needs parameter 'headers' (Packet header constraints)",
      "16:35: traceroute needs parameter 'startLocation' (Location (node and interface combination) to start tracing from)",
      "16:49: traceroute has no parameter 'maxTrace'; did you mean maxTraces? (valid parameters: ignoreFilters, maxTraces, headers, startLocation)",
      '17:21: rows must be a whole number, 0 or more (found -1)',
      '18:5: this check has no `name`',
      "19:5: unknown key 'colour' in a check (valid keys: name, check, severity, with, sites, tags, expect)",
      '21:5: this waiver has no `reason` (why the findings are accepted, e.g. a change ticket)',
      "21:12: waiver names check 'lops', which is not in checks; did you mean loops? (checks: loops, loops, any)",
      '22:12: where must be a non-empty map of column: value, e.g. { Remote_IP: 104.34.34.34 }',
      "23:14: expires must be a date as YYYY-MM-DD, e.g. 2027-01-31 (found '2027-02-30')",
    ]);
  });

  it('says how many problems in the message and lists each as file:line:column in details', () => {
    try {
      parseChecksFile('version: 1\nchecks: []\nwaivers: nope\n', FILE, templates);
      assert.fail('parsed');
    } catch (error) {
      assert.ok(error instanceof ChecksFileError);
      assert.equal(error.message, 'netq-checks.yaml has 2 problems');
      assert.equal(
        error.details,
        'netq-checks.yaml:2:9: checks must list at least one check\nnetq-checks.yaml:3:10: waivers must be a list (found \'nope\')',
      );
    }
  });

  it('checks structure: empty file, missing version and checks, wrong shapes', () => {
    assert.deepEqual(problemsOf(''), ['1:1: the file is empty: it needs `version: 1` and a `checks:` list']);
    assert.deepEqual(problemsOf('- a\n'), ['1:1: the file must be a map with `version: 1` and `checks:` (found a list)']);
    assert.deepEqual(problemsOf('waivers: []\n'), ['1:1: `version: 1` is missing', '1:1: `checks:` is missing: list at least one check']);
    assert.deepEqual(problemsOf('version: 1\nchecks:\n  - parse-clean\n'), [
      "3:5: a check must be a map with at least `name` and `check` (found 'parse-clean')",
    ]);
    assert.deepEqual(problemsOf('version: 1\nchecks:\n  - name: a\n'), [
      '3:5: check \'a\' has no `check` (the kind, e.g. bgp-sessions-established)',
    ]);
  });

  it('checks parameter values against the bundled template and the kind options', () => {
    const check = (body: string): string[] => problemsOf(`version: 1\nchecks:\n  - name: a\n${body}`);
    assert.deepEqual(check('    check: parse-clean\n    with: { allow-partial: yes }\n'), [
      "5:28: parameter 'allow-partial' of parse-clean takes true or false (found 'yes')",
    ]);
    assert.deepEqual(check('    check: node-properties\n    with: { nodes: [a, b] }\n'), [
      "5:5: node-properties needs parameter 'expect' in with (property name → expected value (as --format json prints it), for every node that `nodes` matches)",
      "5:20: parameter 'nodes' of nodeProperties takes text (a nodeSpec) (found a list)",
    ]);
    assert.deepEqual(check('    check: filter-permits\n    with: { filters: EDGE-IN, headers: { dstIp: 1.2.3.4 } }\n'), [
      "5:40: parameter 'headers' of searchFilters has unknown field dstIp; did you mean dstIps? (valid fields: srcIps, dstIps, srcPorts, dstPorts, ipProtocols, applications, icmpCodes, icmpTypes, dscps, ecns, packetLengths, fragmentOffsets, tcpFlags)",
    ]);
    assert.deepEqual(check('    check: question\n    with: { question: rotues }\n'), [
      "5:23: unknown question 'rotues'; did you mean routes? (netq questions lists the 75 templates)",
    ]);
    assert.deepEqual(check('    check: question\n'), ["3:5: question needs parameter 'question' in with (the question template, e.g. routes (netq questions lists them))"]);
    assert.deepEqual(check('    check: question\n    with: { question: traceroute }\n'), [
      "5:5: traceroute needs parameter 'headers' (Packet header constraints)",
      "5:5: traceroute needs parameter 'startLocation' (Location (node and interface combination) to start tracing from)",
    ]);
    assert.deepEqual(check('    check: question\n    with: { question: routes }\n    expect: { rows: 1, min-rows: 2 }\n'), [
      '6:13: expect takes rows or min-rows, not both',
    ]);
    assert.deepEqual(check('    check: no-duplicate-router-ids\n    with: { protocols: [bgp, isis] }\n'), [
      "5:24: parameter 'protocols' of no-duplicate-router-ids takes only bgp, ospf (found isis)",
    ]);
  });
});

describe('checks file: JSON Schema', () => {
  it('is the schema shipped in schemas/netq-checks.schema.json (regenerate that file when this fails)', async () => {
    const shipped = JSON.parse(await readFile(new URL('../../schemas/netq-checks.schema.json', import.meta.url), 'utf8')) as unknown;
    assert.deepEqual(shipped, JSON.parse(JSON.stringify(checksFileSchema(templates))));
  });

  it('every schema npm run schemas makes is committed as it makes it (run npm run schemas when this fails)', async () => {
    for (const [name, text] of Object.entries(await derivedSchemaFiles())) {
      assert.equal(await readFile(new URL(`../../schemas/${name}`, import.meta.url), 'utf8'), text, `schemas/${name} is stale: npm run schemas`);
    }
  });

  it('is a valid draft-07 schema that accepts the issue example and rejects what netq rejects', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(checksFileSchema(templates));
    const example = {
      version: 1,
      checks: [
        { name: 'core BGP sessions are up', check: 'bgp-sessions-established', severity: 'error', with: { nodes: 'core.*' }, sites: ['north_america/*'], tags: ['bgp'] },
        { name: 'flows', check: 'flows-succeed', with: { headers: { dstIps: '10.0.0.1' }, 'start-location': 'edge-sw01' } },
        { name: 'q', check: 'question', with: { question: 'routes', parameters: { network: '0.0.0.0/0' } }, expect: { 'min-rows': 1 } },
      ],
      waivers: [{ check: 'core BGP sessions are up', where: { Remote_IP: '104.34.34.34' }, reason: 'CHG-1234', expires: '2027-01-31' }],
    };
    assert.equal(validate(example), true, JSON.stringify(validate.errors));
    const bad = (change: (doc: typeof example) => unknown): boolean => validate(change(structuredClone(example)));
    assert.equal(bad((d) => ({ ...d, version: 2 })), false);
    assert.equal(bad((d) => ({ ...d, checks: [{ name: 'x', check: 'bgp-session-up' }] })), false);
    assert.equal(bad((d) => ({ ...d, checks: [{ name: 'x', check: 'bgp-sessions-established', with: { nodez: 'a' } }] })), false);
    assert.equal(bad((d) => ({ ...d, checks: [{ name: 'x', check: 'route-present' }] })), false);
    assert.equal(bad((d) => ({ ...d, checks: [{ name: 'x', check: 'parse-clean', expect: { rows: 0 } }] })), false);
    assert.equal(bad((d) => ({ ...d, checks: [{ name: 'x', check: 'question', with: { question: 'routes', parameters: { bogus: 1 } } }] })), false);
  });

  it('enumerates the kinds and completes each kind’s parameters', () => {
    const schema = checksFileSchema(templates) as { definitions: Record<string, { properties?: Record<string, unknown>; allOf?: unknown[] }> };
    const check = schema.definitions.check as { properties: { check: { enum: string[] } } };
    assert.deepEqual(check.properties.check.enum, CHECK_KINDS.map((k) => k.kind));
    assert.deepEqual(Object.keys(schema.definitions['with-bgp-sessions-compatible']?.properties ?? {}), [
      'nodes', 'remoteNodes', 'status', 'type', 'allowed-statuses',
    ]);
    assert.equal(schema.definitions['with-question']?.allOf?.length, 75);
  });
});

describe('bundled question templates', () => {
  it('reads the 75 templates, keyed by lower-cased name, once per process', async () => {
    assert.equal(templates.size, 75);
    assert.equal(templates.get('bgpsessionstatus')?.name, 'bgpSessionStatus');
    assert.equal(templates.get('routes')?.variables.prefixMatchType?.allowed?.length, 4);
    assert.equal(await bundledTemplates(), templates);
  });
});

describe('checks file: hostile YAML (issue 22, item 3)', () => {
  it('an alias bomb is a problem at its line, not a crash', () => {
    const lines = ['version: 1', 'checks:', '  - name: bomb', '    check: question', '    with:', '      question: nodeProperties', '      parameters:', '        nodes: &a ["x","x","x","x","x","x","x","x","x"]'];
    let previous = 'a';
    for (let i = 1; i <= 8; i++) {
      lines.push(`        p${i}: &b${i} [${Array(9).fill(`*${previous}`).join(',')}]`);
      previous = `b${i}`;
    }
    const problems = problemsOf(`${lines.join('\n')}\n`);
    assert.ok(problems.some((p) => /^\d+:\d+: this value uses YAML aliases \(\*name\) that expand to too much/.test(p)), problems.join('\n'));
  });
});
