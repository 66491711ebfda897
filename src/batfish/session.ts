/**
 * BatfishSession: the Batfish flows netq needs, each as pybatfish performs it. This file holds the
 * session and its connect (wait for the server, check its API version); the snapshot flows are in
 * snapshot-flows.ts and snapshot-parse.ts, the question flows in question-flows.ts, the server's
 * templates in templates.ts.
 */
import { BatfishError, BatfishHttpError, BatfishTimeoutError, BatfishUnreachableError } from '../errors.js';
import { poll, type BackoffPolicy } from '../poll.js';
import type { TableAnswer } from './answer.js';
import type { BatfishClient, BatfishVersion } from './client.js';
import { plainHttpWarning } from './address.js';
import { isTlsErrorCode } from './http-errors.js';
import type { QuestionParameters, QuestionTemplate } from './question.js';
import { ask, prepareQuestion, sendQuestionsAhead, type AskRequest, type PreparedQuestion, type SentQuestions } from './question-flows.js';
import { checkName, SessionFlow, type SessionOptions } from './session-flow.js';
import { ensureFork, type EnsureForkRequest } from './fork-flows.js';
import { deleteSnapshot, findSnapshot, lookEarly, pruneSnapshots, uploadSnapshot, type EarlyLooks, type FindSnapshotRequest, type UploadSnapshotRequest } from './snapshot-flows.js';
import { optionalMetadata, type ParseHealth } from './snapshot-parse.js';
import { ServerTemplates, type TemplateCache } from './templates.js';


/** Waiting for a starting server: 0.25 s, doubling, at most 2 s between tries. */
const CONNECT_BACKOFF: BackoffPolicy = { initialDelayMs: 250, factor: 2, maxDelayMs: 2000 };
/** Each `GET /v2/version` while connecting waits at least this long for an answer, and at most the default. */
const CONNECT_ATTEMPT_MIN_MS = 1000;
const CONNECT_ATTEMPT_MAX_MS = 30_000;

/**
 * The Batfish flows netq needs, each exactly as pybatfish performs it on the wire: wait for the
 * server, initialise a snapshot, ask a question.
 */
export class BatfishSession {
  readonly #flow: SessionFlow;
  readonly #templates: ServerTemplates;
  /** The server's version, once connected: part of every kept question's name. */
  #version: BatfishVersion | undefined;
  /** Snapshot metadata asked for while connecting (see connect's `alongside`), by `network/snapshot`. */
  readonly #early: EarlyLooks = new Map();
  /** Questions sent ahead (sendQuestionsAhead), by `network/name`: true once the server has them. */
  readonly #questionsSent: SentQuestions = new Map();
  #warnedPlainHttp = false;

  constructor(
    readonly client: BatfishClient,
    private readonly options: SessionOptions,
  ) {
    this.#flow = new SessionFlow(client, options);
    this.#templates = new ServerTemplates(client);
  }

  /**
   * Waits until `GET /v2/version` answers (a starting server refuses connections at first) and
   * checks that the server speaks API version 2.
   */
  async connect(readyTimeoutMs: number, alongside?: { network: string; snapshot: string }): Promise<BatfishVersion> {
    const { clock, signal } = this.options;
    if (alongside) lookEarly(this.#flow, this.#early, alongside.network, alongside.snapshot);
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
  findSnapshot(request: FindSnapshotRequest): Promise<'parsed' | 'missing'> {
    return findSnapshot(this.#flow, this.#early, request);
  }

  /**
   * Uploads a snapshot zip (streamed from disk, with a Content-Length as pybatfish sends it) and
   * parses it. Another netq uploading the same snapshot at the same moment is waited for, not
   * fought: then `reused` is true. A failed parse request (a 500, a dropped connection) is checked
   * and sent again, and a snapshot another client deletes meanwhile is uploaded again.
   */
  uploadSnapshot(request: UploadSnapshotRequest): Promise<{ reused: boolean; health: ParseHealth }> {
    return uploadSnapshot(this.#flow, request);
  }

  /**
   * A fork of a parsed snapshot with nodes, interfaces or links deactivated, parsed; named by its
   * content (`forkName`), so the same failure of the same configs is forked once and reused.
   */
  ensureFork(request: EnsureForkRequest): Promise<{ snapshot: string; reused: boolean; health?: ParseHealth }> {
    return ensureFork(this.#flow, request);
  }

  /** Deletes a snapshot (a fork a run is done with); one another client deleted first is fine. */
  deleteSnapshot(network: string, snapshot: string, deadline?: number): Promise<void> {
    checkName('network', network);
    checkName('snapshot', snapshot);
    return deleteSnapshot(this.client.withDeadline(deadline), network, snapshot);
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
    return pruneSnapshots(this.client.withDeadline(deadline), network, pattern, keep, inUse, leased);
  }

  /**
   * Checks a question's parameters against the server's template and builds the question to
   * upload, before any snapshot is uploaded: a wrong parameter leaves nothing on the server.
   * `deadline` bounds fetching the templates (the first time).
   */
  prepareQuestion(name: string, parameters: QuestionParameters, deadline?: number): Promise<PreparedQuestion> {
    return prepareQuestion(this.#templates, name, parameters, deadline);
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
  ask(request: AskRequest): Promise<TableAnswer> {
    return ask(this.#flow, this.#questionsSent, this.#version?.batfish ?? '', request);
  }

  /**
   * Uploads questions about to be asked on a network, without waiting: `ask` then only queues
   * their work. A run that uploads a snapshot sends them while Batfish parses it (a question
   * belongs to the network, not to a snapshot), so no round trip is left between the parse and
   * the answers. A question that fails to go up here is sent again by `ask`, which reports why.
   */
  sendQuestionsAhead(about: { network: string; snapshot: string; referenceSnapshot?: string }, questions: PreparedQuestion[], deadline: number): void {
    sendQuestionsAhead(this.#flow, this.#questionsSent, this.#version?.batfish ?? '', about, questions, deadline);
  }

  /** Keeps the server's templates between runs (set once the server's version is known). */
  useTemplateCache(cache: TemplateCache): void {
    this.#templates.useCache(cache);
  }

  /** Every template the server offers, sorted by name; fetched once per session (or read from the cache). */
  templates(deadline?: number): Promise<QuestionTemplate[]> {
    return this.#templates.all(deadline);
  }

  /** A template by instance name (case-insensitive). */
  template(name: string, deadline?: number): Promise<QuestionTemplate> {
    return this.#templates.get(name, deadline);
  }
}
