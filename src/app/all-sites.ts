import path from 'node:path';
import pLimit from 'p-limit';
import { BatfishTimeoutError, BatfishUnreachableError, ExitCode, InputError, NetqError } from '../errors.js';
import { listRegions, listSites } from '../sites/sites.js';
import type { BatfishProvider, BatfishTarget } from './provider.js';
import { SiteRun, prepareSnapshot, type PreparedSnapshot, type QuestionAsk, type QuestionResult, type RunDeps, type SnapshotSettings, type SnapshotSource } from './site-run.js';

/** The outcome for one site of `--all`: its answers, or the error that stopped it. */
export interface SiteOutcome {
  source: SnapshotSource;
  results?: QuestionResult[];
  error?: NetqError;
}

/** Every site of one region, or of every region: `--all`. */
export async function siteSources(regionsDir: string, region: string | undefined, cwd: string): Promise<SnapshotSource[]> {
  const dir = path.resolve(cwd, regionsDir);
  const regions = region !== undefined ? [region] : await listRegions(dir);
  const sources: SnapshotSource[] = [];
  for (const r of regions) {
    for (const site of await listSites(dir, r)) sources.push({ kind: 'site', regionsDir: dir, region: r, site });
  }
  if (sources.length === 0) throw new InputError(`no sites under ${dir}${region ? `/${region}` : ''}`);
  return sources;
}

export interface AllSitesRequest extends SnapshotSettings {
  sources: SnapshotSource[];
  batfish: BatfishTarget;
  questions: QuestionAsk[];
  /** How many sites are worked on at once. */
  concurrency: number;
}

/**
 * The same questions about many sites through one Batfish, `concurrency` sites at a time. A site
 * that fails (no configs, a parse failure, a request that got no answer in time) does not stop the
 * others; its error is in its outcome. Batfish becoming unreachable stops the sites not started
 * yet (their outcome is that error) but keeps the answers already in; an interrupt stops everything.
 */
export async function askEverySite(provider: BatfishProvider, request: AllSitesRequest, deps: RunDeps): Promise<SiteOutcome[]> {
  const prepared = await Promise.all(
    request.sources.map(async (source): Promise<{ source: SnapshotSource; site?: PreparedSnapshot; error?: NetqError }> => {
      try {
        return { source, site: await prepareSnapshot(source, request.network, deps) };
      } catch (error) {
        if (!(error instanceof NetqError) || error.exitCode !== ExitCode.usage) throw error;
        return { source, error };
      }
    }),
  );
  if (prepared.every((p) => p.error)) return prepared.map(({ source, error }) => ({ source, ...(error ? { error } : {}) }));
  const batfish = await provider.connect(request.batfish, deps.onEvent);
  try {
    // Checked once, before any upload: every site asks the same questions.
    const questions = await Promise.all(request.questions.map((q) => batfish.session.prepareQuestion(q.question, q.parameters)));
    const limit = pLimit(Math.max(1, request.concurrency));
    // Set once Batfish refuses connections: the sites after it are not tried.
    let unreachable: NetqError | undefined;
    return await Promise.all(
      prepared.map(({ source, site, error }) =>
        limit(async (): Promise<SiteOutcome> => {
          if (!site) return { source, ...(error ? { error } : {}) };
          if (unreachable) return { source, error: unreachable };
          try {
            const run = await SiteRun.open(batfish, site, undefined, request, deps);
            try {
              return { source, results: await run.askAll(questions) };
            } finally {
              await run.close();
            }
          } catch (failure) {
            if (!(failure instanceof NetqError) || failure.exitCode !== ExitCode.batfish) throw failure;
            // A request that timed out is this site's (the server took it and did not answer);
            // no connection at all means no site can be asked any more.
            if (failure instanceof BatfishUnreachableError && !(failure instanceof BatfishTimeoutError)) unreachable ??= failure;
            return { source, error: failure };
          }
        }),
      ),
    );
  } finally {
    await batfish.release();
  }
}
