import path from 'node:path';
import type { TableAnswer } from './batfish/answer.js';
import { BatfishClient, type BatfishVersion } from './batfish/client.js';
import type { BatfishHttp } from './batfish/http.js';
import { validateParameters, type QuestionParameters } from './batfish/question.js';
import { BatfishSession, summarizeParseHealth } from './batfish/session.js';
import type { NetqContext } from './context.js';
import { BatfishContainers } from './docker/lifecycle.js';
import type { Progress } from './progress.js';
import { hashSnapshotFiles } from './sites/hash.js';
import { packageSnapshot } from './sites/packager.js';
import { resolveSite, resolveSnapshotDir, scanSnapshot, type SiteLocation, type SnapshotScan } from './sites/sites.js';
import pLimit from 'p-limit';
import { BatfishUnreachableError, ExitCode, NetqError } from './errors.js';
import { NETQ_VERSION } from './version.js';

/** Which snapshot to upload: a region/site, or any snapshot folder. */
export type SnapshotSource =
  | { kind: 'site'; regionsDir: string; region: string; site: string }
  | { kind: 'dir'; dir: string };

/** How netq gets a Batfish when none is given by URL. */
export interface ManagedBatfishOptions {
  /** Image to run; undefined: the `netq service build` image if present, else the pinned upstream one. */
  image?: string;
  hostPort?: number;
  memoryBytes?: number;
  jvmOpts?: string;
  startupTimeoutMs: number;
  /** Start a private container for this command and remove it afterwards. */
  ephemeral: boolean;
}

export interface BatfishTarget {
  /** A Batfish to use as it is; undefined: netq manages one in Docker. */
  url?: string;
  apiKey: string;
  connectTimeoutMs: number;
  managed: ManagedBatfishOptions;
}

export interface SiteQuestionRequest {
  source: SnapshotSource;
  /** Network name; defaults to the region (or `netq` for a snapshot folder). */
  network?: string;
  batfish: BatfishTarget;
  question: string;
  parameters: QuestionParameters;
  /** Overall time budget for upload, parse and answer. */
  timeoutMs: number;
  /** Upload and parse again even if Batfish has this snapshot. */
  fresh: boolean;
  /** netq snapshots of a site to keep on the server (older ones are deleted). */
  keepSnapshots: number;
  /** A second snapshot to compare against: answers become differential (Snapshot_/Reference_ columns). */
  reference?: SnapshotSource;
  verbose: boolean;
}

export interface SiteQuestionResult {
  location: SiteLocation;
  network: string;
  snapshot: string;
  /** True when Batfish already had the snapshot and nothing was uploaded. */
  reused: boolean;
  /** The reference snapshot of a differential answer. */
  referenceSnapshot?: string;
  batfishVersion: BatfishVersion;
  batfishUrl: string;
  question: string;
  parameters: QuestionParameters;
  answer: TableAnswer;
  /** Preflight warnings (empty files, ...), already shown on stderr. */
  warnings: string[];
  /** HTTP requests sent to Batfish, retries included. */
  requestCount: number;
}

/** Network name for `--snapshot-dir` snapshots when no --network is given. */
export const DEFAULT_DIR_NETWORK = 'netq';

/** Finds a site (or snapshot folder). */
export async function locateSnapshot(source: SnapshotSource, cwd: string): Promise<SiteLocation> {
  return source.kind === 'site'
    ? resolveSite(path.resolve(cwd, source.regionsDir), source.region, source.site)
    : resolveSnapshotDir(path.resolve(cwd, source.dir));
}

/** A connected Batfish session and what to do when the command is done with it. */
export interface ConnectedBatfish {
  session: BatfishSession;
  http: BatfishHttp;
  url: string;
  version: BatfishVersion;
  /** Removes an --ephemeral container; a no-op otherwise. Safe to call twice. */
  release(): Promise<void>;
}

/**
 * Connects to the Batfish the flags name: the given URL, or netq's managed container (reused when
 * running, started otherwise, or a private one with --ephemeral).
 */
