import { readFileSync } from 'node:fs';
import path from 'node:path';
import { askChecks, type SitePlan } from './check-ask.js';
import { applyWaivers, buildReport, checksForSite, compareWithBase, evaluateSite, skippedForSite, type CheckFilter } from '../check/engine.js';
import { kindByName, sessionGraph, siteFile, type SiteContext } from '../check/kinds/index.js';
import type { CheckReport, CheckResult, ChecksFile, FailOn, Finding, QuestionAsk, RunError, SiteReport, Waiver } from '../check/model.js';
import type { TableAnswer } from '../batfish/answer.js';
import { ChecksFileError } from '../check/checks-file.js';
import { BatfishUnreachableError, ExitCode, NetqError } from '../errors.js';
import { filesAtRef, repositoryPath } from '../sites/git.js';
import type { SnapshotScan } from '../sites/sites.js';
import { NETQ_VERSION } from '../version.js';
import type { BatfishConnection, BatfishProvider, BatfishTarget } from './provider.js';
import { fanOut } from './fan-out.js';
import { oneServer } from './targets.js';
import { sourceName, type RunDeps, type SnapshotSettings, type SnapshotSource } from './site-run.js';
import { prepareSnapshot, type PreparedSnapshot } from './site-snapshots.js';

/** What the change is compared with: another copy of the snapshot(s), or the files at a git ref. */
export type CheckBase = { kind: 'dir'; dir: string } | { kind: 'ref'; ref: string };

export interface CheckRunRequest extends SnapshotSettings {
  /** The sites (or snapshot folder) to check. */
  sources: SnapshotSource[];
  /** With several sites, `base.dir` is a regions folder of the same layout; with one, its snapshot folder. */
  base?: CheckBase;
  batfish: BatfishTarget;
  checks: ChecksFile;
  filter: CheckFilter;
  failOn: FailOn;
  failOnExisting: boolean;
  concurrency: number;
  /** YYYY-MM-DD, for waiver expiry. */
  today: string;
  /** The checks file (absolute, or relative to the current folder); undefined for the built-in checks. */
  checksFilePath?: string;
  /** How report paths are made; one per run, so git is asked once per folder. */
  paths?: ReportPaths;
  /** Replace secrets quoted from configs (passwords, keys, communities) in findings; default true. */
  redact?: boolean;
  /** `--plan`: ask only the first round, and report the forks and questions the run would cost. */
  planOnly?: boolean;
}

interface SiteChecked {
  report: SiteReport;
  results: CheckResult[];
  findings: Finding[];
  fixed: Finding[];
  expired: Waiver[];
  /** With `planOnly`: what the site's checks would cost, on the head and (with a base) on the base. */
  plans?: SitePlan[];
}

/**
 * `netq check`: for each site, one upload (reused when unchanged), every question the selected
 * checks need queued on Batfish at once (a question shared by several checks is asked once), the
 * checks evaluated on the answers, the same done on the base when one is given (findings marked
 * new or existing), waivers applied, and one report. A site or check that fails does not stop the
 * others; Batfish becoming unreachable, or an interrupt, does.
 */
export async function runChecks(provider: BatfishProvider, request: CheckRunRequest, deps: RunDeps): Promise<CheckReport> {
  const paths = request.paths ?? new ReportPaths(deps.cwd, (text) => deps.onEvent({ type: 'warning', text }));
  const checksFile = request.checksFilePath === undefined ? null : await paths.of(request.checksFilePath);
  const { checked, batfishVersions } = await checkEverySite(provider, request, deps, paths);
  return buildReport({
    netqVersion: NETQ_VERSION,
    batfishVersion: batfishVersions[0] ?? null,
    failOn: request.failOn,
    failOnExisting: request.failOnExisting,
    baseline: request.base ? { kind: request.base.kind, value: request.base.kind === 'dir' ? request.base.dir : request.base.ref } : null,
    sites: checked.map((c) => c.report),
    checks: checked.flatMap((c) => c.results),
    findings: checked.flatMap((c) => c.findings),
    fixed: checked.flatMap((c) => c.fixed),
    expiredWaivers: checked.flatMap((c) => c.expired),
    checksFile,
  });
}

/**
 * `netq check --plan`: what a run would cost, site by site: the first round of questions is asked
 * (the snapshot uploaded or reused; a single-failure check needs the answers to know its scope),
 * no fork is made. A site that fails says why in its plan.
 */
