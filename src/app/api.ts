import os from 'node:os';
import { DEFAULT_API_KEY } from '../batfish/http.js';
import type { Clock } from '../clock.js';
import { ignoreEvents, type NetqEventListener } from './events.js';
import type { BatfishProvider, ManagedBatfishOptions } from './provider.js';
import { createServices } from './services.js';
import { SiteRun, prepareSnapshot, type SnapshotSource } from './site-run.js';

/** A site of a regions folder, or any Batfish snapshot folder. */
export type SiteSpec = { region: string; site: string; regionsDir?: string } | { snapshotDir: string };

/** How `site()` reaches Batfish and treats the snapshot; every field is optional. */
export interface SiteOptions {
  /** A running Batfish, e.g. `http://127.0.0.1:9996`; without it netq runs its managed container. */
  batfishUrl?: string;
  apiKey?: string;
  /** Cancels uploads, polls and container starts; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Time budget for upload, parse and every answer of this site (default 600 000). */
  timeoutMs?: number;
  /** How long to wait for a `batfishUrl` server that refuses connections (default 5 000). */
  connectTimeoutMs?: number;
  /** Typed progress: phase, upload, parse, answer, retry, warning, notice, debug. */
  onEvent?: NetqEventListener;
  /** Upload and parse again even if Batfish has this snapshot. */
  fresh?: boolean;
  /** Batfish network (default: the region, or `netq` for a snapshot folder). */
  network?: string;
  /** netq snapshots of this site kept on the server (default 5). */
  keepSnapshots?: number;
  /** A second snapshot: answers become differential (Snapshot_/Reference_ columns). */
  reference?: SiteSpec;
  /** The managed container's settings (image, memory, ...) when no `batfishUrl` is given. */
  managed?: Partial<ManagedBatfishOptions>;
  /** Folder that relative paths are resolved against (default: the current folder). */
  cwd?: string;
  /** Where snapshot zips are written before upload (default: the system temp folder). */
  tmpDir?: string;
  clock?: Clock;
  /** A provider of your own (tests, a shared container manager); built from the options otherwise. */
  provider?: BatfishProvider;
}

/** A site's snapshot on Batfish, ready for questions. `close()` when done (removes an ephemeral container). */
export interface NetqSite {
  readonly network: string;
  readonly snapshot: string;
  /** True when Batfish already had the snapshot and nothing was uploaded. */
  readonly reused: boolean;
  readonly batfishVersion: string;
  ask: SiteRun['ask'];
  askAll: SiteRun['askAll'];
  askEach: SiteRun['askEach'];
  close(): Promise<void>;
}

function sourceOf(spec: SiteSpec): SnapshotSource {
  return 'snapshotDir' in spec
    ? { kind: 'dir', dir: spec.snapshotDir }
    : { kind: 'site', regionsDir: spec.regionsDir ?? 'regions', region: spec.region, site: spec.site };
}

/**
 * Opens a site on Batfish: checks its files, connects (or starts netq's container), and uploads
 * and parses its snapshot unless Batfish already has it. Errors are NetqErrors whose `exitCode`
 * is the CLI's (2 input, 3 Batfish, 4 Docker).
 *
 *     const run = await site({ region: 'north_america', site: 'nyc' }, { batfishUrl });
 *     const { answer } = await run.ask('bgpSessionStatus', { nodes: 'core.*' });
 *     await run.close();
 */
export async function site(spec: SiteSpec, options: SiteOptions = {}): Promise<NetqSite> {
  const services = createServices({
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    tmpDir: options.tmpDir ?? os.tmpdir(),
    ...(options.provider ? { batfish: options.provider } : {}),
  });
  const onEvent = options.onEvent ?? ignoreEvents;
  const deps = { cwd: services.cwd, clock: services.clock, tmpDir: services.tmpDir, stateDir: services.batfish.deps.stateDir, onEvent };
  const settings = {
    ...(options.network ? { network: options.network } : {}),
    fresh: options.fresh ?? false,
    keepSnapshots: options.keepSnapshots ?? 5,
    timeoutMs: options.timeoutMs ?? 600_000,
  };
  const prepared = await prepareSnapshot(sourceOf(spec), settings.network, deps);
  const reference = options.reference ? await prepareSnapshot(sourceOf(options.reference), prepared.network, deps, 'reference') : undefined;
  const batfish = await services.batfish.connect(
    {
      ...(options.batfishUrl ? { url: options.batfishUrl } : {}),
      apiKey: options.apiKey ?? DEFAULT_API_KEY,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      managed: { startupTimeoutMs: 180_000, ephemeral: false, ...options.managed },
    },
    onEvent,
  );
  try {
    const run = await SiteRun.open(batfish, prepared, reference, settings, deps);
    return {
      network: run.network,
      snapshot: run.snapshot,
      reused: run.reused,
      batfishVersion: run.batfishVersion.batfish,
      ask: run.ask.bind(run),
      askAll: run.askAll.bind(run),
      askEach: run.askEach.bind(run),
      close: async () => {
        try {
          await run.close();
        } finally {
          await batfish.release();
        }
      },
    };
  } catch (error) {
    await batfish.release().catch(() => undefined);
    throw error;
  }
}
