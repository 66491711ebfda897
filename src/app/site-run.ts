import type { TableAnswer } from '../batfish/answer.js';
import type { BatfishVersion } from '../batfish/client.js';
import type { QuestionParameters } from '../batfish/question.js';
import { type PreparedQuestion } from '../batfish/question-flows.js';
import type { Clock } from '../clock.js';
import { BatfishAnswerError, BatfishError, BatfishUnreachableError, NetqError, toNetqError } from '../errors.js';
import { snapshotPattern } from '../sites/naming.js';
import type { SiteLocation } from '../sites/discovery.js';
import type { NetqEventListener } from './events.js';
import { ensureSnapshot, prepareSnapshot, type PreparedSnapshot } from './site-snapshots.js';
import { SiteForks, type Deactivation, type ForkSettings } from './site-forks.js';
import { SnapshotLeases } from './snapshot-leases.js';
import type { BatfishConnection, BatfishProvider, BatfishTarget } from './provider.js';

/** How many times a run uploads its snapshots again when other clients delete them under it. */
const MAX_RESTORES = 3;

/** Which snapshot to upload: a region/site, or any snapshot folder. */
import type { SnapshotSource } from '../sites/source.js';
export type { SnapshotSource } from '../sites/source.js';

/** One question to ask about a snapshot. */
export type { QuestionParameters, QuestionTemplate } from '../batfish/question.js';

export interface QuestionAsk {
  question: string;
  parameters: QuestionParameters;
}

/** How a site run treats the server's snapshots, and how long it may take. */
export interface SnapshotSettings {
  /** Batfish network; defaults to the region (or `netq` for a snapshot folder). */
  network?: string;
  /** Upload and parse again even if Batfish has this snapshot. */
  fresh: boolean;
  /** netq snapshots of a site to keep on the server (older ones are deleted). */
  keepSnapshots: number;
  /** Time budget for the upload, parse and answers of one site. */
  timeoutMs: number;
  /** How the run's forks are made and left (the single-failure checks). */
  forks?: ForkSettings;
}

/**
 * Which snapshot a question is about, when not the run's own: `snapshot` a fork of it (a name
 * `fork()` gave), `reference` the snapshot a differential answer compares with (null: none, even
 * when the run has a reference).
 */
export interface AskTarget {
  snapshot?: string;
  reference?: string | null;
}

/** Everything a site run needs besides the Batfish connection. */
export interface RunDeps {
  cwd: string;
  clock: Clock;
  /** Where snapshot zips are written before upload. */
  tmpDir: string;
  onEvent: NetqEventListener;
  /** netq's state folder: file hashes are cached there (without it every run reads every file). */
  stateDir?: string;
}

/** One answer about a site's snapshot, with where it came from. */
export interface QuestionResult {
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
  /** The parameters that were sent (undefined ones dropped). */
  parameters: QuestionParameters;
  answer: TableAnswer;
  /** Preflight warnings (empty files, ...), already reported as events. */
  warnings: string[];
  /** HTTP requests sent to Batfish so far in this run, retries included. */
  requestCount: number;
}

export { sourceName } from '../sites/source.js';

/**
 * A site's snapshot, ready on a Batfish server: any number of questions can be asked about it.
 * `SiteRun.open` makes sure Batfish has the snapshot (reused when unchanged, else zipped, uploaded
 * and parsed) before it returns.
 */
export class SiteRun {
  private constructor(
    private readonly batfish: BatfishConnection,
    readonly site: PreparedSnapshot,
    readonly reference: PreparedSnapshot | undefined,
    /** True when Batfish already had the snapshot and nothing was uploaded. */
    readonly reused: boolean,
    private readonly deadline: number,
    private readonly deps: RunDeps,
    /** --fresh: answers Batfish stored earlier are not reused. */
    private readonly fresh: boolean,
    /** Older snapshots of the site being deleted (after an upload). */
    private readonly pruning: Promise<void>,
    /** The leases this run holds on its snapshots (another run's --fresh and pruning leave them alone). */
    private readonly leases: SnapshotLeases,
    private readonly releaseLeases: () => Promise<void>,
    forkSettings: ForkSettings = {},
  ) {
    this.#forks = new SiteForks(batfish, site.network, site.snapshot, leases, deadline, deps.onEvent, forkSettings);
  }

  readonly #forks: SiteForks;

  /** The snapshots being uploaded again after another client deleted them (one restore for every ask). */
  #restoring: Promise<void> | undefined;
  /** How many times the snapshots were uploaded again. */
  #restores = 0;

