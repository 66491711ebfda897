import path from 'node:path';
import pLimit from 'p-limit';
import { askKey, applyWaivers, buildReport, checksForSite, compareWithBase, evaluateSite, planQuestions, skippedForSite, type CheckFilter } from '../check/engine.js';
import { bgpSessionEdges, failingSessionKeys, type SiteContext } from '../check/kinds.js';
import type { CheckReport, CheckResult, ChecksFile, FailOn, Finding, SiteReport, Waiver } from '../check/model.js';
import type { TableAnswer } from '../batfish/answer.js';
import { BatfishUnreachableError, ExitCode, InterruptedError, NetqError, toNetqError } from '../errors.js';
import { filesAtRef } from '../sites/git.js';
import { NETQ_VERSION } from '../version.js';
import type { BatfishConnection, BatfishProvider, BatfishTarget } from './provider.js';
import { SiteRun, prepareSnapshot, sourceName, type PreparedSnapshot, type RunDeps, type SnapshotSettings, type SnapshotSource } from './site-run.js';

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
}

interface SiteChecked {
  report: SiteReport;
  results: CheckResult[];
  findings: Finding[];
  fixed: Finding[];
  expired: Waiver[];
}

/**
 * `netq check`: for each site, one upload (reused when unchanged), every question the selected
 * checks need queued on Batfish at once (a question shared by several checks is asked once), the
 * checks evaluated on the answers, the same done on the base when one is given (findings marked
 * new or existing), waivers applied, and one report. A site or check that fails does not stop the
 * others; Batfish becoming unreachable, or an interrupt, does.
 */
export async function runChecks(provider: BatfishProvider, request: CheckRunRequest, deps: RunDeps): Promise<CheckReport> {
  const prepared = await Promise.all(
    request.sources.map(async (source) => {
      try {
        return { source, site: await prepareSnapshot(source, request.network, deps) };
      } catch (error) {
        if (!(error instanceof NetqError) || error.exitCode !== ExitCode.usage) throw error;
        return { source, error };
      }
    }),
  );
  let batfish: BatfishConnection | undefined;
  try {
    if (prepared.some((p) => p.site)) batfish = await provider.connect(request.batfish, deps.onEvent);
    const limit = pLimit(Math.max(1, request.concurrency));
    const checked = await Promise.all(
      prepared.map(({ source, site, error }) =>
        limit(async (): Promise<SiteChecked> => {
          if (!site || !batfish) return failedSite(source, request, error ?? new NetqError('not checked', ExitCode.internal), deps.cwd);
          try {
            return await checkSite(batfish, source, site, request, deps);
          } catch (failure) {
            const netqError = toNetqError(failure);
            if (netqError instanceof BatfishUnreachableError || netqError instanceof InterruptedError || netqError.exitCode === ExitCode.internal) throw failure;
            return failedSite(source, request, netqError, deps.cwd, site);
          }
        }),
      ),
    );
    return buildReport({
      netqVersion: NETQ_VERSION,
      batfishVersion: batfish?.version.batfish ?? null,
      failOn: request.failOn,
      failOnExisting: request.failOnExisting,
      baseline: request.base ? { kind: request.base.kind, value: request.base.kind === 'dir' ? request.base.dir : request.base.ref } : null,
      sites: checked.map((c) => c.report),
      checks: checked.flatMap((c) => c.results),
      findings: checked.flatMap((c) => c.findings),
      fixed: checked.flatMap((c) => c.fixed),
      expiredWaivers: checked.flatMap((c) => c.expired),
    });
  } finally {
    await batfish?.release();
  }
}

/** Runs the checks that apply to one site, and on its base when there is one. */
async function checkSite(batfish: BatfishConnection, source: SnapshotSource, site: PreparedSnapshot, request: CheckRunRequest, deps: RunDeps): Promise<SiteChecked> {
  const name = sourceName(source);
  const checks = checksForSite(request.checks, name, request.filter);
  const context: SiteContext = { site: name, dirFromCwd: relativeDir(deps.cwd, site.location.dir) };
  const head = await evaluate(batfish, site, checks, context, request, deps);
  let findings = head.findings;
  let fixed: Finding[] = [];
  if (request.base && checks.length) {
    const base = await baseFindings(batfish, source, site, checks, context, request, deps);
    ({ findings, fixed } = compareWithBase(findings, base));
  }
  const waived = applyWaivers(findings, request.checks.waivers, request.today);
  return {
    report: {
      site: name,
      region: site.location.region ?? null,
      dir: context.dirFromCwd,
      network: site.network,
      snapshot: site.snapshot,
      error: null,
      sessions: head.sessions,
    },
    results: [...head.results, ...skippedForSite(request.checks, name, request.filter)],
    findings: waived.findings,
    fixed,
    expired: waived.expired,
  };
}

