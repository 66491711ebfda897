/** Shared by the check-kinds-<family> tests: Batfish's column shapes, answers, specs, and kinds run on them. */
import assert from 'node:assert/strict';
import { parseTableAnswer, type TableAnswer } from '../../src/batfish/answer.js';
import { kindByName, type FindingDraft, type SiteContext } from '../../src/check/kinds/index.js';
import type { CheckSpec, QuestionAsk } from '../../src/check/model.js';
import { loadRecordedElements } from '../support/recorded.js';

export const SITE: SiteContext = { site: 'north_america/nyc', dirFromCwd: 'regions/north_america/nyc' };

/**
 * Column shapes as Batfish's answerers write them (name, schema, isKey, isValue): the
 * *Answerer.java files of batfish/batfish, as the simulator's KNOWN_COLUMNS lists them.
 */
const COLUMNS: Record<string, Array<[string, string, boolean, boolean]>> = {
  fileParseStatus: [['File_Name', 'String', true, false], ['Status', 'String', false, true], ['File_Format', 'String', false, true], ['Nodes', 'List<Node>', false, true]],
  initIssues: [['Nodes', 'List<String>', true, false], ['Source_Lines', 'List<FileLines>', true, false], ['Type', 'String', true, false], ['Details', 'String', false, true], ['Line_Text', 'String', false, true], ['Parser_Context', 'String', false, true]],
  bgpSessionCompatibility: [['Node', 'Node', true, false], ['VRF', 'String', true, false], ['Local_AS', 'Long', false, false], ['Local_Interface', 'Interface', false, true], ['Local_IP', 'Ip', false, false], ['Remote_AS', 'String', false, false], ['Remote_Node', 'Node', false, false], ['Remote_Interface', 'Interface', false, true], ['Remote_IP', 'SelfDescribing', true, false], ['Address_Families', 'Set<String>', false, false], ['Session_Type', 'String', false, false], ['Configured_Status', 'String', false, true]],
  bgpSessionStatus: [['Node', 'Node', true, false], ['VRF', 'String', true, false], ['Local_AS', 'Long', false, false], ['Local_Interface', 'Interface', false, true], ['Local_IP', 'Ip', false, false], ['Remote_AS', 'String', false, false], ['Remote_Node', 'Node', false, false], ['Remote_Interface', 'Interface', false, true], ['Remote_IP', 'SelfDescribing', true, false], ['Address_Families', 'Set<String>', false, false], ['Session_Type', 'String', false, false], ['Established_Status', 'String', false, true]],
  ospfSessionCompatibility: [['Interface', 'Interface', true, false], ['VRF', 'String', true, false], ['IP', 'Ip', true, false], ['Area', 'Long', true, false], ['Remote_Interface', 'Interface', false, true], ['Remote_VRF', 'String', false, true], ['Remote_IP', 'Ip', false, true], ['Remote_Area', 'Long', false, true], ['Session_Status', 'String', false, true]],
  undefinedReferences: [['File_Name', 'String', true, false], ['Struct_Type', 'String', true, false], ['Ref_Name', 'String', true, false], ['Context', 'String', true, false], ['Lines', 'FileLines', false, false]],
  filterLineReachability: [['Sources', 'List<String>', true, false], ['Unreachable_Line', 'String', true, false], ['Unreachable_Line_Action', 'String', true, false], ['Blocking_Lines', 'List<String>', false, true], ['Different_Action', 'Boolean', false, true], ['Reason', 'String', false, true], ['Additional_Info', 'String', false, false]],
  definedStructures: [['Structure_Type', 'String', true, false], ['Structure_Name', 'String', true, false], ['Source_Lines', 'FileLines', true, false]],
  detectLoops: [['Flow', 'Flow', true, false], ['Traces', 'Set<Trace>', false, true], ['TraceCount', 'Integer', false, true]],
  reachability: [['Flow', 'Flow', true, false], ['Traces', 'Set<Trace>', false, true], ['TraceCount', 'Integer', false, true]],
  ipOwners: [['Node', 'Node', true, true], ['VRF', 'String', true, true], ['Interface', 'String', true, true], ['IP', 'Ip', true, true], ['Mask', 'Integer', true, true], ['Active', 'Boolean', true, true]],
  bgpProcessConfiguration: [['Node', 'Node', true, false], ['VRF', 'String', true, false], ['Router_ID', 'Ip', true, false], ['Multipath_EBGP', 'Boolean', false, true]],
  ospfProcessConfiguration: [['Node', 'Node', true, false], ['VRF', 'String', true, false], ['Process_ID', 'String', true, false], ['Router_ID', 'Ip', false, true]],
  searchFilters: [['Node', 'Node', true, false], ['Filter_Name', 'String', true, false], ['Flow', 'Flow', true, false], ['Action', 'String', false, true], ['Line_Content', 'String', false, true], ['Trace', 'List<TraceTree>', false, true]],
  nodeProperties: [['Node', 'Node', true, false], ['Configuration_Format', 'String', false, true], ['Domain_Name', 'String', false, true], ['NTP_Servers', 'Set<String>', false, true]],
};

