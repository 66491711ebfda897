/**
 * The registry of check kinds: one module per family (parse, bgp, ospf, structures, filters, flows,
 * addresses, routes, properties, question), each kind declaring its questions, its option schema,
 * its SARIF rule and what it draws. Adding a kind is its module and one line below.
 */
import type { TableAnswer } from '../../batfish/answer.js';
import type { CheckSpec, QuestionAsk, SessionEdge } from '../model.js';
import { noDuplicateIps, noDuplicateRouterIds } from './addresses.js';
import { BGP_SESSION_QUESTIONS, bgpSessionEdges, bgpSessionsCompatible, bgpSessionsEstablished, findingSessionKey } from './bgp.js';
import { filterKind, noUnreachableFilterLines } from './filters.js';
import { flowsKind, noForwardingLoops } from './flows.js';
import { filterChangeLimitedTo, noReachabilityChange, survivesSingleFailure } from './impact.js';
import { parseClean, parseCoverage } from './parse.js';
import { ospfSessionsCompatible } from './ospf.js';
import { nodeProperties } from './properties.js';
import { question } from './question.js';
import { routeKind } from './routes.js';
import { noUndefinedReferences, noUnusedStructures } from './structures.js';
import type { CheckKind, Drawing } from './types.js';

export type { CheckKind, Drawing, FindingDraft, KindOption, NamedAnswers, NamedAsks, OwnOption, SiteContext, VariableOption } from './types.js';
export { bgpSessionEdges, bgpSessionKey } from './bgp.js';
export { rowLocation, siteFile } from './helpers.js';
export { kindParameters, type KindParameter } from './parameters.js';

/** Every check kind, in the order `netq check --list` shows them. */
export const CHECK_KINDS: readonly CheckKind[] = [
  parseClean,
  bgpSessionsEstablished,
  bgpSessionsCompatible,
  ospfSessionsCompatible,
  noUndefinedReferences,
  noUnusedStructures,
  noUnreachableFilterLines,
  noForwardingLoops,
  noDuplicateIps,
  noDuplicateRouterIds,
  flowsKind('flows-succeed'),
  flowsKind('flows-fail'),
  filterKind('filter-permits'),
  filterKind('filter-denies'),
  routeKind('route-present'),
  routeKind('route-absent'),
  nodeProperties,
  parseCoverage,
  noReachabilityChange,
  survivesSingleFailure,
  filterChangeLimitedTo,
  question,
];

const BY_NAME = new Map(CHECK_KINDS.map((k) => [k.kind, k]));

/** The kind of that name, or undefined. */
export function kindByName(name: string): CheckKind | undefined {
  return BY_NAME.get(name);
}

/** Whether a failure of the kind of that name draws `drawing` (false for an unknown kind). */
export function kindDraws(kind: string, drawing: Drawing): boolean {
  return kindByName(kind)?.draws === drawing;
}

/** The questions a check asks, in the order its kind names them. */
export function checkAsks(spec: CheckSpec): { main: Array<[string, QuestionAsk]>; context: Array<[string, QuestionAsk]> } {
  const kind = kindByName(spec.check);
  if (!kind) return { main: [], context: [] };
  return { main: Object.entries(kind.questions(spec)), context: Object.entries(kind.contextQuestions?.(spec) ?? {}) };
}

/**
 * The follow-up questions of a check (its kind's `followUp`, from the first round's answers);
 * none when the kind has none or a first-round answer is missing or failed.
 */
export function followUpAsks(spec: CheckSpec, answerOf: (ask: QuestionAsk) => TableAnswer | { exitCode: number } | undefined): Array<[string, QuestionAsk]> {
  const kind = kindByName(spec.check);
  if (!kind?.followUp) return [];
  const answers: Record<string, TableAnswer> = {};
  for (const [name, ask] of Object.entries(kind.questions(spec))) {
    const answer = answerOf(ask);
    if (!answer || 'exitCode' in answer) return [];
    answers[name] = answer;
  }
  try {
    return Object.entries(kind.followUp(spec, answers));
  } catch {
    // A first-round answer the kind cannot read fails the check when it is evaluated.
    return [];
  }
}

/** The sessions that findings of kinds drawing the session graph name. */
export function failingSessionKeys(findings: Array<{ kind: string; row: Record<string, unknown> }>): Set<string> {
  const keys = new Set<string>();
  for (const f of findings) if (kindDraws(f.kind, 'bgp-sessions')) keys.add(findingSessionKey(f.row));
  return keys;
}

/**
 * The site's BGP sessions for the reports' picture, from the first answered question that can
 * draw it (BGP_SESSION_QUESTIONS; an ask without parameters, i.e. every session, preferred).
 */
export function sessionGraph(
  asks: ReadonlyArray<QuestionAsk>,
  answerOf: (ask: QuestionAsk) => TableAnswer | undefined,
  findings: Array<{ kind: string; row: Record<string, unknown> }>,
): SessionEdge[] | null {
  for (const name of BGP_SESSION_QUESTIONS) {
    const ask = asks.find((a) => a.question === name && Object.keys(a.parameters).length === 0) ?? asks.find((a) => a.question === name);
    const answer = ask ? answerOf(ask) : undefined;
    if (answer) return bgpSessionEdges(answer, failingSessionKeys(findings));
  }
  return null;
}
