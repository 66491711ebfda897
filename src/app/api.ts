import os from 'node:os';
import { checkApiKey } from '../batfish/http.js';
import { DEFAULTS, DEFAULT_API_KEY } from './defaults.js';
import { InputError } from '../errors.js';
import type { Clock } from '../clock.js';
import { ignoreEvents, type NetqEventListener } from './events.js';
import type { BatfishProvider, ManagedBatfishOptions } from './provider.js';
import { createServices, runDeps } from './services.js';
import { SiteRun, type SnapshotSource } from './site-run.js';
import { prepareSnapshot } from './site-snapshots.js';

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

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const nonEmptyText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** Refuses a call whose arguments cannot be what the types say (JavaScript callers, values from a config). */
function misuse(message: string, hint: string): InputError {
  return new InputError(message, { hint });
}

function checkSpec(spec: unknown, name = 'site()'): SiteSpec {
  const hint = "give { region: 'north_america', site: 'nyc' } (with regionsDir when not ./regions) or { snapshotDir: './path' }";
  if (!isRecord(spec)) throw misuse(`${name} needs a site, got ${spec === null ? 'null' : typeof spec}`, hint);
  if ('snapshotDir' in spec) {
    if (!nonEmptyText(spec.snapshotDir)) throw misuse(`${name}: snapshotDir must be a folder path`, hint);
    return { snapshotDir: spec.snapshotDir };
  }
  if (!nonEmptyText(spec.region) || !nonEmptyText(spec.site)) throw misuse(`${name}: a site needs region and site, as text`, hint);
  if (spec.regionsDir !== undefined && !nonEmptyText(spec.regionsDir)) throw misuse(`${name}: regionsDir must be a folder path`, hint);
  return spec as SiteSpec;
}

/** A positive number of milliseconds, or undefined (the default). */
function checkMs(options: Record<string, unknown>, key: string): void {
  const value = options[key];
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw misuse(`site(): ${key} must be a positive number of milliseconds, got ${JSON.stringify(value) ?? String(value)}`, `e.g. ${key}: 120_000, or leave it out for the default`);
  }
}

function checkOptions(options: unknown): SiteOptions {
  if (options === undefined) return {};
  if (!isRecord(options)) throw misuse(`site(): options must be an object, got ${options === null ? 'null' : typeof options}`, 'pass {} or leave the options out');
  checkMs(options, 'timeoutMs');
  checkMs(options, 'connectTimeoutMs');
  const keep = options.keepSnapshots;
  if (keep !== undefined && !(Number.isInteger(keep) && (keep as number) >= 1)) {
    throw misuse(`site(): keepSnapshots must be a whole number from 1, got ${JSON.stringify(keep)}`, 'the snapshot in use is always kept: 1 keeps only it');
  }
  for (const key of ['batfishUrl', 'network', 'cwd', 'tmpDir'] as const) {
    if (options[key] !== undefined && !nonEmptyText(options[key])) throw misuse(`site(): ${key} must be text, got ${typeof options[key]}`, `leave ${key} out for the default`);
  }
  if (options.apiKey !== undefined) {
    if (typeof options.apiKey !== 'string') throw misuse('site(): apiKey must be text', 'leave apiKey out for the stock key');
    checkApiKey(options.apiKey, 'site() apiKey');
  }
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') throw misuse('site(): onEvent must be a function', 'e.g. onEvent: (e) => console.error(e.type)');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw misuse('site(): signal must be an AbortSignal', 'e.g. signal: new AbortController().signal');
  if (options.fresh !== undefined && typeof options.fresh !== 'boolean') throw misuse('site(): fresh must be true or false', 'leave fresh out for false');
  if (options.reference !== undefined) checkSpec(options.reference, 'site() reference');
  return options as SiteOptions;
}

/** The arguments of ask(): a question name and, optionally, its parameters as an object. */
function checkAsk(question: unknown, parameters: unknown): void {
  if (typeof question !== 'string' && !(isRecord(question) && 'template' in question)) {
    throw misuse(`ask() needs a question name, got ${question === null ? 'null' : typeof question}`, "e.g. ask('bgpSessionStatus', { nodes: 'core.*' })");
  }
  if (parameters !== undefined && !isRecord(parameters)) {
    throw misuse(`ask(): parameters must be an object, got ${parameters === null ? 'null' : Array.isArray(parameters) ? 'a list' : typeof parameters}`, "e.g. { nodes: 'core.*' }, or leave them out");
  }
}

function checkAsks(questions: unknown): void {
  if (!Array.isArray(questions)) throw misuse('askAll()/askEach() need a list of questions', "e.g. [{ question: 'bgpSessionStatus', parameters: {} }]");
  for (const q of questions) {
    if (!isRecord(q)) throw misuse('askAll()/askEach(): each question is { question, parameters }', "e.g. { question: 'bgpSessionStatus', parameters: {} }");
    if ('template' in q) continue;
    checkAsk(q.question, q.parameters);
  }
}

function sourceOf(spec: SiteSpec): SnapshotSource {
  return 'snapshotDir' in spec
    ? { kind: 'dir', dir: spec.snapshotDir }
    : { kind: 'site', regionsDir: spec.regionsDir ?? DEFAULTS.regionsDir, region: spec.region, site: spec.site };
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
export async function site(siteSpec: SiteSpec, siteOptions?: SiteOptions): Promise<NetqSite> {
  const spec = checkSpec(siteSpec);
  const options = checkOptions(siteOptions);
  const services = createServices({
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    tmpDir: options.tmpDir ?? os.tmpdir(),
    ...(options.provider ? { batfish: options.provider } : {}),
  });
  const onEvent = options.onEvent ?? ignoreEvents;
  const deps = runDeps(services, onEvent);
  const settings = {
    ...(options.network ? { network: options.network } : {}),
    fresh: options.fresh ?? false,
    keepSnapshots: options.keepSnapshots ?? DEFAULTS.keepSnapshots,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
  };
  const prepared = await prepareSnapshot(sourceOf(spec), settings.network, deps);
  const reference = options.reference ? await prepareSnapshot(sourceOf(options.reference), prepared.network, deps, 'reference') : undefined;
  const batfish = await services.batfish.connect(
    {
      ...(options.batfishUrl ? { url: options.batfishUrl } : {}),
      apiKey: options.apiKey ?? DEFAULT_API_KEY,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      managed: { startupTimeoutMs: DEFAULTS.startupTimeoutMs, ephemeral: false, ...options.managed },
    },
    onEvent,
  );
  try {
    const run = await SiteRun.open(batfish, prepared, reference, settings, deps);
    let closed = false;
    const open = (): void => {
      if (closed) throw misuse(`the site ${run.snapshot} was closed: it asks nothing more`, 'open it again with site() to ask more');
    };
    return {
      network: run.network,
      snapshot: run.snapshot,
      reused: run.reused,
      batfishVersion: run.batfishVersion.batfish,
      ask: async (question, parameters) => {
        open();
        checkAsk(question, parameters);
        return run.ask(question, parameters);
      },
      askAll: async (questions) => {
        open();
        checkAsks(questions);
        return run.askAll(questions);
      },
      askEach: async (questions) => {
        open();
        checkAsks(questions);
        return run.askEach(questions);
      },
      close: async () => {
        if (closed) return;
        closed = true;
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
