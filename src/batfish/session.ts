import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { timerMs, type Clock } from '../clock.js';
import { BatfishAnswerError, BatfishError, BatfishHttpError, BatfishTimeoutError, BatfishUnreachableError, BatfishWorkError, InputError } from '../errors.js';
import { isObject, parseTableAnswer, type TableAnswer } from './answer.js';
import { type BatfishClient, type BatfishVersion, type SnapshotMetadata, type WorkItem, type WorkStatus } from './client.js';
import { isTlsErrorCode, plainHttpWarning } from './http.js';
import { definedParameters, instantiateQuestion, parseTemplate, serializeQuestion, type QuestionParameters, type QuestionTemplate } from './question.js';
import { awaitWork, describeStatus, runWork, WorkWatcher, type PollOptions } from './work.js';
import { poll, type BackoffPolicy } from '../poll.js';

/** Waiting for a starting server: 0.25 s, doubling, at most 2 s between tries. */
const CONNECT_BACKOFF: BackoffPolicy = { initialDelayMs: 250, factor: 2, maxDelayMs: 2000 };
/** Each `GET /v2/version` while connecting waits at least this long for an answer, and at most the default. */
const CONNECT_ATTEMPT_MIN_MS = 1000;
const CONNECT_ATTEMPT_MAX_MS = 30_000;
/** Waiting for another client's parse: 0.2 s, ×1.5, at most 1 s. */
const SNAPSHOT_WAIT_BACKOFF: BackoffPolicy = { initialDelayMs: 200, factor: 1.5, maxDelayMs: 1000 };
/** Snapshot statuses from which questions can be asked (a failed data plane still answers config questions). */
const PARSED_STATUSES = new Set(['PARSED', 'DATAPLANING', 'DATAPLANED', 'DATAPLANING_FAIL']);
/** Statuses of a snapshot on its way to being parsed: a parse is queued or running, or should be. */
const INITIALISING_STATUSES = new Set(['UNINITIALIZED', 'PARSING']);
/** How many times one wait queues a snapshot's parse again when nothing is parsing it. */
const MAX_PARSE_REQUEUES = 2;
/** How many times an upload starts over when another client deletes the snapshot under it. */
const MAX_UPLOAD_ROUNDS = 3;
/** How many times a question is asked when its answer is lost to another client's upload of the question. */
const MAX_ANSWER_ROUNDS = 4;

/** Per-file parse status counts after a snapshot was initialised. */
export interface ParseHealth {
  /** File path inside the snapshot → Batfish ParseStatus (`PASSED`, `FAILED`, `EMPTY`, ...). */
  files: Record<string, string>;
}

/** A snapshot parsed (with the per-file health when netq ran the parse), or deleted by another client meanwhile. */
type ParseOutcome = { health: ParseHealth } | 'gone';

export interface SessionOptions {
  clock: Clock;
  newId: () => string;
  /** Shows what is going on; the CLI draws a spinner from it. */
  onPhase?: (text: string) => void;
  /** Something the user should know that does not stop the run (plain HTTP to another host). */
  onWarning?: (text: string) => void;
  signal?: AbortSignal;
}

/**
 * Where a server's question templates are kept between runs. They ship inside the server, so a
 * copy keyed by the server and its version stays true, and an unchanged re-ask skips the fetch.
 */
export interface TemplateCache {
  /** The `GET /question_templates` body kept for this server and version, or undefined. */
  load(): Promise<unknown>;
  save(json: unknown): Promise<void>;
}

/** A question checked against its template, ready to upload under a throw-away name. */
export interface PreparedQuestion {
  template: QuestionTemplate;
  /** The parameters that are sent (the ones given, without undefined). */
  parameters: QuestionParameters;
  /** The instantiated question; each ask gives it a fresh instance name before uploading it. */
  question: Record<string, unknown>;
}

export interface AskRequest {
  network: string;
  snapshot: string;
  question: PreparedQuestion;
  referenceSnapshot?: string;
  deadline: number;
  /** Ask again even if Batfish has stored an answer to this question about this snapshot. */
  fresh?: boolean;
  /**
   * This run uploaded the snapshot: Batfish holds no answer about it yet (answers are kept with
   * the snapshot), so netq does not look for one.
   */
  uploadedNow?: boolean;
}

/** Batfish names allowed by pybatfish; the server does not check, so netq does. */
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,150}$/;

/** The server's templates by lower-cased name, each parsed when first asked for. */
class TemplateSet {
  readonly #texts = new Map<string, { key: string; text: unknown }>();
  readonly #parsed = new Map<string, QuestionTemplate>();