export async function planChecks(provider: BatfishProvider, request: CheckRunRequest, deps: RunDeps): Promise<Array<SitePlan | { site: string; error: string }>> {
  const paths = request.paths ?? new ReportPaths(deps.cwd, (text) => deps.onEvent({ type: 'warning', text }));
  const { checked } = await checkEverySite(provider, { ...request, planOnly: true }, deps, paths);
  return checked.flatMap((c): Array<SitePlan | { site: string; error: string }> => c.plans ?? [{ site: c.report.site, error: c.report.error?.message ?? 'no check applies to this site' }]);
}

async function checkEverySite(
  provider: BatfishProvider,
  request: CheckRunRequest,
  deps: RunDeps,
  paths: ReportPaths,
): Promise<{ checked: SiteChecked[]; batfishVersions: Array<NonNullable<CheckReport['batfishVersion']>> }> {
  const { outcomes, batfishVersions } = await fanOut(
    provider,
    { sources: request.sources, ...(request.network !== undefined ? { network: request.network } : {}), targetOf: oneServer(request.batfish), concurrency: request.concurrency },
    deps,
    async () => undefined,
    (site, batfish) => checkSite(batfish, site.source, site, request, deps, paths),
  );
  // A gate never passes with sites left unanalysed: a Batfish that could not be reached, or did
  // not answer in time, fails the whole run (exit 3), and the report holds that error.
  const stopped = outcomes.find((o) => o.error instanceof BatfishUnreachableError)?.error;
  if (stopped) throw stopped;
  const checked = await Promise.all(
    outcomes.map(({ source, site, value, error }) => value ?? failedSite(source, error ?? new NetqError('not checked', ExitCode.internal), deps.cwd, paths, site)),
  );
  return { checked, batfishVersions };
}

/** Runs the checks that apply to one site, and on its base when there is one. */
async function checkSite(
  batfish: BatfishConnection,
  source: SnapshotSource,
  site: PreparedSnapshot,
  request: CheckRunRequest,
  deps: RunDeps,
  paths: ReportPaths,
): Promise<SiteChecked> {
  const name = sourceName(source);
  const checks = checksForSite(request.checks, name, request.filter);
  const dirFromCwd = await paths.of(site.location.dir);
  const base = request.base && checks.length ? await baseSnapshot(source, site, request, deps, name) : undefined;
  try {
    const context = siteContext(name, dirFromCwd, site, base?.prepared !== undefined);
    const first = firstConfigOf(site.scan);
    // A site the base does not have is new: checks of what the change does have nothing to compare
    // it with, and are skipped (saying so) rather than failing the gate.
    const isNew = base !== undefined && base.prepared === undefined;
    const compared = isNew ? checks.filter((c) => kindByName(c.check)?.needsBase) : [];
    const head = await evaluate(batfish, site, base?.prepared, isNew ? checks.filter((c) => !compared.includes(c)) : checks, context, request, deps);
    for (const c of compared) {
      head.results.push({
        name: c.name,
        kind: c.check,
        site: name,
        status: 'skipped',
        severity: c.severity,
        findings: 0,
        durationMs: 0,
        error: { message: `${name} is new: the base (${describeBase(request.base!)}) has no such site, so there is nothing to compare it with`, exitCode: 0 },
        questions: [],
      });
    }
    let findings = head.findings;
    let fixed: Finding[] = [];
    let basePlan: SitePlan | undefined;
    if (base?.prepared && request.planOnly) {
      // The checks that run on the base make their own forks of it: the plan counts them too.
      const onBase = checks.filter((c) => !kindByName(c.check)?.needsBase);
      basePlan = (await evaluate(batfish, base.prepared, undefined, onBase, siteContext(name, dirFromCwd, base.prepared, false), request, deps)).plan;
    } else if (base?.prepared) {
      // Checks of what the change does have nothing to compare on the base: all they find is new.
      const onBase = checks.filter((c) => !kindByName(c.check)?.needsBase);
      const baseContext = siteContext(name, dirFromCwd, base.prepared, false);
      const baseFindings = (await evaluate(batfish, base.prepared, undefined, onBase, baseContext, request, deps)).findings;
      ({ findings, fixed } = compareWithBase(findings, baseFindings));
    } else if (base) {
      // A site the base does not have: everything it finds is new.
      ({ findings, fixed } = compareWithBase(findings, []));
    }
    const waived = applyWaivers(findings, request.checks.waivers, request.today);
    return {
      report: {
        site: name,
        region: site.location.region ?? null,
        dir: context.dirFromCwd,
        firstConfig: first === undefined ? null : siteFile(context, first),
        network: site.network,
        snapshot: site.snapshot,
        error: null,
        sessions: head.sessions,
      },
      results: [...head.results, ...skippedForSite(request.checks, name, request.filter)],
      findings: waived.findings,
      fixed,
      expired: waived.expired,
      ...(head.plan ? { plans: [head.plan, ...(basePlan ? [{ ...basePlan, role: 'base' as const }] : [])] } : {}),
    };
  } finally {
    await base?.dispose();
  }
}

