import { createReadStream } from 'node:fs';
import type { Clock } from '../clock.js';
import { BatfishError, BatfishHttpError, BatfishUnreachableError, InputError } from '../errors.js';
import { isObject, parseTableAnswer, type TableAnswer } from './answer.js';
import type { BatfishClient, BatfishVersion, WorkStatus } from './client.js';
import { definedParameters, instantiateQuestion, serializeQuestion, type QuestionParameters, type QuestionTemplate } from './question.js';
import { describeStatus, runWork } from './work.js';
import { poll, type BackoffPolicy } from '../poll.js';

/** Waiting for a starting server: 0.25 s, doubling, at most 2 s between tries. */
const CONNECT_BACKOFF: BackoffPolicy = { initialDelayMs: 250, factor: 2, maxDelayMs: 2000 };
/** Waiting for another client's parse: 0.2 s, ×1.5, at most 1 s. */
const SNAPSHOT_WAIT_BACKOFF: BackoffPolicy = { initialDelayMs: 200, factor: 1.5, maxDelayMs: 1000 };

/** Per-file parse status counts after a snapshot was initialised. */
export interface ParseHealth {
  /** File path inside the snapshot → Batfish ParseStatus (`PASSED`, `FAILED`, `EMPTY`, ...). */
  files: Record<string, string>;
}

export interface SessionOptions {
  clock: Clock;
  newId: () => string;
  /** Shows what is going on; the CLI draws a spinner from it. */
  onPhase?: (text: string) => void;
  signal?: AbortSignal;
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
}

/** Batfish names allowed by pybatfish; the server does not check, so netq does. */
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,150}$/;

/**
 * The Batfish flows netq needs, each exactly as pybatfish performs it on the wire: wait for the
 * server, initialise a snapshot, ask a question.
 */
export class BatfishSession {
  #templates: Map<string, QuestionTemplate> | undefined;

  constructor(
    readonly client: BatfishClient,
    private readonly options: SessionOptions,
  ) {}

  /**
   * Waits until `GET /v2/version` answers (a starting server refuses connections at first) and
   * checks that the server speaks API version 2.
   */
  async connect(readyTimeoutMs: number): Promise<BatfishVersion> {
    const { clock, signal } = this.options;
    this.options.onPhase?.(`connecting to Batfish at ${this.client.baseUrl}`);
    const version = await poll<BatfishVersion>(
      async () => {
        try {
          return { done: true, value: await this.client.version() };
        } catch (error) {
          const retry =
            (error instanceof BatfishUnreachableError && error.code !== 'cancelled') ||
            (error instanceof BatfishHttpError && [502, 503, 504].includes(error.status));
          if (!retry) throw error;
          return { done: false, reason: error };
        }
      },
      { clock, signal, deadline: clock.now() + readyTimeoutMs, backoff: CONNECT_BACKOFF, giveUp: ({ reason }) => reason },
    );
    const major = version.apiVersion.split('.')[0];
    if (major !== '2') {
      throw new BatfishError(
        `Batfish at ${this.client.baseUrl} speaks API version ${version.apiVersion}; netq speaks version 2`,
        { hint: 'use a Batfish release that serves the v2 API (any release since 2019)' },
      );
    }
    return version;
  }

  /**
   * Whether the network already holds the snapshot, parsed (its name carries a hash of its input,
   * so a parsed one can be reused as it is). With `fresh`, or after a failed parse, the old one is
   * deleted and `missing` returned. A snapshot another client is still parsing is waited for.
   */
  async findSnapshot(request: { network: string; snapshot: string; fresh: boolean; deadline: number }): Promise<'parsed' | 'missing'> {
    const { network, snapshot, deadline } = request;
    checkName('network', network);
    checkName('snapshot', snapshot);
    await this.client.ensureNetwork(network);
    if (!(await this.client.listSnapshots(network)).includes(snapshot)) return 'missing';
    const { status } = await this.client.snapshotMetadata(network, snapshot);
    if (request.fresh || status === 'PARSING_FAIL') {
      await this.client.deleteSnapshot(network, snapshot);
      return 'missing';
    }
    this.options.onPhase?.(`reusing snapshot ${snapshot}`);
    await this.#waitParsed(network, snapshot, deadline);
    return 'parsed';
  }

