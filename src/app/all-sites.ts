import path from 'node:path';
import { InputError, type NetqError } from '../errors.js';
import { listRegions, listSites } from '../sites/discovery.js';
import type { BatfishProvider, BatfishTarget } from './provider.js';
import { fanOut } from './fan-out.js';
import { SiteRun, type QuestionAsk, type QuestionResult, type RunDeps, type SnapshotSettings, type SnapshotSource } from './site-run.js';
import { oneServer } from './targets.js';

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
 * The same questions about many sites, `concurrency` sites at a time, through the fan-out of
 * fan-out.ts (its error policy: a site's failure is that site's, an unreachable Batfish stops the
 * sites not started yet, an interrupt stops everything). The questions are checked once per
 * server, before any upload: every site asks the same.
 */
export async function askEverySite(provider: BatfishProvider, request: AllSitesRequest, deps: RunDeps): Promise<SiteOutcome[]> {
  const { outcomes } = await fanOut(
    provider,
    { sources: request.sources, ...(request.network !== undefined ? { network: request.network } : {}), targetOf: oneServer(request.batfish), concurrency: request.concurrency },
    deps,
    (batfish) => Promise.all(request.questions.map((q) => batfish.session.prepareQuestion(q.question, q.parameters))),
    async (site, batfish, questions) => {
      const run = await SiteRun.open(batfish, site, undefined, request, deps);
      try {
        return await run.askAll(questions);
      } finally {
        await run.close();
      }
    },
  );
  return outcomes.map(({ source, value, error }) => ({ source, ...(value ? { results: value } : {}), ...(error ? { error } : {}) }));
}
