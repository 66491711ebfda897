/**
 * The catalogue of real recorded Batfish answers the simulator serves, and how to recognise the
 * snapshot each was recorded on. Answers and networks are copies of Batfish's own reference test
 * data (Apache-2.0); see test/fixtures/ORIGIN.md.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IMPACT_RECORDINGS } from './recorded-impact.js';
import { EDGE_BLACKLIST, type ForkBean, forkFiles, NODE_BLACKLIST, RUNTIME_DATA, type SnapshotFiles } from './sim-fork.js';

export const FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export interface RecordedAnswer {
  /** Template instance name the answer belongs to. */
  question: string;
  /** Fixture snapshot it was recorded on (folder under test/fixtures/networks). */
  network: string;
  /** The parameters the recording used (the variables given a value). */
  parameters: Record<string, unknown>;
  /** File under test/fixtures/answers. */
  file: string;
  /**
   * The fixture network that was the reference snapshot (`referenceSnapshot` / `deltatestrig`)
   * when the answer was computed; absent for an answer asked of one snapshot.
   */
  reference?: string;
  /** The snapshot was a fork of `network` with these elements deactivated (ForkSnapshotBean fields). */
  fork?: Pick<ForkBean, 'deactivateNodes' | 'deactivateInterfaces' | 'deactivateLinks'>;
  /** The reference was a fork of `reference` with these elements deactivated. */
  referenceFork?: Pick<ForkBean, 'deactivateNodes' | 'deactivateInterfaces' | 'deactivateLinks'>;
}

export const RECORDED_ANSWERS: RecordedAnswer[] = [
  {
    question: 'bgpSessionStatus',
    network: 'example-live',
    parameters: { nodes: 'as2.*', remoteNodes: 'as3.*' },
    file: 'bgpSessionStatus__example-live__nodes-as2_remoteNodes-as3_before-session-vrf.json',
  },
  { question: 'routes', network: 'dc-as-reuse', parameters: {}, file: 'routes__dc-as-reuse__all.json' },
  {
    question: 'traceroute',
    network: 'example-live',
    parameters: { startLocation: 'host2', headers: { dstIps: '1.0.1.1' } },
    file: 'traceroute__example-live__start-host2_dstIps-1.0.1.1.json',
  },
  { question: 'unusedStructures', network: 'unit-tests', parameters: {}, file: 'unusedStructures__unit-tests__all.json' },
  // Hand-built, not recorded: the BGP edges of the example network with EdgesAnswerer's columns (ORIGIN.md).
  { question: 'bgpEdges', network: 'example-live', parameters: {}, file: 'bgpEdges__example-live__all.json' },
  // Hand-built differential answers of the change scenario (example-live-change against example-live).
  ...IMPACT_RECORDINGS,
];

/** Reads a recorded answer file: a COMPAREANSWER array of answer elements. */
export function loadRecordedElements(file: string): Array<Record<string, unknown>> {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'answers', file), 'utf8')) as Array<Record<string, unknown>>;
}

/** Files of a snapshot that say what is deactivated (a fork's, or a user's own). */
const DEACTIVATION_FILES = new Set([NODE_BLACKLIST, EDGE_BLACKLIST, RUNTIME_DATA]);

/**
 * A fingerprint of a snapshot's device configs and what it has deactivated: their names and
 * contents. Two uploads of the same configs get the same fingerprint whatever the zip's top folder
 * is called; a fork with a node down gets another than its base.
 */
export function fingerprintFiles(files: Array<{ relPath: string; content: Buffer }>): string {
  const configs = files
    .filter((f) => f.relPath.startsWith('configs/') || DEACTIVATION_FILES.has(f.relPath))
    .map((f) => `${f.relPath}\0${createHash('sha256').update(f.content).digest('hex')}`)
    .sort();
  return createHash('sha256').update(configs.join('\n')).digest('hex');
}

/**
 * The fingerprint of a fixture network folder, as the simulator computes it for an upload, or for
 * a fork of it with `fork`'s elements deactivated (the files `POST snapshots:fork` would write).
 */
export function fingerprintFixture(network: string, fork?: RecordedAnswer['fork']): string | undefined {
  const root = path.join(FIXTURES_DIR, 'networks', network);
  try {
    statSync(root);
  } catch {
    return undefined;
  }
  const files: Array<{ relPath: string; content: Buffer }> = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(relPath);
      else files.push({ relPath, content: readFileSync(path.join(root, relPath)) });
    }
  };
  walk('');
  return fingerprintFiles(fork ? forkFiles(files as SnapshotFiles, fork, []) : files);
}
