import { createReadStream } from 'node:fs';
import type { Clock } from '../clock.js';
import { BatfishError, BatfishHttpError, BatfishUnreachableError, InputError } from '../errors.js';
import { isObject, parseTableAnswer, type TableAnswer } from './answer.js';
import type { BatfishClient, BatfishVersion, WorkStatus } from './client.js';
import { instantiateQuestion, serializeQuestion, type QuestionParameters, type QuestionTemplate } from './question.js';
import { describeStatus, runWork } from './work.js';

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

export interface AskRequest {
  network: string;
  snapshot: string;
  /** Template instance name, e.g. `bgpSessionStatus`. */
  question: string;
  parameters: QuestionParameters;
  referenceSnapshot?: string;
  deadline: number;
}

export interface AskResult {
  answer: TableAnswer;
  template: QuestionTemplate;
  /** The parameters that were sent (the ones given, without undefined). */
  parameters: QuestionParameters;
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
    const { clock } = this.options;
    const deadline = clock.now() + readyTimeoutMs;
    this.options.onPhase?.(`connecting to Batfish at ${this.client.baseUrl}`);
    let version: BatfishVersion;
    for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 2000)) {
      try {
        version = await this.client.version();
        break;
      } catch (error) {
        const retry =
          (error instanceof BatfishUnreachableError && error.code !== 'cancelled') ||
          (error instanceof BatfishHttpError && [502, 503, 504].includes(error.status));
        if (!retry || clock.now() + delayMs > deadline) throw error;
        await clock.sleep(delayMs, this.options.signal);
      }
    }
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
   * Makes sure the network holds the snapshot, parsed. A snapshot of that name that is already
   * parsed is reused as it is (its name carries a hash of its input), unless `fresh` is set. Only
   * otherwise is the zip made (streamed from disk) and uploaded, and a parse queued. Another netq
   * uploading the same snapshot at the same moment is waited for, not fought.
   */
  async ensureSnapshot(request: {
    network: string;
    snapshot: string;
    makeZip: () => Promise<{ zipPath: string; sizeBytes: number; dispose(): Promise<void> }>;
    fresh: boolean;
    deadline: number;
  }): Promise<{ reused: boolean; health: ParseHealth }> {
    const { network, snapshot, deadline } = request;
    checkName('network', network);
    checkName('snapshot', snapshot);
    await this.client.ensureNetwork(network);
    if ((await this.client.listSnapshots(network)).includes(snapshot)) {
      const { status } = await this.client.snapshotMetadata(network, snapshot);
      if (request.fresh || status === 'PARSING_FAIL') {
        await this.client.deleteSnapshot(network, snapshot);
      } else {
        this.options.onPhase?.(`reusing snapshot ${snapshot}`);
        await this.#waitParsed(network, snapshot, deadline);
        return { reused: true, health: { files: {} } };
      }
    }
    const zip = await request.makeZip();
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
    } finally {
      await zip.dispose();
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
    for (let delayMs = 200; ; delayMs = Math.min(delayMs * 1.5, 1000)) {
      const metadata = await this.client.snapshotMetadata(network, snapshot);
      if (['PARSED', 'DATAPLANING', 'DATAPLANED', 'DATAPLANING_FAIL'].includes(metadata.status)) return;
      if (metadata.status === 'PARSING_FAIL') {
        throw new BatfishError(`snapshot ${snapshot} failed to parse${metadata.errMessage ? `: ${metadata.errMessage}` : ''}`, {
          hint: 'run again with --fresh to upload and parse it again',
        });
      }
      if (this.options.clock.now() + delayMs > deadline) {
        throw new BatfishError(`timed out waiting for snapshot ${snapshot} to be parsed (it is ${metadata.status})`, {
          hint: 'another netq may be uploading it; raise --timeout, or use --fresh',
        });
      }
      this.options.onPhase?.(`waiting for snapshot ${snapshot} (${metadata.status.toLowerCase()})`);
      await this.options.clock.sleep(delayMs, this.options.signal);
    }
  }

  /** Asks a question on a parsed snapshot and returns the validated table. */
  async ask(request: AskRequest): Promise<AskResult> {
    const template = await this.template(request.question);
    const parameters = Object.fromEntries(Object.entries(request.parameters).filter(([, v]) => v !== undefined));
    const questionName = `__${template.name}_${this.options.newId()}`;
    const question = instantiateQuestion(template, parameters, questionName);
    const { network, snapshot, referenceSnapshot } = request;
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
      const json = await this.client.answer(network, questionName, snapshot, referenceSnapshot);
      return { answer: parseTableAnswer(json), template, parameters };
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