  /** `kept`: read from netq's copy (which may be damaged), not from the server. */
  constructor(
    json: Record<string, unknown>,
    readonly kept: boolean,
  ) {
    for (const [key, text] of Object.entries(json)) this.#texts.set(key.toLowerCase(), { key, text });
  }

  keys(): string[] {
    return [...this.#texts.keys()];
  }

  /** The template, undefined when the server has none by that name; throws when it is malformed. */
  get(name: string): QuestionTemplate | undefined {
    const lower = name.toLowerCase();
    const done = this.#parsed.get(lower);
    if (done) return done;
    const entry = this.#texts.get(lower);
    if (!entry) return undefined;
    const template = parseTemplate(entry.text, entry.key);
    this.#parsed.set(lower, template);
    return template;
  }
}

/** A snapshot's metadata looked up early; `metadata` undefined: the server has no such snapshot. */
interface EarlyLook {
  metadata: SnapshotMetadata | undefined;
  /** When the answer came (clock.now()). */
  at: number;
}

/** An early look older than this is asked again (the snapshot may have gone meanwhile). */
const EARLY_LOOK_MAX_AGE_MS = 5000;

/**
 * The Batfish flows netq needs, each exactly as pybatfish performs it on the wire: wait for the
 * server, initialise a snapshot, ask a question.
 */
export class BatfishSession {
  #templates: Promise<TemplateSet> | undefined;
  #templateCache: TemplateCache | undefined;
  /** The server's version, once connected: part of every kept question's name. */
  #version: BatfishVersion | undefined;
  /** Snapshot metadata asked for while connecting (see connect's `alongside`), by `network/snapshot`. */
  readonly #early = new Map<string, Promise<EarlyLook | undefined>>();
  /** Questions sent ahead (sendQuestionsAhead), by `network/name`: true once the server has them. */
  readonly #questionsSent = new Map<string, Promise<boolean>>();
  /** One per network: the session's work items of a network are polled together. */
  readonly #watchers = new Map<string, WorkWatcher>();
  #warnedPlainHttp = false;

  constructor(
    readonly client: BatfishClient,
    private readonly options: SessionOptions,
  ) {}

  /**
   * Waits until `GET /v2/version` answers (a starting server refuses connections at first) and
   * checks that the server speaks API version 2.
   */
  async connect(readyTimeoutMs: number, alongside?: { network: string; snapshot: string }): Promise<BatfishVersion> {
    const { clock, signal } = this.options;
    if (alongside) this.#lookEarly(alongside.network, alongside.snapshot);
    const warning = plainHttpWarning(this.client.baseUrl);
    if (warning && !this.#warnedPlainHttp) {
      this.#warnedPlainHttp = true;
      this.options.onWarning?.(warning);
    }
    this.options.onPhase?.(`connecting to Batfish at ${this.client.baseUrl}`);
    const deadline = clock.now() + readyTimeoutMs;
    const version = await poll<BatfishVersion>(
      async () => {
        // A server that takes the connection and never answers is given the connect timeout, not more.
        const attemptMs = Math.min(Math.max(deadline - clock.now(), CONNECT_ATTEMPT_MIN_MS), CONNECT_ATTEMPT_MAX_MS);
        try {
          return { done: true, value: await this.client.version(attemptMs) };
        } catch (error) {
          const retry =
            (error instanceof BatfishUnreachableError && error.code !== 'cancelled' && !isTlsErrorCode(error.code)) ||
            (error instanceof BatfishHttpError && [502, 503, 504].includes(error.status));
          if (!retry) throw this.#connectError(error, readyTimeoutMs);
          return { done: false, reason: error };
        }
      },
      { clock, signal, deadline, lastTryAtDeadline: true, backoff: CONNECT_BACKOFF, giveUp: ({ reason }) => this.#connectError(reason, readyTimeoutMs) },
    );
    const major = version.apiVersion.split('.')[0];
    if (major !== '2') {
      throw new BatfishError(
        `Batfish at ${this.client.baseUrl} speaks API version ${version.apiVersion}; netq speaks version 2`,
        { hint: 'use a Batfish release that serves the v2 API (any release since 2019)' },
      );
    }
    this.#version = version;
    return version;
  }

  /**
   * Asks for a snapshot's metadata now, without waiting, so the answer is there when findSnapshot
   * needs it: an unchanged site's check then costs no round trip of its own (it travels with the
   * version request). Tried once; if it fails (a server still starting), findSnapshot asks again.
   */
  #lookEarly(network: string, snapshot: string): void {
    if (!validName(network) || !validName(snapshot)) return;
    const look = this.client.snapshotMetadata(network, snapshot, { once: true }).then(
      (metadata): EarlyLook => ({ metadata, at: this.options.clock.now() }),
      (error: unknown): EarlyLook | undefined =>
        error instanceof BatfishHttpError && error.status === 404 ? { metadata: undefined, at: this.options.clock.now() } : undefined,
    );
    this.#early.set(`${network}/${snapshot}`, look);
  }