  /** Uploads (or reuses) the site's snapshot, and the reference's for differential answers. */
  static async open(
    batfish: BatfishConnection,
    site: PreparedSnapshot,
    reference: PreparedSnapshot | undefined,
    settings: SnapshotSettings,
    deps: RunDeps,
    /** When the run's time is up (clock.now() ms); default: `settings.timeoutMs` from now. */
    deadline = deps.clock.now() + settings.timeoutMs,
    /** Questions the run will ask: uploaded while Batfish parses a snapshot this run uploads. */
    questions: PreparedQuestion[] = [],
  ): Promise<SiteRun> {
    // Leased before they are looked for: another run's --fresh or pruning leaves them alone.
    const leases = new SnapshotLeases(deps.stateDir, batfish.url);
    const releases = await Promise.all([site, ...(reference ? [reference] : [])].map((s) => leases.take(s.network, s.snapshot)));
    const release = async (): Promise<void> => void (await Promise.all(releases.map((r) => r())));
    let reused: boolean;
    try {
      if (reference) await ensureSnapshot(batfish, reference, settings.fresh, deadline, deps, leases);
      reused = await ensureSnapshot(batfish, site, settings.fresh, deadline, deps, leases, () =>
        batfish.session.sendQuestionsAhead(
          { network: site.network, snapshot: site.snapshot, ...(reference ? { referenceSnapshot: reference.snapshot } : {}) },
          questions,
          deadline,
        ),
      );
    } catch (error) {
      await release();
      throw error;
    }
    const inUse = [site.snapshot, ...(reference ? [reference.snapshot] : [])];
    // Only an upload adds a snapshot; when nothing was uploaded there is nothing new to prune. The
    // older snapshots are deleted while the questions are asked (close() waits for it).
    // A failure to tidy up is a warning: the answers are what the run is for.
    const pruning = reused
      ? Promise.resolve()
      : batfish.session
          .pruneSnapshots(site.network, snapshotPattern(site.location.site), settings.keepSnapshots, inUse, deadline, (s) => leases.heldByOthers(site.network, s))
          .then(
          () => undefined,
          (error: unknown) =>
            deps.onEvent({
              type: 'warning',
              text: `could not delete older snapshots of ${site.location.site} (${error instanceof Error ? error.message : String(error)}); the next upload tries again`,
            }),
        );
    return new SiteRun(batfish, site, reference, reused, deadline, deps, settings.fresh, pruning, leases, release, settings.forks);
  }