/** Uploads (or reuses) a snapshot, asks every question the checks need at once, and evaluates them. */
async function evaluate(
  batfish: BatfishConnection,
  site: PreparedSnapshot,
  checks: ReturnType<typeof checksForSite>,
  context: SiteContext,
  settings: SnapshotSettings,
  deps: RunDeps,
): Promise<{ results: CheckResult[]; findings: Finding[]; sessions: SiteReport['sessions'] }> {
  if (checks.length === 0) return { results: [], findings: [], sessions: null };
  const asks = planQuestions(checks);
  // Prepared now so they can go up while a new snapshot parses; one that fails here fails again,
  // with its error, when it is asked below.
  const deadline = deps.clock.now() + settings.timeoutMs;
  const ahead = await Promise.all(asks.map((ask) => batfish.session.prepareQuestion(ask.question, ask.parameters, deadline).catch(() => undefined)));
  const run = await SiteRun.open(batfish, site, undefined, settings, deps, deadline, ahead.filter((q) => q !== undefined));
  const durations = new Map<string, number>();
  const asked = Promise.all(
    asks.map(async (ask) => {
      const started = deps.clock.now();
      const [outcome] = await run.askEach([ask]);
      durations.set(askKey(ask), deps.clock.now() - started);
      return [askKey(ask), outcome instanceof NetqError ? outcome : outcome!.answer] as const;
    }),
  );
  let outcomes: Awaited<typeof asked>;
  try {
    outcomes = await asked;
  } finally {
    await run.close();
  }
  const answers = new Map<string, TableAnswer | NetqError>(outcomes);
  const answerOf = (ask: { question: string; parameters: Record<string, unknown> }): TableAnswer | NetqError =>
    answers.get(askKey(ask)) ?? new NetqError(`netq did not ask ${ask.question}`, ExitCode.internal);
  const { results, findings } = evaluateSite(checks, answerOf, context, durations);
  return { results, findings, sessions: sessionsOf(answers, asks, findings) };
}

/** The BGP sessions of the site for the report's picture, when a BGP check asked for them. */
function sessionsOf(answers: Map<string, TableAnswer | NetqError>, asks: Array<{ question: string; parameters: Record<string, unknown> }>, findings: Finding[]): SiteReport['sessions'] {
  for (const question of ['bgpSessionCompatibility', 'bgpSessionStatus']) {
    const ask = asks.find((a) => a.question === question && Object.keys(a.parameters).length === 0) ?? asks.find((a) => a.question === question);
    const answer = ask ? answers.get(askKey(ask)) : undefined;
    if (answer && !(answer instanceof NetqError)) return bgpSessionEdges(answer, failingSessionKeys(findings));
  }
  return null;
}

/** The findings of the same checks on the base: a copy of the snapshot, or the site's files at a git ref. */
async function baseFindings(
  batfish: BatfishConnection,
  source: SnapshotSource,
  site: PreparedSnapshot,
  checks: ReturnType<typeof checksForSite>,
  context: SiteContext,
  request: CheckRunRequest,
  deps: RunDeps,
): Promise<Finding[]> {
  const base = request.base!;
  let dir: string | undefined;
  let dispose = async (): Promise<void> => {};
  if (base.kind === 'ref') {
    deps.onEvent({ type: 'phase', text: `reading ${context.site} at ${base.ref} with git` });
    const checkout = await filesAtRef(site.location.dir, base.ref, deps.tmpDir);
    ({ dir, dispose } = checkout);
  } else {
    dir = request.sources.length > 1 && source.kind === 'site' ? path.join(path.resolve(deps.cwd, base.dir), source.region, source.site) : path.resolve(deps.cwd, base.dir);
  }
  try {
    // A site that did not exist in the base has no base findings: everything it finds is new.
    if (!dir) return [];
    const prepared = await prepareSnapshot({ kind: 'dir', dir, name: site.location.site }, site.network, deps, 'base');
    return (await evaluate(batfish, prepared, checks, context, request, deps)).findings;
  } finally {
    await dispose();
  }
}

function failedSite(source: SnapshotSource, request: CheckRunRequest, error: NetqError, cwd: string, site?: PreparedSnapshot): SiteChecked {
  const name = sourceName(source);
  const dir = site ? relativeDir(cwd, site.location.dir) : source.kind === 'dir' ? source.dir : path.join(source.regionsDir, source.region, source.site);
  return {
    report: {
      site: name,
      region: source.kind === 'site' ? source.region : null,
      dir: relativeDir(cwd, path.resolve(cwd, dir)),
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

/** A folder relative to the current folder, `/`-separated (as SARIF and Code Quality want paths). */
function relativeDir(cwd: string, dir: string): string {
  return path.relative(cwd, dir).split(path.sep).join('/') || '.';
}