  /** The error connect ends with, with the hint that fits: a server still starting, a wrong path. */
  #connectError(error: unknown, readyTimeoutMs: number): unknown {
    const url = this.client.baseUrl;
    if (error instanceof BatfishUnreachableError && error.code === 'ECONNREFUSED') {
      return new BatfishUnreachableError(url, error.code, {
        cause: error,
        hint:
          `nothing accepted the connection within the connect timeout (${readyTimeoutMs / 1000} s): if Batfish is still starting, ` +
          'wait longer with --connect-timeout SECONDS; else check that it runs there (docker ps, or the --batfish-url / NETQ_BATFISH_URL you gave)',
      });
    }
    if (error instanceof BatfishTimeoutError) {
      return new BatfishTimeoutError(url, error.request, error.timeoutMs, error.byDeadline, {
        cause: error,
        hint: 'Batfish accepted the connection but did not answer: it may be hung, or still starting (wait longer with --connect-timeout SECONDS)',
      });
    }
    if (error instanceof BatfishHttpError && error.status === 404) {
      const { origin, pathname } = new URL(url);
      return new BatfishHttpError(error.method, error.url, error.status, error.body, {
        cause: error,
        hint:
          pathname.replace(/\/+$/, '') !== ''
            ? `nothing answers Batfish's API under the path ${pathname}: drop the path, e.g. --batfish-url ${origin} (netq adds /v2 itself)`
            : "the server at this address does not answer like Batfish's v2 API: check --batfish-url (Batfish listens on port 9996)",
      });
    }
    return error;
  }

  /**
   * Whether the network already holds the snapshot, parsed (its name carries a hash of its input,
   * so a parsed one can be reused as it is). After a failed parse, or with `fresh`, the old one is
   * deleted and `missing` returned. A snapshot being initialised is waited for, even with `fresh`
   * (a parse under way now is as fresh as an upload of ours: two `--fresh` runs of a site share
   * it); one left unparsed with no work on it (its uploader failed or was killed) is parsed again.
   */
  async findSnapshot(request: {
    network: string;
    snapshot: string;
    fresh: boolean;
    deadline: number;
    /** Whether another live run reads the snapshot: then `fresh` asks again on it instead of deleting it. */
    inUseElsewhere?: () => Promise<boolean>;
  }): Promise<'parsed' | 'missing'> {
    const { network, snapshot, deadline } = request;
    checkName('network', network);
    checkName('snapshot', snapshot);
    const client = this.client.withDeadline(deadline);
    // The common case first: the snapshot is there and parsed, one request says so.
    const early = this.#early.get(`${network}/${snapshot}`);
    this.#early.delete(`${network}/${snapshot}`);
    let looked = request.fresh || !early ? undefined : await beforeDeadline(early, deadline - this.options.clock.now());
    if (looked && this.options.clock.now() - looked.at > EARLY_LOOK_MAX_AGE_MS) looked = undefined;
    const known = request.fresh ? undefined : looked ? looked.metadata : await optionalMetadata(client, network, snapshot);
    if (known && PARSED_STATUSES.has(known.status)) {
      this.options.onPhase?.(`reusing snapshot ${snapshot}`);
      return 'parsed';
    }
    await client.ensureNetwork(network);
    if (!(await client.listSnapshots(network)).includes(snapshot)) return 'missing';
    const metadata = await optionalMetadata(client, network, snapshot);
    if (!metadata) return 'missing';
    if (metadata.status === 'PARSING_FAIL' || (request.fresh && !INITIALISING_STATUSES.has(metadata.status))) {
      if (metadata.status !== 'PARSING_FAIL' && (await request.inUseElsewhere?.())) {
        // The same files, parsed: only its answers could be stale, and --fresh asks them again.
        this.options.onPhase?.(`snapshot ${snapshot} is in use by another netq run: asking again on it instead of uploading it again`);
        return 'parsed';
      }
      await deleteSnapshot(client, network, snapshot);
      return 'missing';
    }
    this.options.onPhase?.(`reusing snapshot ${snapshot}`);
    const outcome = await this.#ensureParsed(client, network, snapshot, deadline, false);
    return outcome === 'gone' ? 'missing' : 'parsed';
  }

