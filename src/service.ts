import path from 'node:path';
import type { TableAnswer } from './batfish/answer.js';
import type { BatfishVersion } from './batfish/client.js';
import { BatfishClient } from './batfish/client.js';
import { validateParameters, type QuestionParameters } from './batfish/question.js';
import { BatfishSession, summarizeParseHealth } from './batfish/session.js';
import type { NetqContext } from './context.js';
import type { Progress } from './progress.js';
import { packageSnapshot } from './sites/packager.js';
import { resolveSite, resolveSnapshotDir, scanSnapshot, type SiteLocation } from './sites/sites.js';

/** Which snapshot to upload: a region/site, or any snapshot folder. */
export type SnapshotSource =
  | { kind: 'site'; regionsDir: string; region: string; site: string }
  | { kind: 'dir'; dir: string };

export interface BatfishTarget {
  url: string;
  apiKey: string;
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
  /** How long to wait for a server that refuses connections (it may be starting). */
  connectTimeoutMs: number;
  verbose: boolean;
}

export interface SiteQuestionResult {
  location: SiteLocation;
  network: string;
  snapshot: string;
  batfishVersion: BatfishVersion;
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

/** Finds a site (or snapshot folder), checks it, and returns where it is and what is in it. */
export async function locateSnapshot(source: SnapshotSource, cwd: string): Promise<SiteLocation> {
  return source.kind === 'site'
    ? resolveSite(path.resolve(cwd, source.regionsDir), source.region, source.site)
    : resolveSnapshotDir(path.resolve(cwd, source.dir));
}

/**
 * The whole flow behind a site question: preflight the site, connect to Batfish, upload and parse
 * the snapshot, ask the question. Preflight runs before any network call, so a typo in a site
 * name costs nothing. The zip is removed whatever happens.
 */
export async function runSiteQuestion(
  ctx: NetqContext,
  progress: Progress,
  request: SiteQuestionRequest,
): Promise<SiteQuestionResult> {
  const location = await locateSnapshot(request.source, ctx.cwd);
  const scan = await scanSnapshot(location);
  for (const warning of scan.warnings) progress.note(`netq: warning: ${warning}`);

  const network = request.network ?? location.region ?? DEFAULT_DIR_NETWORK;
  const snapshot = snapshotName(location.site, ctx.clock.now(), ctx.newId());
  const http = ctx.createBatfishHttp({
    url: request.batfish.url,
    apiKey: request.batfish.apiKey,
    clock: ctx.clock,
    signal: ctx.signal,
    ...(request.verbose ? { debug: (m: string) => progress.note(`netq: http: ${m}`) } : {}),
  });
  const session = new BatfishSession(new BatfishClient(http), {
    clock: ctx.clock,
    newId: ctx.newId,
    onPhase: (text) => progress.phase(text),
    signal: ctx.signal,
  });
  const batfishVersion = await session.connect(request.connectTimeoutMs);
  const deadline = ctx.clock.now() + request.timeoutMs;

  // Checked before the upload so a wrong parameter leaves nothing on the server.
  validateParameters(await session.template(request.question), definedOnly(request.parameters));

  progress.phase(`packaging ${scan.files.length} files of ${location.site}`);
  const zip = await packageSnapshot(scan.files, snapshot, ctx.tmpDir);
  let health;
  try {
    health = await session.initSnapshot({
      network,
      snapshot,
      zipPath: zip.zipPath,
      zipSizeBytes: zip.sizeBytes,
      deadline,
    });
  } finally {
    await zip.dispose();
  }
  const summary = summarizeParseHealth(health);
  if (summary) progress.note(`netq: parsed ${snapshot}: ${summary}`);

  const { answer, parameters } = await session.ask({
    network,
    snapshot,
    question: request.question,
    parameters: request.parameters,
    deadline,
  });
  return {
    location,
    network,
    snapshot,
    batfishVersion,
    question: request.question,
    parameters,
    answer,
    warnings: scan.warnings,
    requestCount: http.requestCount,
  };
}

/** `<site>-<yyyymmdd>-<uuid>`, with characters Batfish names cannot hold replaced by `_`. */
export function snapshotName(site: string, nowMs: number, id: string): string {
  const date = new Date(nowMs).toISOString().slice(0, 10).replace(/-/g, '');
  const safeSite = site.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100) || 'snapshot';
  return `${safeSite}-${date}-${id}`;
}

function definedOnly(parameters: QuestionParameters): QuestionParameters {
  return Object.fromEntries(Object.entries(parameters).filter(([, v]) => v !== undefined));
}