function describeBase(base: CheckBase): string {
  return base.kind === 'ref' ? base.ref : base.dir;
}

/** What the kinds know of a site: where its files are, their lines (read when a kind asks), whether it has a base. */
export function siteContext(name: string, dirFromCwd: string, snapshot: PreparedSnapshot, hasBase: boolean): SiteContext {
  const byName = new Map(snapshot.scan.deviceFiles.map((f) => [f.relPath, f.absPath]));
  const read = new Map<string, string[] | undefined>();
  return {
    site: name,
    dirFromCwd,
    files: [...byName.keys()],
    hasBase,
    lines: (file) => {
      if (!read.has(file)) {
        const abs = byName.get(file);
        let lines: string[] | undefined;
        try {
          lines = abs === undefined ? undefined : readFileSync(abs, 'utf8').split(/\r?\n/);
        } catch {
          lines = undefined;
        }
        read.set(file, lines);
      }
      return read.get(file);
    },
  };
}

/** Asks every question the checks need (both rounds) and evaluates them. */
async function evaluate(
  batfish: BatfishConnection,
  site: PreparedSnapshot,
  base: PreparedSnapshot | undefined,
  checks: ReturnType<typeof checksForSite>,
  context: SiteContext,
  settings: SnapshotSettings & { redact?: boolean; planOnly?: boolean },
  deps: RunDeps,
): Promise<{ results: CheckResult[]; findings: Finding[]; sessions: SiteReport['sessions']; plan?: SitePlan }> {
  if (checks.length === 0) return { results: [], findings: [], sessions: null };
  const asked = await askChecks(batfish, site, base, checks, settings, deps);
  if (asked.plan) return { results: [], findings: [], sessions: null, plan: asked.plan };
  const { results, findings } = evaluateSite(checks, asked.answerOf, context, asked.durations, { redact: settings.redact ?? true });
  const answerIfAny = (ask: QuestionAsk): TableAnswer | undefined => {
    const outcome = asked.answerOf(ask);
    return outcome instanceof NetqError ? undefined : outcome;
  };
  return { results, findings, sessions: sessionGraph(asked.asks, answerIfAny, findings) };
}