  /**
   * Waits for what the run does besides the questions (deleting older snapshots of the site), and
   * gives up the run's leases on its snapshots; never fails.
   */
  async close(): Promise<void> {
    try {
      await Promise.all([this.pruning, this.#forks.close()]);
    } finally {
      await this.releaseLeases();
    }
  }

  get network(): string {
    return this.site.network;
  }

  get snapshot(): string {
    return this.site.snapshot;
  }

  get batfishVersion(): BatfishVersion {
    return this.batfish.version;
  }

  /** Checks a question's parameters against the server's template; nothing is asked yet. */
  prepare(ask: QuestionAsk): Promise<PreparedQuestion> {
    return this.batfish.session.prepareQuestion(ask.question, ask.parameters, this.deadline);
  }

  /**
   * Asks one question about the snapshot. Another client may delete the snapshot while the
   * question is asked (a `--fresh` run of the same site, or one pruning older snapshots): then the
   * snapshot is uploaded again (once for all the run's questions) and the question asked again, at
   * most MAX_RESTORES times per run.
   */
  async ask(question: string | PreparedQuestion, parameters: QuestionParameters = {}, target: AskTarget = {}): Promise<QuestionResult> {
    const prepared = typeof question === 'string' ? await this.prepare({ question, parameters }) : question;
    const { network } = this.site;
    const snapshot = target.snapshot ?? this.site.snapshot;
    const reference = target.reference === undefined ? this.reference?.snapshot : (target.reference ?? undefined);
    const onFork = snapshot !== this.site.snapshot;
    let answer: TableAnswer;
    for (let forkRounds = 0; ; ) {
      const restores = this.#restores;
      try {
        answer = await this.batfish.session.ask({
          fresh: this.fresh,
          uploadedNow: onFork ? this.#forks.madeNow(snapshot) : !this.reused && restores === 0,
          network,
          snapshot,
          question: prepared,
          deadline: this.deadline,
          ...(reference ? { referenceSnapshot: reference } : {}),
        });
        break;
      } catch (error) {
        if (onFork && forkRounds < MAX_RESTORES && (await this.#lost(error, [snapshot]))) {
          // A fork another client deleted: made again (its name is its content), asked again.
          forkRounds++;
          await this.#forks.remake(snapshot);
          continue;
        }
        if (!(await this.#lost(error, [this.site.snapshot, ...(this.reference ? [this.reference.snapshot] : [])]))) throw error;
        await this.#restore(restores);
      }
    }
    this.deps.onEvent({ type: 'answer', network, snapshot, question: prepared.template.name, rows: answer.rows.length });
    return {
      location: this.site.location,
      network,
      snapshot,
      reused: this.reused,
      ...(reference ? { referenceSnapshot: reference } : {}),
      batfishVersion: this.batfish.version,
      batfishUrl: this.batfish.url,
      question: typeof question === 'string' ? question : prepared.template.name,
      parameters: prepared.parameters,
      answer,
      warnings: this.site.scan.warnings,
      requestCount: this.batfish.requestCount(),
    };
  }

  /**
   * The fork of the run's snapshot with this deactivated, made (or reused) and parsed: ask about
   * it with `{ snapshot: <the name> }`. Forks are made once per run and deleted when it closes.
   */
  fork(deactivation: Deactivation): Promise<string> {
    return this.#forks.fork(deactivation);
  }

  /** Whether an error came from one of these snapshots being gone (deleted by another client meanwhile). */
  async #lost(error: unknown, snapshots: string[]): Promise<boolean> {
    // Timeouts, an unreachable server, interrupts and bad input say nothing about the snapshot.
    if (!(error instanceof BatfishError) || error instanceof BatfishUnreachableError || error instanceof BatfishAnswerError) return false;
    const present = await Promise.all(snapshots.map((s) => this.batfish.session.hasSnapshot(this.site.network, s, this.deadline).catch(() => true)));
    return present.includes(false);
  }

  /** Uploads the snapshots again, once however many questions found them gone since restore number `seen`. */
  async #restore(seen: number): Promise<void> {
    if (this.#restores > seen) return;
    if (!this.#restoring) {
      if (this.#restores >= MAX_RESTORES) {
        throw new BatfishError(`snapshot ${this.site.snapshot} was deleted ${this.#restores + 1} times while netq asked its questions`, {
          hint: 'another client keeps deleting it (netq --fresh runs, or runs pruning with a low --keep-snapshots); run again when they are done',
        });
      }
      this.deps.onEvent({ type: 'warning', text: `snapshot ${this.site.snapshot} was deleted by another client while this run used it; uploading it again` });
      this.#restoring = (async () => {
        // Never `fresh` here: a snapshot another run is uploading now serves this one too.
        if (this.reference) await ensureSnapshot(this.batfish, this.reference, false, this.deadline, this.deps, this.leases);
        await ensureSnapshot(this.batfish, this.site, false, this.deadline, this.deps, this.leases);
      })().finally(() => {
        this.#restores++;
        this.#restoring = undefined;
      });
    }
    await this.#restoring;
  }

  /**
   * Asks several questions at once (Batfish queues them and works through them one by one, so its
   * queue never waits for netq). Each outcome is its answer or the error that stopped it.
   */
  askEach(questions: Array<PreparedQuestion | QuestionAsk>): Promise<Array<QuestionResult | NetqError>> {
    return Promise.all(
      questions.map((q) => ('template' in q ? this.ask(q) : this.ask(q.question, q.parameters)).catch((error: unknown) => toNetqError(error))),
    );
  }

  /** Asks several questions at once; the first failure (in question order) is thrown. */
  async askAll(questions: Array<PreparedQuestion | QuestionAsk>): Promise<QuestionResult[]> {
    const outcomes = await this.askEach(questions);
    const failure = outcomes.find((o): o is NetqError => o instanceof NetqError);
    if (failure) throw failure;
    return outcomes.filter((o): o is QuestionResult => !(o instanceof NetqError));
  }
}

/** The whole flow of a site command, short of printing. */
export interface SiteQuestionsRequest extends SnapshotSettings {
  source: SnapshotSource;
  /** A second snapshot to compare against: answers become differential. */
  reference?: SnapshotSource;
  batfish: BatfishTarget;
  questions: QuestionAsk[];
}

/**
 * Asks questions about one site: checks the site, connects to Batfish, checks every question's
 * parameters, then uploads (or reuses) the snapshot and asks them all at once. The site is checked
 * before anything else, so a typo costs nothing and starts nothing; parameters are checked before
 * the upload, so a wrong one leaves nothing on the server.
 */
export async function askSite(provider: BatfishProvider, request: SiteQuestionsRequest, deps: RunDeps): Promise<QuestionResult[]> {
  const site = await prepareSnapshot(request.source, request.network, deps);
  const reference = request.reference ? await prepareSnapshot(request.reference, site.network, deps, 'reference') : undefined;
  const batfish = await provider.connect(request.batfish, deps.onEvent, request.fresh ? {} : { snapshot: site });
  try {
    // --timeout bounds the run from here: the templates, the upload, the parse and the answers.
    const deadline = deps.clock.now() + request.timeoutMs;
    const questions = await Promise.all(request.questions.map((q) => batfish.session.prepareQuestion(q.question, q.parameters, deadline)));
    const run = await SiteRun.open(batfish, site, reference, request, deps, deadline, questions);
    try {
      return await run.askAll(questions);
    } finally {
      await run.close();
    }
  } finally {
    await batfish.release();
  }
}