  /**
   * Uploads a snapshot zip (streamed from disk, with a Content-Length as pybatfish sends it) and
   * parses it. Another netq uploading the same snapshot at the same moment is waited for, not
   * fought: then `reused` is true. A failed parse request (a 500, a dropped connection) is checked
   * and sent again, and a snapshot another client deletes meanwhile is uploaded again.
   */
  async uploadSnapshot(request: {
    network: string;
    snapshot: string;
    zip: { zipPath: string; sizeBytes: number };
    deadline: number;
  }): Promise<{ reused: boolean; health: ParseHealth }> {
    const { network, snapshot, zip, deadline } = request;
    checkName('network', network);
    checkName('snapshot', snapshot);
    const client = this.client.withDeadline(deadline);
    for (let round = 1; ; round++) {
      let uploaded = true;
      try {
        this.options.onPhase?.(`uploading snapshot ${snapshot} (${formatBytes(zip.sizeBytes)})`);
        await client.uploadSnapshot(network, snapshot, createReadStream(zip.zipPath), zip.sizeBytes, deadline - this.options.clock.now());
      } catch (error) {
        if (!(error instanceof BatfishHttpError && error.status === 400 && /already exists/i.test(error.body))) throw error;
        uploaded = false;
      }
      const outcome = await this.#ensureParsed(client, network, snapshot, deadline, uploaded);
      if (outcome !== 'gone') return { reused: !uploaded, health: outcome.health };
      if (round >= MAX_UPLOAD_ROUNDS) {
        throw new BatfishError(`snapshot ${snapshot} was deleted ${round} times while netq was initialising it`, {
          hint: 'another client keeps replacing it (several netq --fresh runs of this site?); run again when they are done',
        });
      }
      this.options.onPhase?.(`snapshot ${snapshot} was deleted by another client; uploading it again`);
    }
  }

  /** Whether the network holds the snapshot (in any state). */
  async hasSnapshot(network: string, snapshot: string, deadline?: number): Promise<boolean> {
    return (await optionalMetadata(this.client.withDeadline(deadline), network, snapshot)) !== undefined;
  }

  /**
   * Deletes this site's older snapshots (names matching `pattern`) beyond the newest `keep`, but
   * never one this run uses (`inUse`) or another live run leases (`leased`): those stay, over the count.
   */
  async pruneSnapshots(
    network: string,
    pattern: RegExp,
    keep: number,
    inUse: string[],
    deadline?: number,
    leased: (snapshot: string) => Promise<boolean> = async () => false,
  ): Promise<string[]> {
    const client = this.client.withDeadline(deadline);
    const ours = (await client.listSnapshots(network)).filter((s) => pattern.test(s) && !inUse.includes(s));
    const doomed = ours.slice(Math.max(keep - inUse.filter((s) => pattern.test(s)).length, 0));
    const deleted: string[] = [];
    for (const name of doomed) {
      if (await leased(name)) continue;
      await client.deleteSnapshot(network, name).then(() => deleted.push(name), () => undefined);
    }
    return deleted;
  }