/** The site's base, ready to upload: a copy of the snapshot, or the site's files at a git ref (undefined: the base has no such site). */
export async function baseSnapshot(
  source: SnapshotSource,
  site: PreparedSnapshot,
  request: { base?: CheckBase; sources: readonly SnapshotSource[] },
  deps: RunDeps,
  name: string,
): Promise<{ prepared: PreparedSnapshot | undefined; dispose: () => Promise<void> }> {
  const base = request.base!;
  let dir: string | undefined;
  let dispose = async (): Promise<void> => {};
  if (base.kind === 'ref') {
    deps.onEvent({ type: 'phase', text: `reading ${name} at ${base.ref} with git` });
    const checkout = await filesAtRef(site.location.dir, base.ref, deps.tmpDir);
    ({ dir, dispose } = checkout);
  } else {
    dir = request.sources.length > 1 && source.kind === 'site' ? path.join(path.resolve(deps.cwd, base.dir), source.region, source.site) : path.resolve(deps.cwd, base.dir);
  }
  try {
    const prepared = dir ? await prepareSnapshot({ kind: 'dir', dir, name: site.location.site }, site.network, deps, 'base') : undefined;
    return { prepared, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

async function failedSite(source: SnapshotSource, error: NetqError, cwd: string, paths: ReportPaths, site?: PreparedSnapshot): Promise<SiteChecked> {
  const name = sourceName(source);
  const dir = site ? site.location.dir : path.resolve(cwd, source.kind === 'dir' ? source.dir : path.join(source.regionsDir, source.region, source.site));
  const shown = await paths.of(dir);
  const first = site ? firstConfigOf(site.scan) : undefined;
  return {
    report: {
      site: name,
      region: source.kind === 'site' ? source.region : null,
      dir: shown,
      firstConfig: first === undefined ? null : siteFile({ site: name, dirFromCwd: shown }, first),
      network: site?.network ?? null,
      snapshot: site?.snapshot ?? null,
      error: { message: error.message, exitCode: error.exitCode },
      sessions: null,
    },
    results: [],
    findings: [],
    fixed: [],
    expired: [],
  };
}

/**
 * The site's first config file (snapshot-relative): a non-empty one under `configs/` first,
 * else any non-empty device file, else any device file. Readers that need a file and a line for
 * every result (SARIF, Code Quality) put the findings that name no file there, on line 1: it is
 * in the site's folder (so path filters and code owners of the site see it), and it exists
 * whatever the checks file is (the built-in checks have no file at all).
 */
export function firstConfigOf(scan: Pick<SnapshotScan, 'deviceFiles' | 'emptyFiles'>): string | undefined {
  const empty = new Set(scan.emptyFiles);
  const usable = scan.deviceFiles.filter((f) => !empty.has(f.relPath));
  return (usable.find((f) => f.relPath.startsWith('configs/')) ?? usable[0] ?? scan.deviceFiles[0])?.relPath;
}

/**
 * How report paths are made (SARIF URIs, annotations, Code Quality paths, the JSON report):
 * relative to the root of the git repository that holds the folder, whatever the current folder
 * is, so a run from a subfolder (`cd network && netq check ...`) names the files GitHub and GitLab
 * know. Without git, or for a folder outside any repository: relative to the current folder,
 * and absolute when that would need `..` (a reader cannot resolve `../../x` against the
 * repository). git is asked once per folder; when it refuses, one warning says so.
 */
export class ReportPaths {
  private readonly known = new Map<string, Promise<string>>();
  private warned = false;

  constructor(
    private readonly cwd: string,
    private readonly onWarning?: (text: string) => void,
  ) {}

  /** A folder or file as report paths give it: `/`-separated, `.` for the base itself. */
  of(target: string): Promise<string> {
    const absolute = path.resolve(this.cwd, target);
    let shown = this.known.get(absolute);
    if (!shown) {
      shown = this.compute(absolute);
      this.known.set(absolute, shown);
    }
    return shown;
  }

  private async compute(absolute: string): Promise<string> {
    const inRepository = await repositoryPath(absolute, (why) => {
      if (this.warned || !this.onWarning) return;
      this.warned = true;
      this.onWarning(`report paths are relative to the current folder: git could not read the repository of ${absolute} (${why})`);
    });
    if (inRepository) return inRepository.path || '.';
    const relative = path.relative(this.cwd, absolute);
    if (relative === '') return '.';
    if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return toSlashes(absolute);
    return toSlashes(relative);
  }
}

function toSlashes(file: string): string {
  return file.split(path.sep).join('/');
}

/**
 * The report of a gate that could not run (exit 2, 3 or 4): no sites, checks or findings, the
 * error instead, so every `--report` file is still written and says what went wrong. A checks
 * file's mistakes are kept one by one, at their place, so SARIF, Code Quality and the GitHub
 * annotations can point at each.
 */
export function failedRunReport(
  error: NetqError,
  settings: { failOn: FailOn; failOnExisting: boolean; baseline: CheckReport['baseline']; checksFile: string | null },
): CheckReport {
  const runError: RunError = {
    message: error.message,
    exitCode: error.exitCode,
    hint: error.hint ?? null,
    problems:
      error instanceof ChecksFileError
        ? error.problems.map((p) => ({ file: settings.checksFile ?? error.file, line: p.line, column: p.column, message: p.message }))
        : [],
  };
  return {
    ...buildReport({
      netqVersion: NETQ_VERSION,
      batfishVersion: null,
      failOn: settings.failOn,
      failOnExisting: settings.failOnExisting,
      baseline: settings.baseline,
      sites: [],
      checks: [],
      findings: [],
      checksFile: settings.checksFile,
    }),
    error: runError,
    exitCode: error.exitCode,
  };
}
