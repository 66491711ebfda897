import type { Readable } from 'node:stream';
import { BatfishAnswerError, BatfishHttpError } from '../errors.js';
import { isObject } from './answer.js';
import type { BatfishHttp, HttpRequest, HttpResponse } from './http.js';
import { readAnswerBody } from './answer-stream.js';

/** What `GET /v2/version` reports. */
export interface BatfishVersion {
  batfish: string;
  apiVersion: string;
}

/** A fork of a snapshot: what is deactivated in it (Batfish's `NodeInterfacePair` and `Edge` shapes). */
export interface SnapshotFork {
  base: string;
  name: string;
  deactivateNodes?: string[];
  deactivateInterfaces?: Array<{ hostname: string; interface: string }>;
  deactivateLinks?: Array<{ node1: string; node1interface: string; node2: string; node2interface: string }>;
}

/** A work item as the client queues it (`POST /networks/{n}/work`). */
export interface WorkItem {
  containerName: string;
  id: string;
  requestParams: Record<string, string>;
  testrigName: string;
}

export interface WorkBatch {
  description: string;
  completed: number;
  size: number;
}

/** `GET /networks/{n}/work/{id}`, validated. */
export interface WorkStatus {
  code: string;
  taskStatus?: string;
  errMessage?: string;
  batches: WorkBatch[];
}

export interface SnapshotMetadata {
  status: string;
  errMessage?: string;
  creationTimestamp?: string;
}

export interface CompletedWork {
  id: string;
  status: string;
  workType: string;
}

/** One item of a network's incomplete work (`GET /networks/{n}/work`). */
export interface IncompleteWork {
  id: string;
  /** The snapshot it works on (`workitem.testrigName`). */
  snapshot: string;
  code: string;
  requestParams: Record<string, string>;
  /** The item's status, with its progress, as `GET /networks/{n}/work/{id}` would give it. */
  status: WorkStatus;
}

/** Work status codes after which a work item never changes again (pybatfish and the server agree). */
export const TERMINAL_WORK_CODES = new Set([
  'TERMINATEDNORMALLY',
  'TERMINATEDABNORMALLY',
  'TERMINATEDBYUSER',
  'ASSIGNMENTERROR',
  'REQUEUEFAILURE',
]);

const seg = encodeURIComponent;
const NO_RETRY = { attempts: 1, initialDelayMs: 0, maxDelayMs: 0 };

/**
 * Typed calls for each Batfish v2 endpoint netq uses. One method per endpoint, no flow logic:
 * that lives in work.ts and session.ts.
 */
export class BatfishClient {
  /**
   * @param deadline when set, every request of this client ends by then (clock.now() ms): a run's
   *   `--timeout` bounds each request, not just the waits between them. See `withDeadline`.
   */
  constructor(
    readonly http: BatfishHttp,
    readonly deadline?: number,
  ) {}

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** This client, with every request bounded by a run's deadline (same connection, same counters). */
  withDeadline(deadline: number | undefined): BatfishClient {
    return deadline === undefined ? this : new BatfishClient(this.http, deadline);
  }

