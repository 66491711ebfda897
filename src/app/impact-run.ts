/**
 * `netq impact`: for each site, the head and its base uploaded (each reused when Batfish has it),
 * every impact question asked at once against the base (differentialReachability, routes,
 * bgpSessionStatus, layer3Edges, ipOwners, compareFilters), then definedStructures of the nodes
 * whose filters changed, on both sides, to place each filter line; the report is pure
 * (check/impact/report.ts). A question that fails leaves its part unknown, never empty.
 */
import type { TableAnswer } from '../batfish/answer.js';
import { buildImpactReport, IMPACT_PARTS, IMPACT_QUESTIONS, siteImpact, type ImpactAnswers, type ImpactReport, type SiteImpact } from '../check/impact/report.js';
import { filterChanges } from '../check/impact/changes.js';
import { namedIpNodes, resolveNamedIps } from '../check/impact/names.js';
import { BatfishUnreachableError, ExitCode, InputError, NetqError, toNetqError } from '../errors.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { NETQ_VERSION } from '../version.js';
import { baseSnapshot, ReportPaths, siteContext, type CheckBase } from './check-run.js';
import { fanOut } from './fan-out.js';
import type { BatfishConnection, BatfishProvider, BatfishTarget } from './provider.js';
import { SiteRun, sourceName, type RunDeps, type SnapshotSettings, type SnapshotSource } from './site-run.js';
import { prepareSnapshot, type PreparedSnapshot } from './site-snapshots.js';
import { oneServer } from './targets.js';

/** What the head is compared with: a copy, the files at a git ref, or another site (`--reference`). */
export type ImpactBase = CheckBase | { kind: 'site'; source: SnapshotSource & { kind: 'site' } };

export interface ImpactRequest extends SnapshotSettings {
  sources: SnapshotSource[];
  base: ImpactBase;
  batfish: BatfishTarget;
  concurrency: number;
  /** differentialReachability's scope (headers, pathConstraints), as Batfish's variables. */
  reach: Record<string, unknown>;
  paths?: ReportPaths;
}

export async function runImpact(provider: BatfishProvider, request: ImpactRequest, deps: RunDeps): Promise<ImpactReport> {
  const paths = request.paths ?? new ReportPaths(deps.cwd, (text) => deps.onEvent({ type: 'warning', text }));
  const { outcomes, batfishVersions } = await fanOut(
    provider,
    { sources: request.sources, ...(request.network !== undefined ? { network: request.network } : {}), targetOf: oneServer(request.batfish), concurrency: request.concurrency },
    deps,
    async () => undefined,
    (site, batfish) => impactOfSite(batfish, site.source, site, request, deps, paths),
  );
  // Like the gate, impact never reports "no change" for a site nobody could analyse.
  const stopped = outcomes.find((o) => o.error instanceof BatfishUnreachableError)?.error;
  if (stopped) throw stopped;
  const sites = await Promise.all(
    outcomes.map(async ({ source, site, value, error }) => value ?? failedSite(source, site, error ?? new NetqError('not compared', ExitCode.internal), paths)),
  );
  const b = request.base;
  return buildImpactReport({
    netqVersion: NETQ_VERSION,
    batfishVersion: batfishVersions[0] ?? null,
    base: b.kind === 'dir' ? { kind: 'dir', value: b.dir } : b.kind === 'ref' ? { kind: 'ref', value: b.ref } : { kind: 'site', value: sourceName(b.source) },
    sites,
  });
}

function emptySite(site: string, dir: string, network: string | null, snapshot: string | null): SiteImpact {
  return { site, dir, network, snapshot, baseSnapshot: null, error: null, flows: [], routes: [], sessions: [], edges: [], ips: [], filters: [], failed: [], notes: [] };
}

async function failedSite(source: SnapshotSource, site: PreparedSnapshot | undefined, error: NetqError, paths: ReportPaths): Promise<SiteImpact> {
  const dir = site ? site.location.dir : source.kind === 'dir' ? source.dir : path.join(source.regionsDir, source.region, source.site);
  const shown = await paths.of(dir);
  return { ...emptySite(sourceName(source), shown, site?.network ?? null, site?.snapshot ?? null), error: { message: error.message, exitCode: error.exitCode } };
}

/** The base of one site, prepared (undefined: the base has no such site), and how to clean up after. */
async function baseOf(source: SnapshotSource, site: PreparedSnapshot, request: ImpactRequest, deps: RunDeps, name: string) {
  const b = request.base;
  if (b.kind === 'site') return { prepared: await prepareSnapshot(b.source, site.network, deps, 'reference'), dispose: async () => {} };
  return baseSnapshot(source, site, { base: b, sources: request.sources }, deps, name);
}