export async function connectBatfish(ctx: NetqContext, progress: Progress, target: BatfishTarget, verbose: boolean): Promise<ConnectedBatfish> {
  let url = target.url;
  let release = async (): Promise<void> => {};
  if (url === undefined) {
    const containers = containerManager(ctx, progress, target.apiKey);
    const image = await containers.resolveImage(target.managed.image);
    const options = { ...target.managed, image };
    if (target.managed.ephemeral) {
      const started = await containers.start(options);
      let released = false;
      release = async () => {
        if (released) return;
        released = true;
        progress.phase(`removing ephemeral Batfish ${started.id.slice(0, 12)}`);
        await containers.remove(started.id);
      };
      url = started.url;
    } else {
      const managed = await containers.ensure(options);
      if (managed.started) progress.note(`netq: started Batfish ${managed.info.name} (${image}) on ${managed.url}; it keeps running for the next command (netq service stop removes it)`);
      url = managed.url;
    }
  }
  try {
    const http = ctx.createBatfishHttp({
      url,
      apiKey: target.apiKey,
      clock: ctx.clock,
      signal: ctx.signal,
      ...(verbose ? { debug: (m: string) => progress.note(`netq: http: ${m}`) } : {}),
    });
    const session = new BatfishSession(new BatfishClient(http), {
      clock: ctx.clock,
      newId: ctx.newId,
      onPhase: (text) => progress.phase(text),
      signal: ctx.signal,
    });
    const version = await session.connect(target.connectTimeoutMs);
    return { session, http, url, version, release };
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
}

/** The container manager, with a readiness probe that asks Batfish for its version. */
export function containerManager(ctx: NetqContext, progress: Progress, apiKey: string): BatfishContainers {
  return new BatfishContainers({
    engine: ctx.createDockerEngine(ctx.env),
    clock: ctx.clock,
    newId: ctx.newId,
    netqVersion: NETQ_VERSION,
    stateDir: ctx.stateDir,
    probe: async (url) => {
      const http = ctx.createBatfishHttp({ url, apiKey, clock: ctx.clock, requestTimeoutMs: 2000, signal: ctx.signal });
      return new BatfishClient(http).version().then(
        () => true,
        () => false,
      );
    },
    onPhase: (text) => progress.phase(text),
    signal: ctx.signal,
  });
}

/**
 * The whole flow behind a site question: preflight the site, connect to Batfish, make sure it has
 * the snapshot, ask the question. Preflight runs before anything else, so a typo in a site name
 * costs nothing and starts nothing.
 */
export async function runSiteQuestion(ctx: NetqContext, progress: Progress, request: SiteQuestionRequest): Promise<SiteQuestionResult> {
  const { question, parameters, ...rest } = request;
  const [result] = await runSiteQuestions(ctx, progress, { ...rest, questions: [{ question, parameters }] });
  return result!;
}

/** One question of several asked about the same snapshot. */
export interface QuestionAsk {
  question: string;
  parameters: QuestionParameters;
}

/** Several questions about one site: one preflight, one upload (if any), one answer each. */
export async function runSiteQuestions(
  ctx: NetqContext,
  progress: Progress,
  request: Omit<SiteQuestionRequest, 'question' | 'parameters'> & { questions: QuestionAsk[] },
): Promise<SiteQuestionResult[]> {
  const site = await prepareSite(ctx, progress, request.source, request.network);
  const reference = request.reference ? await prepareSite(ctx, progress, request.reference, site.network, 'reference') : undefined;
  const batfish = await connectBatfish(ctx, progress, request.batfish, request.verbose);
  try {
    // Checked before the upload so a wrong parameter leaves nothing on the server.
    for (const ask of request.questions) validateParameters(await batfish.session.template(ask.question), definedOnly(ask.parameters));
    return await askSite(ctx, progress, batfish, site, reference, request);
  } finally {
    await batfish.release();
  }
}

/** The outcome for one site of `--all`: its answers, or the error that stopped it. */
export interface SiteOutcome {
  source: SnapshotSource;
  results?: SiteQuestionResult[];
  error?: NetqError;
}

/**
 * The same questions about many sites through one Batfish, `concurrency` sites at a time. A site
 * that fails (no configs, a parse failure) does not stop the others; its error is in its outcome.
 */
export async function runAllSites(
  ctx: NetqContext,
  progress: Progress,
  request: Omit<SiteQuestionRequest, 'question' | 'parameters' | 'source'> & { sources: SnapshotSource[]; questions: QuestionAsk[]; concurrency: number },
): Promise<SiteOutcome[]> {
  const prepared = await Promise.all(
    request.sources.map(async (source) => {
      try {
        return { source, site: await prepareSite(ctx, progress, source, request.network) };
      } catch (error) {
        if (!(error instanceof NetqError) || error.exitCode !== ExitCode.usage) throw error;
        return { source, error };
      }
    }),
  );
  if (prepared.every((p) => p.error)) return prepared.map(({ source, error }) => ({ source, error: error! }));
  const batfish = await connectBatfish(ctx, progress, request.batfish, request.verbose);
  try {
    for (const ask of request.questions) validateParameters(await batfish.session.template(ask.question), definedOnly(ask.parameters));
    const limit = pLimit(Math.max(1, request.concurrency));
    return await Promise.all(
      prepared.map(({ source, site, error }) =>
        limit(async (): Promise<SiteOutcome> => {
          if (!site) return { source, error: error! };
          try {
            return { source, results: await askSite(ctx, progress, batfish, site, undefined, request) };
          } catch (failure) {
            // Batfish being unreachable or interrupted stops everything; a site's own failure does not.
            if (failure instanceof NetqError && failure.exitCode === ExitCode.batfish && !(failure instanceof BatfishUnreachableError)) {
              return { source, error: failure };
            }
            throw failure;
          }
        }),
      ),
    );
  } finally {
    await batfish.release();
  }
}

interface PreparedSite {
  location: SiteLocation;
  scan: SnapshotScan;
  network: string;
  snapshot: string;
}

/** Finds and checks a site or snapshot folder and names its snapshot, before anything is sent to Batfish. */
async function prepareSite(ctx: NetqContext, progress: Progress, source: SnapshotSource, network: string | undefined, role?: string): Promise<PreparedSite> {
  const location = await locateSnapshot(source, ctx.cwd);
  const scan = await scanSnapshot(location);
  for (const warning of scan.warnings) progress.note(`netq: warning${role ? ` (${role})` : ''}: ${warning}`);
  return {
    location,
    scan,
    network: network ?? location.region ?? DEFAULT_DIR_NETWORK,
    snapshot: snapshotName(location.site, await hashSnapshotFiles(scan.files)),
  };
}

/** Makes sure Batfish has the site's snapshot (and the reference's), then asks each question. */
async function askSite(
  ctx: NetqContext,
  progress: Progress,
  batfish: ConnectedBatfish,
  site: PreparedSite,
  reference: PreparedSite | undefined,
  request: { questions: QuestionAsk[]; timeoutMs: number; fresh: boolean; keepSnapshots: number },
): Promise<SiteQuestionResult[]> {
  const { session } = batfish;
  const { location, scan, network, snapshot } = site;
  const deadline = ctx.clock.now() + request.timeoutMs;
  if (reference) {
    await session.ensureSnapshot({
      network,
      snapshot: reference.snapshot,
      fresh: request.fresh,
      deadline,
      makeZip: () => packageSnapshot(reference.scan.files, reference.snapshot, ctx.tmpDir),
    });
  }
  const { reused, health } = await session.ensureSnapshot({
    network,
    snapshot,
    fresh: request.fresh,
    deadline,
    makeZip: () => {
      progress.phase(`packaging ${scan.files.length} files of ${location.site}`);
      return packageSnapshot(scan.files, snapshot, ctx.tmpDir);
    },
  });
  const summary = summarizeParseHealth(health);
  if (reused) progress.note(`netq: Batfish already has ${snapshot} (unchanged input); nothing uploaded`);
  else if (summary) progress.note(`netq: parsed ${snapshot}: ${summary}`);

  const results: SiteQuestionResult[] = [];
  for (const ask of request.questions) {
    const { answer, parameters } = await session.ask({
      network,
      snapshot,
      question: ask.question,
      parameters: ask.parameters,
      deadline,
      ...(reference ? { referenceSnapshot: reference.snapshot } : {}),
    });
    results.push({
      location,
      network,
      snapshot,
      reused,
      ...(reference ? { referenceSnapshot: reference.snapshot } : {}),
      batfishVersion: batfish.version,
      batfishUrl: batfish.url,
      question: ask.question,
      parameters,
      answer,
      warnings: scan.warnings,
      requestCount: batfish.http.requestCount,
    });
  }
  const inUse = [snapshot, ...(reference ? [reference.snapshot] : [])];
  await session.pruneSnapshots(network, snapshotPattern(location.site), request.keepSnapshots, inUse);
  return results;
}

const HASH_LENGTH = 16;

/** `<site>-<first 16 hex of the input hash>`, with characters Batfish names cannot hold replaced by `_`. */
export function snapshotName(site: string, inputHash: string): string {
  return `${safeSite(site)}-${inputHash.slice(0, HASH_LENGTH)}`;
}

/** Matches the names netq gives this site's snapshots, and no others. */
export function snapshotPattern(site: string): RegExp {
  return new RegExp(`^${safeSite(site).replace(/[-]/g, '\\-')}-[0-9a-f]{${HASH_LENGTH}}$`);
}

function safeSite(site: string): string {
  return site.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100) || 'snapshot';
}

function definedOnly(parameters: QuestionParameters): QuestionParameters {
  return Object.fromEntries(Object.entries(parameters).filter(([, v]) => v !== undefined));
}