export function table(question: string, rows: Array<Record<string, unknown>>): TableAnswer {
  const columns = COLUMNS[question];
  assert.ok(columns, `no column shape for ${question}`);
  return {
    columns: columns.map(([name, schema, isKey, isValue]) => ({ name, schema, description: '', isKey, isValue })),
    // As parseTableAnswer does: every column in every row.
    rows: rows.map((row) => Object.fromEntries(columns.map(([name]) => [name, row[name] ?? null]))),
    summary: { numFailed: 0, numPassed: 0, numResults: rows.length },
    warnings: [],
  };
}

export function recorded(file: string): TableAnswer {
  return parseTableAnswer(loadRecordedElements(file));
}

export function spec(kind: string, parameters: Record<string, unknown> = {}, extra: Partial<CheckSpec> = {}): CheckSpec {
  return { name: `${kind} check`, check: kind, severity: kindByName(kind)?.defaultSeverity ?? 'error', with: parameters, tags: [], ...extra };
}

/** The kind's questions for a check, in the order it names them. */
export function questionsOf(check: CheckSpec): QuestionAsk[] {
  const kind = kindByName(check.check);
  assert.ok(kind, `no kind ${check.check}`);
  return Object.values(kind.questions(check));
}

/** The kind's context questions for a check, in the order it names them. */
export function contextQuestionsOf(check: CheckSpec): QuestionAsk[] {
  const kind = kindByName(check.check);
  assert.ok(kind, `no kind ${check.check}`);
  return Object.values(kind.contextQuestions?.(check) ?? {});
}

/** Runs the kind on answers given in the order of its questions (and of its context questions). */
export function evaluate(check: CheckSpec, answers: TableAnswer[], context: Array<TableAnswer | undefined> = []): FindingDraft[] {
  const kind = kindByName(check.check);
  assert.ok(kind, `no kind ${check.check}`);
  const byName = <T>(names: string[], values: T[]): Record<string, T> =>
    Object.fromEntries(names.flatMap((n, i) => (values[i] === undefined ? [] : [[n, values[i]]])));
  const main = byName(Object.keys(kind.questions(check)), answers);
  const extra = byName(Object.keys(kind.contextQuestions?.(check) ?? {}), context);
  return kind.evaluate(check, main, SITE, extra);
}

export const node = (name: string): { id: string; name: string } => ({ id: `node-${name}`, name });
export const ip = (value: string): { schema: string; value: string } => ({ schema: 'Ip', value });
export const flow = (ingressNode: string, dstIp: string): Record<string, unknown> => ({
  dscp: 0, dstIp, dstPort: 443, ecn: 0, fragmentOffset: 0, icmpCode: null, icmpVar: null, ingressInterface: null,
  ingressNode, ingressVrf: 'default', ipProtocol: 'TCP', packetLength: 512, srcIp: '10.0.0.5', srcPort: 49152,
  tcpFlagsAck: 0, tcpFlagsCwr: 0, tcpFlagsEce: 0, tcpFlagsFin: 0, tcpFlagsPsh: 0, tcpFlagsRst: 0, tcpFlagsSyn: 0, tcpFlagsUrg: 0,
});