async function impactOfSite(
  batfish: BatfishConnection,
  source: SnapshotSource,
  site: PreparedSnapshot,
  request: ImpactRequest,
  deps: RunDeps,
  paths: ReportPaths,
): Promise<SiteImpact> {
  const name = sourceName(source);
  const dirFromCwd = await paths.of(site.location.dir);
  const b = request.base;
  // With --all and a regions folder as the base, a site the folder lacks is new, as at a git ref.
  const missingDir = b.kind === 'dir' && request.sources.length > 1 && source.kind === 'site' && !existsSync(path.join(path.resolve(deps.cwd, b.dir), source.region, source.site));
  const base = missingDir ? { prepared: undefined, dispose: async () => {} } : await baseOf(source, site, request, deps, name);
  try {
    if (!base.prepared) {
      // A merge request that adds a site is no error: the report says the site is new.
      return {
        ...emptySite(name, dirFromCwd, site.network, site.snapshot),
        newSite: true,
        notes: [`${name} is new: the base (${describeBase(b)}) has no such site, so there is nothing to compare it with (netq check shows what it holds)`],
      };
    }
    const reference = base.prepared;
    const run = await SiteRun.open(batfish, site, reference, request, deps);
    const answers: ImpactAnswers = {};
    const failed: SiteImpact['failed'] = [];
    try {
      // Which interfaces Batfish leaves out as management ones (said in the report, not a part).
      const interfaces = run
        .ask('interfaceProperties', { properties: 'VRF' }, { reference: null })
        .then((r) => r.answer, () => undefined);
      await Promise.all(
        IMPACT_PARTS.map(async (part) => {
          const question = IMPACT_QUESTIONS[part];
          try {
            const parameters = part === 'flows' ? await flowScope(run, request.reach, reference) : {};
            answers[part] = (await run.ask(question, parameters, { reference: reference.snapshot })).answer;
          } catch (error) {
            if (error instanceof BatfishUnreachableError) throw error;
            const e = toNetqError(error);
            failed.push({ part, question, message: e.message, exitCode: e.exitCode });
          }
        }),
      );
      answers.interfaces = await interfaces;
      // Where each changed filter is written, in the head and in the base.
      const nodes = answers.filters ? [...new Set(filterChanges(answers.filters).map((f) => f.node))].sort() : [];
      if (nodes.length) {
        const structures = (snapshot: string): Promise<TableAnswer | undefined> =>
          run
            .ask('definedStructures', { nodes: nodes.map(nodeSpecifier).join(',') }, { snapshot, reference: null })
            .then((r) => r.answer, () => undefined);
        [answers.defined, answers.baseDefined] = await Promise.all([structures(site.snapshot), structures(reference.snapshot)]);
      }
    } finally {
      await run.close();
    }
    failed.sort((a, b) => IMPACT_PARTS.indexOf(a.part) - IMPACT_PARTS.indexOf(b.part));
    const head = siteContext(name, dirFromCwd, site, true);
    // A base at a git ref is the same files earlier: its lines are shown on the head's paths.
    const baseDir = request.base.kind === 'ref' ? dirFromCwd : await paths.of(reference.location.dir);
    const baseContext = siteContext(name, baseDir, reference, false);
    return siteImpact({ site: name, dir: dirFromCwd, network: site.network, snapshot: site.snapshot, baseSnapshot: reference.snapshot }, answers, failed, head, baseContext);
  } finally {
    await base.dispose();
  }
}

/**
 * The flow scope with node names (`--dst-ips server2`) replaced by that node's addresses on the
 * base, so both sides are asked about the same flows (Batfish would resolve the name on the head).
 */
async function flowScope(run: SiteRun, reach: Record<string, unknown>, base: PreparedSnapshot): Promise<Record<string, unknown>> {
  if (!namedIpNodes(reach).length) return reach;
  const owners = (await run.ask('ipOwners', {}, { snapshot: base.snapshot, reference: null })).answer;
  const { parameters, unresolved } = resolveNamedIps(reach, owners);
  if (unresolved.length) {
    throw new InputError(`the flow scope names ${unresolved.join(', ')}, which has no active interface address on the base (${base.snapshot})`, {
      hint: 'give the addresses instead (--dst-ips 10.0.0.5), or a node the base has',
    });
  }
  return parameters;
}

/** A node name as a node specifier that names exactly it (`/^name$/`; names with odd characters quoted). */
function nodeSpecifier(node: string): string {
  return /^[A-Za-z0-9_.:-]+$/.test(node) ? node : `"${node.replace(/"/g, '')}"`;
}

function describeBase(base: ImpactBase): string {
  return base.kind === 'dir' ? `--base-dir ${base.dir}` : base.kind === 'ref' ? `git ref ${base.ref}` : `--reference ${sourceName(base.source)}`;
}