  /**
   * Gets an uploaded snapshot parsed: queues its parse (with `queue`) or waits for the one under
   * way. Nothing may be parsing it: the parse request failed (a 500, a dropped connection), or the
   * client that uploaded it was killed before asking. Left alone, such a snapshot stays
   * UNINITIALIZED for good, so a snapshot that is not parsed while the server has no work on it
   * gets its parse queued again (at most MAX_PARSE_REQUEUES times per wait). `gone` means another
   * client deleted the snapshot meanwhile (a concurrent `--fresh`).
   */
  async #ensureParsed(
    client: BatfishClient,
    network: string,
    snapshot: string,
    deadline: number,
    queue: boolean,
  ): Promise<ParseOutcome> {
    const { clock, signal } = this.options;
    let queueNow = queue;
    let requeues = 0;
    // Why the last parse of ours did not happen, to report when the requeues run out.
    let lastFailure: unknown;
    return poll<ParseOutcome>(
      async () => {
        if (queueNow) {
          queueNow = false;
          const item = parseItem(network, snapshot, this.options.newId());
          let queued = false;
          try {
            await client.queueWork(item);
            queued = true;
          } catch (error) {
            if (!mayHaveBeenQueued(error)) throw error;
            lastFailure = error;
          }
          if (queued) {
            const parsed = await this.#runParse(client, item, deadline);
            if (parsed === 'gone' || !('failure' in parsed)) return { done: true, value: parsed };
            lastFailure = parsed.failure;
          }
        }
        // The work list first, then the status: a parse that ends between the two reads shows as
        // parsed, never as a snapshot nothing is parsing.
        const live = (await client.incompleteWork(network)).filter((w) => w.snapshot === snapshot);
        const metadata = await optionalMetadata(client, network, snapshot);
        if (!metadata) return { done: true, value: 'gone' };
        if (PARSED_STATUSES.has(metadata.status)) return { done: true, value: { health: { files: {} } } };
        if (metadata.status === 'PARSING_FAIL') {
          if (lastFailure instanceof BatfishWorkError) throw lastFailure;
          throw new BatfishError(`snapshot ${snapshot} failed to parse${metadata.errMessage ? `: ${metadata.errMessage}` : ''}`, {
            hint: 'run again with --fresh to upload and parse it again',
          });
        }
        if (live.length === 0 && INITIALISING_STATUSES.has(metadata.status)) {
          if (requeues >= MAX_PARSE_REQUEUES) {
            throw (
              lastFailure ??
              new BatfishError(`snapshot ${snapshot} stays ${metadata.status} although Batfish has no work on it`, {
                hint: 'netq queued its parse again and Batfish did not take it up; check the Batfish log, or run again with --fresh',
              })
            );
          }
          requeues++;
          queueNow = true;
          this.options.onPhase?.(`nothing is parsing snapshot ${snapshot} (${metadata.status.toLowerCase()}); queueing its parse again`);
          return { done: false, reason: metadata.status };
        }
        this.options.onPhase?.(`waiting for snapshot ${snapshot} (${metadata.status.toLowerCase()})`);
        return { done: false, reason: metadata.status };
      },
      {
        clock,
        signal,
        deadline,
        backoff: SNAPSHOT_WAIT_BACKOFF,
        giveUp: ({ reason }) =>
          new BatfishError(`timed out waiting for snapshot ${snapshot} to be parsed (it is ${String(reason)})`, {
            hint: 'Batfish is still parsing it (another netq may have started it): raise --timeout',
          }),
      },
    );
  }

  /**
   * Polls a parse of ours to its end. A parse that failed because its snapshot was deleted under it
   * (a concurrent `--fresh`) is not this snapshot's failure: `gone`; or because Batfish lost it (a
   * restart) or the snapshot was replaced: `failure`, and the caller looks again. A parse that
   * failed on the snapshot's configs is thrown.
   */
  async #runParse(client: BatfishClient, item: WorkItem, deadline: number): Promise<ParseOutcome | { failure: unknown }> {
    const { containerName: network, testrigName: snapshot } = item;
    this.options.onPhase?.(`parsing snapshot ${snapshot}`);
    try {
      await awaitWork(client, item, this.#pollOptions(network, `parsing snapshot ${snapshot}`, deadline, 'parsing'));
    } catch (error) {
      if (!(error instanceof BatfishWorkError) || error.status === 'TIMEOUT') throw error;
      const metadata = await optionalMetadata(client, network, snapshot);
      if (!metadata) return 'gone';
      if (metadata.status === 'PARSING_FAIL' || PARSED_STATUSES.has(metadata.status)) throw error;
      return { failure: error };
    }
    const workJson = await client.workJson(network, snapshot, item.id).catch(() => undefined);
    return { health: { files: parseStatusOf(workJson) } };
  }

  /**
   * Checks a question's parameters against the server's template and builds the question to
   * upload, before any snapshot is uploaded: a wrong parameter leaves nothing on the server.
   * `deadline` bounds fetching the templates (the first time).
   */
  async prepareQuestion(name: string, parameters: QuestionParameters, deadline?: number): Promise<PreparedQuestion> {
    const template = await this.template(name, deadline);
    const given = definedParameters(parameters);
    return { template, parameters: given, question: instantiateQuestion(template, given, template.name) };
  }

  /**
   * Asks a prepared question on a parsed snapshot and returns the validated table.
   *
   * The question is kept on the server under a name made from its content, the server's version
   * and the snapshot (and reference) it is about (`__netq_<template>_<hash>`), so asking the same
   * question about the same snapshot again reads the answer Batfish stored the first time: one
   * request, no work. A stored answer is never read for other configs, other parameters or another
   * Batfish version. `fresh` asks again whatever is stored.
   *
   * Batfish gives a question name a new id on every PUT and keeps answers under the id a work item
   * was queued with (PROTOCOL.md 2.5), so netq never PUTs a name the server already holds with the
   * same text: another run (another process, another CI job) may be waiting for an answer under
   * it. Two runs that find the name missing at the same moment both PUT it; the one whose answer
   * was orphaned by the other's PUT sees `Answer not found` after its work finished, and asks again
   * under the name's new id (at most MAX_ANSWER_ROUNDS times), never PUTting it again.
   */
  async ask(request: AskRequest): Promise<TableAnswer> {
    const { network, snapshot, referenceSnapshot } = request;
    const { template } = request.question;
    const client = this.client.withDeadline(request.deadline);
    const questionName = this.#questionName(request.question, snapshot, referenceSnapshot);
    // Whether the server holds the question: true, false, or undefined when netq does not know yet.
    let onServer: boolean | undefined;
    if (!request.fresh && !request.uploadedNow) {
      const stored = await storedAnswer(client, network, questionName, snapshot, referenceSnapshot);
      if (stored.answer) return stored.answer;
      // `Answer not found`: the name is there, and its text is ours, since the name is its hash.
      onServer = stored.questionExists;
    }
    const sent = this.#questionsSent.get(`${network}/${questionName}`);
    if (sent && (await sent)) onServer = true;
    if (onServer === false) await this.#putQuestion(client, network, questionName, request.question);
    else if (onServer === undefined) await this.#putQuestionIfMissing(client, network, questionName, request.question);
    const requestParams: Record<string, string> = { answer: '', questionname: questionName, testrig: snapshot };
    if (referenceSnapshot) Object.assign(requestParams, { deltatestrig: referenceSnapshot, differential: '' });
    const label = `answering ${template.name} on ${snapshot}`;
    const pollOptions = this.#pollOptions(network, label, request.deadline, `asking ${template.name}`);
    for (let round = 1; ; round++) {
      this.options.onPhase?.(label);
      const item = { containerName: network, id: this.options.newId(), requestParams, testrigName: snapshot };
      try {
        await runWork(client, item, pollOptions);
      } catch (error) {
        // Another netq asks the same question about the same snapshot right now: Batfish refuses a
        // second identical work item and names the first, whose answer serves both.
        const first = error instanceof BatfishHttpError && error.status === 400 ? /duplicate of existing WorkID: '([^']+)'/.exec(error.body)?.[1] : undefined;
        if (!first) throw error;
        await awaitWork(client, { ...item, id: first }, pollOptions);
      }
      try {
        return parseTableAnswer(await client.answer(network, questionName, snapshot, referenceSnapshot));
      } catch (error) {
        const lost = error instanceof BatfishHttpError && error.status === 404 ? answerLoss(error.body) : undefined;
        if (!lost) throw error;
        if (round >= MAX_ANSWER_ROUNDS) {
          throw new BatfishError(`the answer to ${template.name} on ${snapshot} was lost ${round} times: another client keeps uploading or deleting the question ${questionName}`, {
            cause: error,
            hint: 'another program uses netq\'s question names on this network (an older netq?); run again when it is done',
          });
        }
        if (lost === 'question deleted') await this.#putQuestion(client, network, questionName, request.question);
        else {
          // The other run's answer may be stored under the name's new id already.
          const stored = await storedAnswer(client, network, questionName, snapshot, referenceSnapshot);
          if (stored.answer) return stored.answer;
        }
        this.options.onPhase?.(`the answer to ${template.name} was replaced by another client's upload of its question; asking again`);
      }
    }
  }

  /**
   * Uploads questions about to be asked on a network, without waiting: `ask` then only queues
   * their work. A run that uploads a snapshot sends them while Batfish parses it (a question
   * belongs to the network, not to a snapshot), so no round trip is left between the parse and
   * the answers. A question that fails to go up here is sent again by `ask`, which reports why.
   */
  sendQuestionsAhead(about: { network: string; snapshot: string; referenceSnapshot?: string }, questions: PreparedQuestion[], deadline: number): void {
    const { network, snapshot, referenceSnapshot } = about;
    if (!validName(network)) return;
    const client = this.client.withDeadline(deadline);
    for (const prepared of questions) {
      const name = this.#questionName(prepared, snapshot, referenceSnapshot);
      const key = `${network}/${name}`;
      if (this.#questionsSent.has(key)) continue;
      this.#questionsSent.set(
        key,
        this.#putQuestionIfMissing(client, network, name, prepared).then(
          () => true,
          () => false,
        ),
      );
    }
  }

  #questionName(prepared: PreparedQuestion, snapshot: string, referenceSnapshot: string | undefined): string {
    return stableQuestionName(prepared.template.name, this.#version?.batfish ?? '', prepared.question, snapshot, referenceSnapshot);
  }

  /**
   * PUTs the question under its name unless the server already holds that name with the same
   * text: a PUT moves the name to a new id, and the answers other runs wait for under the old one
   * could no longer be read.
   */
  async #putQuestionIfMissing(client: BatfishClient, network: string, name: string, prepared: PreparedQuestion): Promise<void> {
    if ((await client.questionText(network, name)) === questionText(name, prepared)) return;
    await this.#putQuestion(client, network, name, prepared);
  }

  /** PUTs the question: only for a name the server is known not to hold (or holds with another text). */
  async #putQuestion(client: BatfishClient, network: string, name: string, prepared: PreparedQuestion): Promise<void> {
    await client.putQuestion(network, name, questionText(name, prepared));
  }

  /** Keeps the server's templates between runs (set once the server's version is known). */
  useTemplateCache(cache: TemplateCache): void {
    this.#templateCache = cache;
  }

  /** Every template the server offers, sorted by name; fetched once per session (or read from the cache). */
  async templates(deadline?: number): Promise<QuestionTemplate[]> {
    const all = await this.#withTemplates(deadline, (set) => [...set.keys()].map((key) => set.get(key)!));
    return all.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A template by instance name (case-insensitive). */
  async template(name: string, deadline?: number): Promise<QuestionTemplate> {
    const template = await this.#withTemplates(deadline, (set) => set.get(name));
    if (!template) {
      throw new InputError(`Batfish at ${this.client.baseUrl} does not offer the question '${name}'`, {
        hint: 'netq questions lists the questions this server offers',
      });
    }
    return template;
  }

  /**
   * Runs `use` on the server's templates: the kept copy when there is one, else (or when a kept
   * template turns out damaged) the server's. Templates are parsed when first used: a run that asks
   * one question parses one of the seventy-odd.
   */
  async #withTemplates<T>(deadline: number | undefined, use: (set: TemplateSet) => T): Promise<T> {
    // One load however many questions are prepared at once; a failed one is tried again next time.
    this.#templates ??= this.#loadTemplates(deadline).catch((error: unknown) => {
      this.#templates = undefined;
      throw error;
    });
    const set = await this.#templates;
    try {
      return use(set);
    } catch (error) {
      if (!set.kept) throw error;
      const fetched = this.#fetchTemplates(deadline);
      this.#templates = fetched;
      return use(await fetched);
    }
  }

  async #loadTemplates(deadline?: number): Promise<TemplateSet> {
    const cached = await this.#templateCache?.load().catch(() => undefined);
    if (isObject(cached)) return new TemplateSet(cached, true);
    return this.#fetchTemplates(deadline);
  }

  async #fetchTemplates(deadline?: number): Promise<TemplateSet> {
    const json = await this.client.withDeadline(deadline).questionTemplatesJson();
    if (!isObject(json)) throw new BatfishAnswerError('Batfish sent question templates that are not a JSON object');
    const set = new TemplateSet(json, false);
    // Every template is checked once before the copy is kept, so a kept copy parsed before.
    for (const key of set.keys()) set.get(key);
    await this.#templateCache?.save(json).catch(() => undefined);
    return set;
  }

  #pollOptions(network: string, label: string, deadline: number, phase: string): PollOptions {
    let watcher = this.#watchers.get(network);
    if (!watcher) {
      watcher = new WorkWatcher(this.client, network, this.options.clock, this.options.signal);
      this.#watchers.set(network, watcher);
    }
    return {
      clock: this.options.clock,
      deadline,
      label,
      watcher,
      onStatus: (status: WorkStatus) => this.options.onPhase?.(`${phase}: ${describeStatus(status)}`),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
    };
  }
}

