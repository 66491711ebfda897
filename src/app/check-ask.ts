/**
 * Asking one site's check questions: the first round all at once (each question once, those
 * about the change asked against the base), then the follow-ups the answers call for (the forks
 * of a single-failure check: every fork made and parsed together, each asked against the
 * snapshot), or, for `--plan`, only what those follow-ups would cost.
 */
import type { TableAnswer } from '../batfish/answer.js';
import { askKey, planFollowUps, planQuestions } from '../check/engine.js';
import type { CheckSpec, QuestionAsk } from '../check/model.js';
import { ExitCode, InputError, NetqError, toNetqError } from '../errors.js';
import { namedIpNodes, resolveNamedIps } from '../check/impact/names.js';
import type { BatfishConnection } from './provider.js';
import { describeDeactivation, forkName } from './site-forks.js';
import { SiteRun, type RunDeps, type SnapshotSettings } from './site-run.js';
import type { PreparedSnapshot } from './site-snapshots.js';

/** What a site's checks cost on Batfish: the questions of the first round, and each fork with its questions. */
export interface SitePlan {
  site: string;
  /** The head (the default), or the base the same checks also run on to tell new findings from existing ones. */
  role?: 'base';
  snapshot: string;
  /** `question {parameters}` of each first-round question (against the base when marked). */
  questions: string[];
  forks: Array<{ snapshot: string; deactivates: string; questions: string[] }>;
}

export interface AskedChecks {
  answerOf: (ask: QuestionAsk) => TableAnswer | NetqError;
  /** Every question asked, both rounds. */
  asks: QuestionAsk[];
  durations: Map<string, number>;
  /** With `planOnly`: the plan, and no follow-up was asked. */
  plan?: SitePlan;
}

const describe = (ask: QuestionAsk): string =>
  `${ask.question} ${JSON.stringify(ask.parameters)}${ask.against ? ` against the ${ask.against}` : ''}`;

/**
 * Uploads (or reuses) the snapshot, and the base's when a question compares with it; asks the
 * first round at once; then the follow-ups (or, with `planOnly`, returns what they would be).
 */
export async function askChecks(
  batfish: BatfishConnection,
  site: PreparedSnapshot,
  base: PreparedSnapshot | undefined,
  checks: CheckSpec[],
  settings: SnapshotSettings & { planOnly?: boolean },
  deps: RunDeps,
): Promise<AskedChecks> {
  const first = planQuestions(checks);
  const reference = first.some((a) => a.against === 'base') ? base : undefined;
  // Prepared now so they can go up while a new snapshot parses; one that fails here fails again,
  // with its error, when it is asked below.
  const deadline = deps.clock.now() + settings.timeoutMs;
  const ahead = await Promise.all(first.map((ask) => batfish.session.prepareQuestion(ask.question, ask.parameters, deadline).catch(() => undefined)));
  const run = await SiteRun.open(batfish, site, reference, settings, deps, deadline, ahead.filter((q) => q !== undefined));
  const durations = new Map<string, number>();
  const answers = new Map<string, TableAnswer | NetqError>();
  // Node names in a flow scope, resolved once per side compared with (see check/impact/names.ts).
  const owners = new Map<string, Promise<TableAnswer>>();
  const scoped = async (ask: QuestionAsk): Promise<Record<string, unknown>> => {
    const names = ask.question === 'differentialReachability' ? namedIpNodes(ask.parameters) : [];
    if (!names.length) return ask.parameters;
    const on = ask.fork || !reference ? site : reference;
    if (!owners.has(on.snapshot)) owners.set(on.snapshot, run.ask('ipOwners', {}, { snapshot: on.snapshot, reference: null }).then((r) => r.answer));
    const { parameters, unresolved } = resolveNamedIps(ask.parameters, await owners.get(on.snapshot)!);
    if (unresolved.length) {
      throw new InputError(`the flow scope names ${unresolved.join(', ')}, which has no active interface address on ${on === site ? 'the snapshot' : 'the base'} (${on.snapshot})`, {
        hint: 'name the addresses instead (e.g. dstIps: 10.0.0.5), or a node that has them; netq resolves node names on the side the change is compared with and sends the addresses to both',
      });
    }
    return parameters;
  };
  const askOne = async (ask: QuestionAsk): Promise<void> => {
    const started = deps.clock.now();
    try {
      const target = ask.fork
        ? { snapshot: await run.fork(ask.fork), reference: site.snapshot }
        : { reference: ask.against === 'base' && reference ? reference.snapshot : null };
      answers.set(askKey(ask), (await run.ask(ask.question, await scoped(ask), target)).answer);
    } catch (error) {
      answers.set(askKey(ask), toNetqError(error));
    }
    durations.set(askKey(ask), deps.clock.now() - started);
  };
  const answerOf = (ask: QuestionAsk): TableAnswer | NetqError =>
    answers.get(askKey(ask)) ?? new NetqError(`netq did not ask ${ask.question}`, ExitCode.internal);
  try {
    await Promise.all(first.map(askOne));
    const more = planFollowUps(checks, (ask) => answers.get(askKey(ask)));
    if (settings.planOnly) {
      return { answerOf, asks: first, durations, plan: planOf(site, first, more) };
    }
    // Every fork is made at once, so Batfish parses them back to back and answers them together.
    await Promise.all(more.map(askOne));
    return { answerOf, asks: [...first, ...more], durations };
  } finally {
    await run.close();
  }
}

function planOf(site: PreparedSnapshot, first: QuestionAsk[], more: QuestionAsk[]): SitePlan {
  const forks = new Map<string, SitePlan['forks'][number]>();
  const questions = first.map(describe);
  for (const ask of more) {
    if (!ask.fork) {
      questions.push(describe(ask));
      continue;
    }
    const snapshot = forkName(site.snapshot, ask.fork);
    const fork = forks.get(snapshot) ?? { snapshot, deactivates: describeDeactivation(ask.fork), questions: [] };
    fork.questions.push(describe(ask));
    forks.set(snapshot, fork);
  }
  return { site: site.location.site, snapshot: site.snapshot, questions, forks: [...forks.values()] };
}