  /**
   * `GET /v2/version`, tried once: BatfishSession.connect does the waiting for a starting server.
   * `timeoutMs` bounds the try (a server that takes the connection and never answers).
   */
  async version(timeoutMs?: number): Promise<BatfishVersion> {
    const json = await this.#json({ method: 'GET', path: '/version', retry: NO_RETRY, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    if (!isObject(json) || typeof json.Batfish !== 'string') {
      throw new BatfishAnswerError(`${this.baseUrl}/v2/version did not answer like Batfish`, {
        hint: 'check that --batfish-url points at a Batfish server (port 9996)',
      });
    }
    // Servers before API 2.1.0 do not report api_version; pybatfish assumes 2.0.0.
    return { batfish: json.Batfish, apiVersion: typeof json.api_version === 'string' ? json.api_version : '2.0.0' };
  }

  /** `GET /question_templates` as the server sent it (what netq's template cache keeps). */
  async questionTemplatesJson(): Promise<unknown> {
    return this.#json({ method: 'GET', path: '/question_templates', query: { verbose: 'false' } });
  }

  /** Creates the network unless it exists (GET, then POST on 404, as pybatfish's set_network). */
  async ensureNetwork(network: string): Promise<'existed' | 'created'> {
    try {
      await this.#send({ method: 'GET', path: `/networks/${seg(network)}` });
      return 'existed';
    } catch (error) {
      if (!(error instanceof BatfishHttpError) || error.status !== 404) throw error;
    }
    try {
      await this.#send({ method: 'POST', path: '/networks', query: { name: network } });
      return 'created';
    } catch (error) {
      // Another client created it between our GET and POST.
      if (error instanceof BatfishHttpError && error.status === 400 && /already exists/i.test(error.body)) {
        return 'existed';
      }
      throw error;
    }
  }

  /** Snapshot names of a network, newest first. */
  async listSnapshots(network: string): Promise<string[]> {
    const json = await this.#json({
      method: 'GET',
      path: `/networks/${seg(network)}/snapshots`,
      query: { verbose: 'false' },
    });
    if (!Array.isArray(json)) throw new BatfishAnswerError('Batfish sent a snapshot list that is not a list');
    return json.map(String);
  }

  /** Uploads a snapshot zip. The server unzips and checks it before it answers 201. */
  async uploadSnapshot(
    network: string,
    snapshot: string,
    zip: Readable,
    sizeBytes: number,
    timeoutMs: number,
  ): Promise<void> {
    await this.#send({
      method: 'POST',
      path: `/networks/${seg(network)}/snapshots/${seg(snapshot)}`,
      raw: zip,
      contentLength: sizeBytes,
      timeoutMs,
    });
  }

  /**
   * Forks a snapshot (`POST /networks/{n}/snapshots:fork`, a `ForkSnapshotBean`): the base's files
   * with nodes, interfaces or links deactivated. The fork is UNINITIALIZED and must be parsed like
   * an upload. A 400 `already exists` after a retried request may be this very fork: a caller that
   * names forks by content checks the snapshot instead of failing.
   */
  async forkSnapshot(network: string, fork: SnapshotFork): Promise<void> {
    await this.#send({
      method: 'POST',
      path: `/networks/${seg(network)}/snapshots:fork`,
      json: {
        snapshotBase: fork.base,
        snapshotNew: fork.name,
        deactivateNodes: fork.deactivateNodes?.length ? fork.deactivateNodes : null,
        deactivateInterfaces: fork.deactivateInterfaces?.length ? fork.deactivateInterfaces : null,
        deactivateLinks: fork.deactivateLinks?.length ? fork.deactivateLinks : null,
        restoreNodes: null,
        restoreInterfaces: null,
        restoreLinks: null,
        zipFile: null,
      },
    });
  }

  async deleteSnapshot(network: string, snapshot: string): Promise<void> {
    await this.#send({ method: 'DELETE', path: `/networks/${seg(network)}/snapshots/${seg(snapshot)}` });
  }

  async snapshotMetadata(network: string, snapshot: string, options: { once?: boolean } = {}): Promise<SnapshotMetadata> {
    const json = await this.#json({
      method: 'GET',
      path: `/networks/${seg(network)}/snapshots/${seg(snapshot)}`,
      ...(options.once ? { retry: NO_RETRY } : {}),
    });
    const init = isObject(json) && isObject(json.initializationMetadata) ? json.initializationMetadata : {};
    return {
      status: typeof init.currentStatus === 'string' ? init.currentStatus : 'UNKNOWN',
      ...(typeof init.errMessage === 'string' ? { errMessage: init.errMessage } : {}),
      ...(isObject(json) && typeof json.creationTimestamp === 'string'
        ? { creationTimestamp: json.creationTimestamp }
        : {}),
    };
  }

  async queueWork(item: WorkItem): Promise<void> {
    await this.#send({ method: 'POST', path: `/networks/${seg(item.containerName)}/work`, json: item });
  }

  async workStatus(network: string, id: string): Promise<WorkStatus> {
    const json = await this.#json({ method: 'GET', path: `/networks/${seg(network)}/work/${seg(id)}` });
    const status = parseWorkStatus(json);
    if (!status) throw new BatfishAnswerError(`Batfish sent a work status without workstatuscode for work ${id}`);
    return status;
  }

  /** The worker's log for a work item, or undefined when there is none (404). */
  async workLog(network: string, snapshot: string, id: string): Promise<string | undefined> {
    return this.#optional(
      this.#send({
        method: 'GET',
        path: `/networks/${seg(network)}/snapshots/${seg(snapshot)}/worklog/${seg(id)}`,
      }),
    ).then((r) => r?.text);
  }

  /** The JSON the work item produced (for a parse: an InitInfoAnswerElement), or undefined. */
  async workJson(network: string, snapshot: string, id: string): Promise<unknown> {
    const response = await this.#optional(
      this.#send({
        method: 'GET',
        path: `/networks/${seg(network)}/snapshots/${seg(snapshot)}/workjson/${seg(id)}`,
      }),
    );
    if (!response) return undefined;
    try {
      return JSON.parse(response.text) as unknown;
    } catch {
      return undefined;
    }
  }

  /** The network's incomplete work items (queued, blocked or running), across its snapshots. */
  async incompleteWork(network: string): Promise<IncompleteWork[]> {
    const json = await this.#json({ method: 'GET', path: `/networks/${seg(network)}/work` });
    if (!Array.isArray(json)) throw new BatfishAnswerError('Batfish sent an incomplete-work list that is not a list');
    return json.filter(isObject).flatMap((status) => {
      const item = isObject(status.workitem) ? status.workitem : undefined;
      if (!item || typeof item.id !== 'string') return [];
      const params = isObject(item.requestParams) ? item.requestParams : {};
      return [
        {
          id: item.id,
          snapshot: typeof item.testrigName === 'string' ? item.testrigName : String(params.testrig ?? ''),
          code: typeof status.workstatuscode === 'string' ? status.workstatuscode : 'UNKNOWN',
          requestParams: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
          status: parseWorkStatus(status) ?? { code: 'UNKNOWN', batches: [] },
        },
      ];
    });
  }

  async completedWork(network: string, snapshot: string): Promise<CompletedWork[]> {
    const json = await this.#json({
      method: 'GET',
      path: `/networks/${seg(network)}/snapshots/${seg(snapshot)}/completed_work`,
    });
    if (!Array.isArray(json)) return [];
    return json.filter(isObject).map((w) => ({
      id: String(w.id),
      status: String(w.status),
      workType: String(w.workType),
    }));
  }

  /** Uploads a question as text, as pybatfish does (octet-stream). */
  async putQuestion(network: string, name: string, text: string): Promise<void> {
    await this.#send({
      method: 'PUT',
      path: `/networks/${seg(network)}/questions/${seg(name)}`,
      raw: text,
    });
  }

  /** The text of a question as it was uploaded, or undefined when the network has none by that name. */
  async questionText(network: string, name: string): Promise<string | undefined> {
    const response = await this.#optional(this.#send({ method: 'GET', path: `/networks/${seg(network)}/questions/${seg(name)}` }));
    return response?.text;
  }

  /**
   * The answer Batfish stored for a question about a snapshot. Read as it arrives: the rows of a
   * large table are parsed a block at a time, never from one string of the whole body.
   */
  async answer(network: string, question: string, snapshot: string, referenceSnapshot?: string): Promise<unknown> {
    const response = await this.#send({
      method: 'GET',
      path: `/networks/${seg(network)}/questions/${seg(question)}/answer`,
      query: { snapshot, referenceSnapshot },
      readBody: readAnswerBody,
    });
    return response.parsed;
  }

  #send(req: HttpRequest): Promise<HttpResponse> {
    return this.http.request(this.deadline === undefined ? req : { ...req, deadline: this.deadline });
  }

  #json(req: HttpRequest): Promise<unknown> {
    return this.http.requestJson(this.deadline === undefined ? req : { ...req, deadline: this.deadline });
  }

  async #optional<T>(request: Promise<T>): Promise<T | undefined> {
    try {
      return await request;
    } catch (error) {
      if (error instanceof BatfishHttpError && error.status === 404) return undefined;
      throw error;
    }
  }
}

/** A WorkStatus (`{ workstatuscode, task: { status, errMessage, batches } }`), or undefined when it has no code. */
function parseWorkStatus(json: unknown): WorkStatus | undefined {
  if (!isObject(json) || typeof json.workstatuscode !== 'string') return undefined;
  const task = isObject(json.task) ? json.task : undefined;
  const batches = Array.isArray(task?.batches)
    ? task.batches.filter(isObject).map((b) => ({
        description: typeof b.description === 'string' ? b.description : '',
        completed: typeof b.completed === 'number' ? b.completed : 0,
        size: typeof b.size === 'number' ? b.size : 0,
      }))
    : [];
  return {
    code: json.workstatuscode,
    ...(typeof task?.status === 'string' ? { taskStatus: task.status } : {}),
    ...(typeof task?.errMessage === 'string' ? { errMessage: task.errMessage } : {}),
    batches,
  };
}
