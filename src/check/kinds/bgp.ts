/** BGP sessions: established, compatible; the session graph they draw. */
import type { TableAnswer } from '../../batfish/answer.js';
import type { SessionEdge } from '../model.js';
import { column, evidence, given, keyTexts, need, option, text, vrfSuffix } from './helpers.js';
import { variables, type CheckKind, type FindingDraft } from './types.js';

/** Statuses of sessions that are fine (established, or compatible configuration). */
const SESSION_OK = new Set(['ESTABLISHED', 'UNIQUE_MATCH', 'DYNAMIC_MATCH']);
/** Statuses of sessions whose peer is outside the snapshot. */
const SESSION_EXTERNAL = new Set(['UNKNOWN_REMOTE', 'LOCAL_IP_UNKNOWN_STATICALLY']);
/** pybatfish's assert_no_incompatible_bgp_sessions ignores these when no status is given. */
const COMPATIBLE_BY_DEFAULT = ['UNIQUE_MATCH', 'DYNAMIC_MATCH', 'UNKNOWN_REMOTE'];
/** Batfish's ConfiguredSessionStatus values. */
const BGP_COMPAT_STATUSES = [
  'LOCAL_IP_UNKNOWN_STATICALLY', 'NO_LOCAL_IP', 'NO_LOCAL_AS', 'NO_REMOTE_IP', 'NO_REMOTE_PREFIX', 'NO_REMOTE_AS',
  'INVALID_LOCAL_IP', 'UNKNOWN_REMOTE', 'HALF_OPEN', 'MULTIPLE_REMOTES', 'UNIQUE_MATCH', 'DYNAMIC_MATCH', 'NO_MATCH_FOUND',
];

/** Identifies a BGP session across answers and findings: node, VRF and remote IP as text. */
export function bgpSessionKey(node: string, vrf: string, remoteIp: string): string {
  return `${node}\u0000${vrf}\u0000${remoteIp}`;
}

/**
 * The questions whose answers draw the session graph, the first one asked winning: every
 * session's configuration status, else its established status.
 */
export const BGP_SESSION_QUESTIONS = ['bgpSessionCompatibility', 'bgpSessionStatus'];

/** The session that a finding's row names (its Node, VRF and Remote_IP). */
export function findingSessionKey(row: Record<string, unknown>): string {
  const str = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  return bgpSessionKey(str(row.Node), str(row.VRF), str(row.Remote_IP));
}

function bgpStatusColumn(answer: TableAnswer): string | undefined {
  return ['Established_Status', 'Configured_Status'].find((n) => column(answer, n));
}

/**
 * The sessions of a bgpSessionStatus or bgpSessionCompatibility answer for a picture: ok
 * (ESTABLISHED, UNIQUE_MATCH, DYNAMIC_MATCH), external (UNKNOWN_REMOTE,
 * LOCAL_IP_UNKNOWN_STATICALLY), otherwise broken; `failing` when its key is in `failingKeys`.
 */
export function bgpSessionEdges(answer: TableAnswer, failingKeys: ReadonlySet<string> = new Set()): SessionEdge[] {
  const statusColumn = bgpStatusColumn(answer);
  return answer.rows.map((row) => {
    const node = text(answer, row, 'Node');
    const remoteIp = text(answer, row, 'Remote_IP');
    const status = statusColumn ? text(answer, row, statusColumn) : '';
    return {
      node,
      remote: text(answer, row, 'Remote_Node') || remoteIp,
      status,
      state: SESSION_OK.has(status) ? 'ok' : SESSION_EXTERNAL.has(status) ? 'external' : 'broken',
      failing: failingKeys.has(bgpSessionKey(node, text(answer, row, 'VRF'), remoteIp)),
    };
  });
}

function bgpSessionDraft(answer: TableAnswer, row: Record<string, unknown>, status: string): FindingDraft {
  const node = text(answer, row, 'Node');
  const type = text(answer, row, 'Session_Type');
  // The remote node, when Batfish knows it, is in the evidence row; the IP is what configs name.
  return {
    message: `BGP session ${node}${vrfSuffix(text(answer, row, 'VRF'))} → ${text(answer, row, 'Remote_IP')}${type ? ` (${type})` : ''} is ${status}`,
    row: evidence(answer, row),
    location: null,
    keyValues: keyTexts(answer, row, ['Node', 'VRF', 'Remote_IP']),
  };
}

export const bgpSessionsEstablished: CheckKind = {
  kind: 'bgp-sessions-established',
  description: 'BGP sessions that are compatible but not established (bgpSessionStatus NOT_ESTABLISHED)',
  defaultSeverity: 'error',
  template: 'bgpSessionStatus',
  options: variables(['nodes', 'remoteNodes', 'type']),
  pybatfish: 'assert_no_unestablished_bgp_sessions',
  rule: { short: 'Compatible BGP sessions are established' },
  draws: 'bgp-sessions',
  // Asked without a status filter and filtered here, so the same answer also draws the session
  // graph and serves other checks on the same nodes.
  questions: (spec) => ({ status: { question: 'bgpSessionStatus', parameters: given(spec, ['nodes', 'remoteNodes', 'type']) } }),
  evaluate: (_spec, { status: answer }) => {
    if (!answer) return [];
    need(answer, 'Established_Status', 'bgpSessionStatus');
    return answer.rows
      .filter((row) => text(answer, row, 'Established_Status') === 'NOT_ESTABLISHED')
      .map((row) => bgpSessionDraft(answer, row, 'NOT_ESTABLISHED'));
  },
};

export const bgpSessionsCompatible: CheckKind = {
  kind: 'bgp-sessions-compatible',
  description: 'BGP sessions whose configuration does not match a peer (bgpSessionCompatibility)',
  defaultSeverity: 'error',
  template: 'bgpSessionCompatibility',
  options: [
    ...variables(['nodes', 'remoteNodes', 'status', 'type']),
    {
      name: 'allowed-statuses',
      type: 'string[]',
      description:
        'Configured_Status values that pass (default UNIQUE_MATCH, DYNAMIC_MATCH, UNKNOWN_REMOTE; none when `status` is given, as pybatfish)',
      allowed: BGP_COMPAT_STATUSES,
    },
  ],
  pybatfish: 'assert_no_incompatible_bgp_sessions',
  rule: { short: 'BGP peers are configured compatibly' },
  draws: 'bgp-sessions',
  questions: (spec) => ({
    compatibility: { question: 'bgpSessionCompatibility', parameters: given(spec, ['nodes', 'remoteNodes', 'status', 'type']) },
  }),
  evaluate: (spec, { compatibility: answer }) => {
    if (!answer) return [];
    need(answer, 'Configured_Status', 'bgpSessionCompatibility');
    // pybatfish: with an explicit status every returned session fails; otherwise the usual
    // good statuses pass.
    const fallback = spec.with.status === undefined ? COMPATIBLE_BY_DEFAULT : [];
    const allowed = new Set(option<string[]>(spec, 'allowed-statuses', fallback).map((s) => s.toUpperCase()));
    return answer.rows
      .map((row) => ({ row, status: text(answer, row, 'Configured_Status') }))
      .filter(({ status }) => !allowed.has(status.toUpperCase()))
      .map(({ row, status }) => bgpSessionDraft(answer, row, status));
  },
};
