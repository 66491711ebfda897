/**
 * The change scenario's answers: `networks/example-live-change` (the head: an ACL line added on
 * as2dept1 and its link to as2dist2 shut) against `networks/example-live` (the base), and forks of
 * either with a node down. Hand-built with Batfish's columns by
 * test/fixtures/scenarios/make-example-live-change.py (see test/fixtures/ORIGIN.md).
 */
import type { RecordedAnswer } from './recorded.js';

const HEAD = 'example-live-change';
const BASE = 'example-live';
const TELNET_FROM_HOST2 = { nodes: 'as2dept1', headers: { srcIps: '2.128.1.0/24', dstPorts: '23', ipProtocols: ['TCP'] } };
const SEARCH_FILTERS_FILE = 'searchFilters__example-live-change__vs-example-live__invert-telnet-host2.json';

const against = (question: string, file: string, parameters: Record<string, unknown> = {}): RecordedAnswer => ({ question, network: HEAD, reference: BASE, parameters, file });
const down = (network: string, node: string): RecordedAnswer => ({
  question: 'differentialReachability',
  network,
  fork: { deactivateNodes: [node] },
  reference: network,
  parameters: {},
  file: `differentialReachability__${network}-down-${node}__vs-${network}__default.json`,
});

export const IMPACT_RECORDINGS: RecordedAnswer[] = [
  against('differentialReachability', 'differentialReachability__example-live-change__vs-example-live__default.json'),
  against('routes', 'routes__example-live-change__vs-example-live__default.json'),
  against('bgpSessionStatus', 'bgpSessionStatus__example-live-change__vs-example-live__default.json'),
  against('layer3Edges', 'layer3Edges__example-live-change__vs-example-live__default.json'),
  against('ipOwners', 'ipOwners__example-live-change__vs-example-live__default.json'),
  against('compareFilters', 'compareFilters__example-live-change__vs-example-live__default.json'),
  // The same answer with or without filters naming the ACL: no other filter of as2dept1 changed.
  against('searchFilters', SEARCH_FILTERS_FILE, { ...TELNET_FROM_HOST2, invertSearch: true }),
  against('searchFilters', SEARCH_FILTERS_FILE, { ...TELNET_FROM_HOST2, filters: 'RESTRICT_HOST_TRAFFIC_IN', invertSearch: true }),
  { question: 'definedStructures', network: HEAD, parameters: { nodes: 'as2dept1' }, file: 'definedStructures__example-live-change__nodes-as2dept1.json' },
  { question: 'definedStructures', network: BASE, parameters: { nodes: 'as2dept1' }, file: 'definedStructures__example-live__nodes-as2dept1.json' },
  { question: 'bgpEdges', network: HEAD, parameters: {}, file: 'bgpEdges__example-live-change__all.json' },
  { question: 'ipOwners', network: HEAD, parameters: {}, file: 'ipOwners__example-live-change__all.json' },
  down(HEAD, 'as2dist1'),
  down(HEAD, 'as2dept1'),
  down(BASE, 'as2dept1'),
];