  /**
   * Uploads a snapshot zip (streamed from disk, with a Content-Length as pybatfish sends it) and
   * parses it. Another netq uploading the same snapshot at the same moment is waited for, not
   * fought: then `reused` is true.
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
    try {
      this.options.onPhase?.(`uploading snapshot ${snapshot} (${formatBytes(zip.sizeBytes)})`);
      await this.client.uploadSnapshot(
        network,
        snapshot,
        createReadStream(zip.zipPath),
        zip.sizeBytes,
        Math.max(deadline - this.options.clock.now(), 1000),
      );
    } catch (error) {
      if (!(error instanceof BatfishHttpError && error.status === 400 && /already exists/i.test(error.body))) throw error;
      await this.#waitParsed(network, snapshot, deadline);
      return { reused: true, health: { files: {} } };
    }
    const item = {
      containerName: network,
      id: this.options.newId(),
      requestParams: { testrig: snapshot, si: '', sv: '', initinfo: '' },
      testrigName: snapshot,
    };
    this.options.onPhase?.(`parsing snapshot ${snapshot}`);
    await runWork(this.client, item, this.#pollOptions(`parsing snapshot ${snapshot}`, deadline, 'parsing'));
    const workJson = await this.client.workJson(network, snapshot, item.id).catch(() => undefined);
    return { reused: false, health: { files: parseStatusOf(workJson) } };
  }

  /** Deletes this site's older snapshots (names matching `pattern`) beyond the newest `keep`. */
  async pruneSnapshots(network: string, pattern: RegExp, keep: number, inUse: string[]): Promise<string[]> {
    const ours = (await this.client.listSnapshots(network)).filter((s) => pattern.test(s) && !inUse.includes(s));
    const doomed = ours.slice(Math.max(keep - inUse.filter((s) => pattern.test(s)).length, 0));
    for (const name of doomed) await this.client.deleteSnapshot(network, name).catch(() => undefined);
    return doomed;
  }

  /** Polls snapshot metadata until it is parsed (another client is initialising it). */
  async #waitParsed(network: string, snapshot: string, deadline: number): Promise<void> {
    const { clock, signal } = this.options;
    await poll<void>(
      async () => {
        const metadata = await this.client.snapshotMetadata(network, snapshot);
        if (['PARSED', 'DATAPLANING', 'DATAPLANED', 'DATAPLANING_FAIL'].includes(metadata.status)) return { done: true, value: undefined };
        if (metadata.status === 'PARSING_FAIL') {
          throw new BatfishError(`snapshot ${snapshot} failed to parse${metadata.errMessage ? `: ${metadata.errMessage}` : ''}`, {
            hint: 'run again with --fresh to upload and parse it again',
          });
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
            hint: 'another netq may be uploading it; raise --timeout, or use --fresh',
          }),
      },
    );
  }

  /**
   * Checks a question's parameters against the server's template and builds the question to
   * upload, before any snapshot is uploaded: a wrong parameter leaves nothing on the server.
   */
  async prepareQuestion(name: string, parameters: QuestionParameters): Promise<PreparedQuestion> {
    const template = await this.template(name);
    const given = definedParameters(parameters);
    return { template, parameters: given, question: instantiateQuestion(template, given, template.name) };
  }

  /** Asks a prepared question on a parsed snapshot and returns the validated table. */
  async ask(request: AskRequest): Promise<TableAnswer> {
    const { network, snapshot, referenceSnapshot } = request;
    const { template } = request.question;
    // Each ask uploads under a name of its own, so concurrent asks of one question never collide.
    const questionName = `__${template.name}_${this.options.newId()}`;
    const question = structuredClone(request.question.question);
    (question.instance as Record<string, unknown>).instanceName = questionName;
    await this.client.putQuestion(network, questionName, serializeQuestion(question));
    try {
      const requestParams: Record<string, string> = { answer: '', questionname: questionName, testrig: snapshot };
      if (referenceSnapshot) Object.assign(requestParams, { deltatestrig: referenceSnapshot, differential: '' });
      const label = `answering ${template.name} on ${snapshot}`;
      this.options.onPhase?.(label);
      await runWork(
        this.client,
        { containerName: network, id: this.options.newId(), requestParams, testrigName: snapshot },
        this.#pollOptions(label, request.deadline, `asking ${template.name}`),
      );
      return parseTableAnswer(await this.client.answer(network, questionName, snapshot, referenceSnapshot));
    } finally {
      // Questions are uploaded under throw-away names; leave the server's network tidy.
      await this.client.deleteQuestion(network, questionName).catch(() => undefined);
    }
  }

  /** Every template the server offers, sorted by name; fetched once per session. */
  async templates(): Promise<QuestionTemplate[]> {
    this.#templates ??= await this.client.questionTemplates();
    return [...this.#templates.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A template by instance name (case-insensitive). */
  async template(name: string): Promise<QuestionTemplate> {
    await this.templates();
    const template = this.#templates?.get(name.toLowerCase());
    if (!template) {
      throw new InputError(`Batfish at ${this.client.baseUrl} does not offer the question '${name}'`, {
        hint: 'netq questions lists the questions this server offers',
      });
    }
    return template;
  }

  #pollOptions(label: string, deadline: number, phase: string) {
    return {
      clock: this.options.clock,
      deadline,
      label,
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

function checkName(kind: string, name: string): void {
  if (!NAME_PATTERN.test(name) || name.toLowerCase() === 'settings') {
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