/** Reads the per-file parse status from the JSON of a parse work item (InitInfoAnswerElement). */
export function parseStatusOf(workJson: unknown): Record<string, string> {
  const elements = isObject(workJson) && Array.isArray(workJson.answerElements) ? workJson.answerElements : [];
  for (const element of elements) {
    if (isObject(element) && isObject(element.parseStatus)) {
      return Object.fromEntries(Object.entries(element.parseStatus).map(([file, status]) => [file, String(status)]));
    }
  }
  return {};
}

/** `5 files: 3 passed, 1 partially recognised, 0 failed, 1 empty` (plus any other status seen). */
export function summarizeParseHealth(health: ParseHealth): string | undefined {
  const statuses = Object.values(health.files);
  if (statuses.length === 0) return undefined;
  const count = (s: string): number => statuses.filter((x) => x === s).length;
  const parts = [
    `${count('PASSED')} passed`,
    `${count('PARTIALLY_UNRECOGNIZED')} partially recognised`,
    `${count('FAILED')} failed`,
    `${count('EMPTY')} empty`,
  ];
  const known = new Set(['PASSED', 'PARTIALLY_UNRECOGNIZED', 'FAILED', 'EMPTY']);
  const others = [...new Set(statuses.filter((s) => !known.has(s)))];
  for (const other of others) parts.push(`${count(other)} ${other.toLowerCase().replace(/_/g, ' ')}`);
  return `${statuses.length} file${statuses.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/** The parse work item, exactly as pybatfish's init_snapshot queues it. */
function parseItem(network: string, snapshot: string, id: string): WorkItem {
  return { containerName: network, id, requestParams: { testrig: snapshot, si: '', sv: '', initinfo: '' }, testrigName: snapshot };
}

/**
 * Whether a failed request to queue a parse may have been queued after all, or refused because
 * another client's parse is queued: the server's work list then says what is going on. A 500 is
 * also a snapshot deleted meanwhile ("No value present") or a parse already queued ("other work is
 * incomplete"); a 400 "duplicate" is an identical parse already queued.
 */
function mayHaveBeenQueued(error: unknown): boolean {
  if (error instanceof BatfishHttpError) return error.status === 500 || (error.status === 400 && /duplicate/i.test(error.body));
  // When the run's time is up there is no time left to find out; the timeout itself is the answer.
  return error instanceof BatfishUnreachableError && error.code !== 'cancelled' && !(error instanceof BatfishTimeoutError && error.byDeadline);
}

/** A snapshot's metadata, or undefined when it does not exist (404: deleted meanwhile). */
/** The promise's value, or undefined when it takes longer than `ms` (the run's time left). */
async function beforeDeadline<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timerMs(ms));
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function optionalMetadata(client: BatfishClient, network: string, snapshot: string): Promise<SnapshotMetadata | undefined> {
  try {
    return await client.snapshotMetadata(network, snapshot);
  } catch (error) {
    if (error instanceof BatfishHttpError && error.status === 404) return undefined;
    throw error;
  }
}

/** Deletes a snapshot; one already gone (another client deleted it first) is fine. */
async function deleteSnapshot(client: BatfishClient, network: string, snapshot: string): Promise<void> {
  try {
    await client.deleteSnapshot(network, snapshot);
  } catch (error) {
    if (!(error instanceof BatfishHttpError && error.status === 404)) throw error;
  }
}

const validName = (name: string): boolean => NAME_PATTERN.test(name) && name.toLowerCase() !== 'settings';

function checkName(kind: string, name: string): void {
  if (!validName(name)) {
    throw new InputError(`'${name}' cannot be a Batfish ${kind} name`, {
      hint: `use letters, digits, '-' and '_' only (at most 150 characters)${kind === 'network' ? ', e.g. --network my_net' : ''}`,
    });
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * The name a question is kept under: its template and a hash of the server's version, of the
 * question as uploaded (parameters included) and of the snapshot (and reference) it is asked
 * about. Equal questions about one snapshot share one stored answer; two sites of a network, or a
 * site and its base, never share a name, so one never moves the name another is reading.
 */
export function stableQuestionName(
  template: string,
  batfishVersion: string,
  question: Record<string, unknown>,
  snapshot: string,
  referenceSnapshot?: string,
): string {
  const body = structuredClone(question);
  (body.instance as Record<string, unknown>).instanceName = '';
  const hash = createHash('sha256')
    .update(`${batfishVersion}\0${snapshot}\0${referenceSnapshot ?? ''}\0${serializeQuestion(body)}`)
    .digest('hex')
    .slice(0, 20);
  return `__netq_${template}_${hash}`;
}

/** The text netq uploads for a question under a name (the name is also its instance name, as pybatfish does). */
function questionText(name: string, prepared: PreparedQuestion): string {
  const question = structuredClone(prepared.question);
  (question.instance as Record<string, unknown>).instanceName = name;
  return serializeQuestion(question);
}

/**
 * Why an answer read after its work finished is not there: the name now points at another id
 * (`Answer not found`: another client PUT the question while the work ran) or at nothing (the
 * question was deleted); undefined for any other 404 (the snapshot is gone), which is an error.
 */
function answerLoss(body: string): 'replaced' | 'question deleted' | undefined {
  const text = body.trim();
  if (/^Answer not found/i.test(text)) return 'replaced';
  if (/^Question '.*' does not exist/i.test(text)) return 'question deleted';
  return undefined;
}

/**
 * The answer Batfish stored for this question about this snapshot, if any. A stored FAILURE (or a
 * body netq cannot read) is not reused: the question is asked again.
 */
async function storedAnswer(
  client: BatfishClient,
  network: string,
  question: string,
  snapshot: string,
  referenceSnapshot: string | undefined,
): Promise<{ answer?: TableAnswer; questionExists: boolean }> {
  let json: unknown;
  try {
    json = await client.answer(network, question, snapshot, referenceSnapshot);
  } catch (error) {
    if (!(error instanceof BatfishHttpError && error.status === 404)) throw error;
    // `Answer not found …`: the question is there, not yet answered about this snapshot.
    return { questionExists: /^Answer not found/i.test(error.body.trim()) };
  }
  try {
    return { answer: parseTableAnswer(json), questionExists: true };
  } catch {
    return { questionExists: true };
  }
}
