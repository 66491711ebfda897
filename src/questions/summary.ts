import type { TableAnswer } from '../batfish/answer.js';
import type { QuestionParameters } from '../batfish/question.js';
import { toText } from '../render/values.js';

/** The questions behind `netq summary`, all answerable without the data plane. */
export const SUMMARY_QUESTIONS: Array<{ question: string; parameters: QuestionParameters }> = [
  { question: 'fileParseStatus', parameters: {} },
  { question: 'nodeProperties', parameters: {} },
  { question: 'bgpSessionCompatibility', parameters: {} },
  { question: 'undefinedReferences', parameters: {} },
  { question: 'ipOwners', parameters: { duplicatesOnly: true } },
];

/** BGP compatibility statuses of sessions whose peer is outside the snapshot. */
const EXTERNAL = new Set(['UNKNOWN_REMOTE', 'LOCAL_IP_UNKNOWN_STATICALLY']);
const OK = new Set(['UNIQUE_MATCH', 'DYNAMIC_MATCH']);

export interface SiteSummary {
  files: { total: number; passed: number; partiallyRecognized: number; failed: number; empty: number; other: number };
  nodes: number;
  bgpSessions: { total: number; ok: number; external: number; broken: number };
  undefinedReferences: number;
  duplicateIps: number;
}

/** Folds the five answers (in SUMMARY_QUESTIONS order) into one site summary. */
export function summarize(answers: TableAnswer[]): SiteSummary {
  const [files, nodes, bgp, undefinedRefs, owners] = answers as [TableAnswer, TableAnswer, TableAnswer, TableAnswer, TableAnswer];
  const statuses = column(files, 'Status');
  const count = (s: string): number => statuses.filter((x) => x === s).length;
  const known = ['PASSED', 'PARTIALLY_UNRECOGNIZED', 'FAILED', 'EMPTY'];
  const bgpStatuses = column(bgp, 'Configured_Status');
  return {
    files: {
      total: statuses.length,
      passed: count('PASSED'),
      partiallyRecognized: count('PARTIALLY_UNRECOGNIZED'),
      failed: count('FAILED'),
      empty: count('EMPTY'),
      other: statuses.filter((s) => !known.includes(s)).length,
    },
    nodes: new Set(column(nodes, 'Node')).size,
    bgpSessions: {
      total: bgpStatuses.length,
      ok: bgpStatuses.filter((s) => OK.has(s)).length,
      external: bgpStatuses.filter((s) => EXTERNAL.has(s)).length,
      broken: bgpStatuses.filter((s) => !OK.has(s) && !EXTERNAL.has(s)).length,
    },
    undefinedReferences: undefinedRefs.rows.length,
    duplicateIps: new Set(column(owners, 'IP')).size,
  };
}

/** The sums of several sites' summaries: the roll-up of `summary --all`. */
export function sumSummaries(summaries: SiteSummary[]): SiteSummary {
  const total: SiteSummary = {
    files: { total: 0, passed: 0, partiallyRecognized: 0, failed: 0, empty: 0, other: 0 },
    nodes: 0,
    bgpSessions: { total: 0, ok: 0, external: 0, broken: 0 },
    undefinedReferences: 0,
    duplicateIps: 0,
  };
  for (const s of summaries) {
    for (const key of Object.keys(total.files) as Array<keyof SiteSummary['files']>) total.files[key] += s.files[key];
    for (const key of Object.keys(total.bgpSessions) as Array<keyof SiteSummary['bgpSessions']>) total.bgpSessions[key] += s.bgpSessions[key];
    total.nodes += s.nodes;
    total.undefinedReferences += s.undefinedReferences;
    total.duplicateIps += s.duplicateIps;
  }
  return total;
}

/** The summary as a two-column table for people. */
export function summaryRows(summary: SiteSummary): Array<{ Check: string; Result: string }> {
  const f = summary.files;
  const b = summary.bgpSessions;
  return [
    { Check: 'Config files', Result: `${f.total}: ${f.passed} passed, ${f.partiallyRecognized} partially recognised, ${f.failed} failed, ${f.empty} empty${f.other ? `, ${f.other} other` : ''}` },
    { Check: 'Nodes', Result: String(summary.nodes) },
    { Check: 'BGP sessions', Result: `${b.total}: ${b.ok} ok, ${b.external} external, ${b.broken} broken` },
    { Check: 'Undefined references', Result: String(summary.undefinedReferences) },
    { Check: 'Duplicate IPs', Result: String(summary.duplicateIps) },
  ];
}

function column(answer: TableAnswer, name: string): string[] {
  const meta = answer.columns.find((c) => c.name === name);
  if (!meta) return [];
  return answer.rows.map((row) => toText(meta.schema, row[name]));
}
