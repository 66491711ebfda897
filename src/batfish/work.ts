import type { Clock } from '../clock.js';
import { BatfishError, BatfishHttpError, BatfishWorkError, tailLines } from '../errors.js';
import { backoffDelay, type BackoffPolicy } from '../poll.js';
import { TERMINAL_WORK_CODES, type BatfishClient, type WorkItem, type WorkStatus } from './client.js';

export interface PollOptions {
  clock: Clock;
  /** Absolute time (clock.now()) after which netq gives up waiting. */
  deadline: number;
  /** What the work is, for messages: `parsing snapshot nyc-...`. */
  label: string;
  /** Called with each new status, so the caller can show progress. */
  onStatus?: (status: WorkStatus) => void;
  signal?: AbortSignal;
  /** Waits for this item together with the network's other items (see WorkWatcher). */
  watcher?: WorkWatcher;
}

/**
 * How often netq asks about queued work: a tenth of the time waited so far, at least every 10 ms
 * and at most every second. pybatfish starts at 0.1 s and grows by 1.5x per poll, which loses up
 * to a third of a short item's time (a stored-snapshot answer takes Batfish tens of milliseconds)
 * and a quarter-second or more of every item on a busy queue; this loses at most a tenth of the
 * wait (or 10 ms), for more status GETs early on (about 30 in the first second, 25 more up to ten
 * seconds, then one a second).
 */
export const WORK_POLL: BackoffPolicy = { initialDelayMs: 10, elapsedFraction: 0.1, maxDelayMs: 1000 };
/** How much of a failed work item's log netq shows without --verbose. */
const LOG_TAIL_LINES = 40;

/** Queues a work item, waits for it to end, and throws a BatfishWorkError unless it succeeded. */
export async function runWork(client: BatfishClient, item: WorkItem, options: PollOptions): Promise<WorkStatus> {
  try {
    await client.queueWork(item);
  } catch (error) {
    throw await explainRefusal(client, item, error);
  }
  return awaitWork(client, item, options);
}

/** Waits for a queued work item to end; throws a BatfishWorkError unless it succeeded. */
export async function awaitWork(client: BatfishClient, item: WorkItem, options: PollOptions): Promise<WorkStatus> {
  const status = await pollWork(client, item, options);
  if (status.code === 'TERMINATEDNORMALLY') return status;
  throw await describeFailure(client, item, status, options.label);
}

/**
 * Batfish refuses (500) to queue a question on a snapshot whose parse or data plane failed earlier,
 * with a stack trace that does not say so. The snapshot's status does: this turns the refusal into
 * what happened, why (the failed work's log), and the way out (`--fresh`).
 */
async function explainRefusal(client: BatfishClient, item: WorkItem, error: unknown): Promise<unknown> {
  if (!(error instanceof BatfishHttpError && error.status === 500 && item.requestParams.answer !== undefined)) return error;
  const snapshots = [item.testrigName, ...(item.requestParams.deltatestrig ? [item.requestParams.deltatestrig] : [])];
  for (const snapshot of snapshots) {
    const metadata = await client.snapshotMetadata(item.containerName, snapshot).catch(() => undefined);
    if (metadata?.status !== 'DATAPLANING_FAIL' && metadata?.status !== 'PARSING_FAIL') continue;
    const dataPlane = metadata.status === 'DATAPLANING_FAIL';
    const cause = await blockerFailure(client, item.containerName, snapshot);
    return new BatfishError(
      dataPlane
        ? `the data plane of snapshot ${snapshot} failed when Batfish computed it earlier, so Batfish refuses questions that need it`
        : `snapshot ${snapshot} failed to parse earlier, so Batfish refuses questions about it`,
      {
        ...(cause ? { details: cause } : {}),
        verboseDetails: error.body,
        cause: error,
        hint: dataPlane
          ? 'run again with --fresh to upload the snapshot again and compute its data plane anew (if Batfish ran out of memory, give it more first: --memory)'
          : 'run again with --fresh to upload and parse the snapshot again',
      },
    );
  }
  return error;
}

/**
 * Waits for a queued work item until its status is terminal or the deadline passes: with the
 * network's other items when the options name their watcher, else on its own.
 */
export function pollWork(client: BatfishClient, item: WorkItem, options: PollOptions): Promise<WorkStatus> {
  const watcher = options.watcher ?? new WorkWatcher(client, item.containerName, options.clock, options.signal);
  return watcher.wait(item, options);
}

/** A 404 for a work item's status: the server forgot it (a restart). Other errors as they are. */
function lostWork(error: unknown, item: WorkItem, label: string): unknown {
  if (!(error instanceof BatfishHttpError && error.status === 404)) return error;
  return new BatfishWorkError(`Batfish lost track of work ${item.id} while ${label}`, item.id, 'LOST', {
    hint: 'the Batfish server probably restarted (work queues live in memory); run the command again',
    cause: error,
  });
}

interface Waiter {
  item: WorkItem;
  options: PollOptions;
  /** When it started waiting (clock.now()). */
  since: number;
  last: WorkStatus | undefined;
  resolve: (status: WorkStatus) => void;
  reject: (error: unknown) => void;
}

/**
 * Waits for the work items of one network together. Batfish works through its queue one item at
 * a time, and netq queues many at once (a site's questions; every site's with --all and check):
 * instead of asking about each item on every poll, a poll with more than one item waiting asks
 * for the network's incomplete-work list (`GET /networks/{n}/work`), then once about each item
 * that left it. One item waiting is asked about directly (`GET /networks/{n}/work/{id}`), as
 * pybatfish does. Polls follow WORK_POLL, timed from the newest item or the last one seen ending
 * (whichever is later: the server then starts the next), so every item in a queue is seen soon
 * after it ends, not only the first; each item keeps its own deadline, label and progress reports.
 */
export class WorkWatcher {
  readonly #waiting = new Set<Waiter>();
  #running = false;
  /** When netq last saw one of its items end (clock.now()). */
  #lastEnded = -Infinity;

  constructor(
    private readonly client: BatfishClient,
    private readonly network: string,
    private readonly clock: Clock,
    private readonly signal?: AbortSignal,
  ) {}

  /** The item's terminal status (whatever it is), or a TIMEOUT or LOST BatfishWorkError. */
  wait(item: WorkItem, options: PollOptions): Promise<WorkStatus> {
    if (item.containerName !== this.network) return Promise.reject(new Error(`work of network ${item.containerName} given to the watcher of ${this.network}`));
    return new Promise<WorkStatus>((resolve, reject) => {
      this.#waiting.add({ item, options, since: this.clock.now(), last: undefined, resolve, reject });
      if (!this.#running) void this.#run();
    });
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (this.#waiting.size > 0) {
        this.signal?.throwIfAborted();
        // An item whose time is up ends on its own; the others go on being polled.
        const before = this.clock.now();
        for (const waiter of this.#waiting) {
          if (before >= waiter.options.deadline) this.#settle(waiter, () => waiter.reject(this.#timeout(waiter)));
        }
        if (this.#waiting.size === 0) break;
        await this.#pollOnce();
        this.signal?.throwIfAborted();
        if (this.#waiting.size === 0) break;
        const now = this.clock.now();
        // Batfish works on one item at a time: the one it works on now started when the last one
        // ended (or when it was queued), and that is what the wait is timed from.
        const started = Math.max(this.#lastEnded, ...[...this.#waiting].map((w) => w.since));
        const delayMs = backoffDelay(WORK_POLL, 0, now - started);
        for (const waiter of this.#waiting) {
          if (now + delayMs > waiter.options.deadline) this.#settle(waiter, () => waiter.reject(this.#timeout(waiter)));
        }
        if (this.#waiting.size > 0) await this.clock.sleep(delayMs, this.signal);
      }
    } catch (error) {
      for (const waiter of this.#waiting) waiter.reject(error);
      this.#waiting.clear();
    } finally {
      this.#running = false;
    }
  }

  /** One poll: the items' statuses, settling the ones that ended. */
  async #pollOnce(): Promise<void> {
    const waiters = [...this.#waiting];
    const ids = [...new Set(waiters.map((w) => w.item.id))];
    // A poll serves every item, so it may take until the last deadline (an item whose own time
    // runs out meanwhile ends when the poll returns).
    const deadline = Math.max(...waiters.map((w) => w.options.deadline));
    const client = this.client.withDeadline(deadline);
    let running = new Map<string, WorkStatus>();
    if (ids.length > 1) running = new Map((await client.incompleteWork(this.network)).map((w) => [w.id, w.status]));
    await Promise.all(
      ids.map(async (id) => {
        const mine = waiters.filter((w) => w.item.id === id);
        let status = running.get(id);
        if (!status) {
          try {
            status = await client.workStatus(this.network, id);
          } catch (error) {
            for (const waiter of mine) this.#settle(waiter, () => waiter.reject(lostWork(error, waiter.item, waiter.options.label)));
            return;
          }
        }
        for (const waiter of mine) {
          if (status.code !== waiter.last?.code || status.batches.length) waiter.options.onStatus?.(status);
          waiter.last = status;
          if (TERMINAL_WORK_CODES.has(status.code)) {
            this.#lastEnded = this.clock.now();
            this.#settle(waiter, () => waiter.resolve(status));
          }
        }
      }),
    );
  }

  #timeout(waiter: Waiter): BatfishWorkError {
    return workTimeout(waiter.item, waiter.options.label, waiter.last ?? { code: 'UNASSIGNED', batches: [] });
  }

  #settle(waiter: Waiter, settle: () => void): void {
    this.#waiting.delete(waiter);
    settle();
  }
}

/** The error for work still running at the deadline; the hint depends on whether it ever started. */
function workTimeout(item: WorkItem, label: string, status: WorkStatus): BatfishWorkError {
  return new BatfishWorkError(`timed out while ${label} (work ${item.id} still ${status.code})`, item.id, 'TIMEOUT', {
    details:
      'Batfish has no way to cancel queued work: this item stays in its queue and runs to its end, and work queued after it waits for it. ' +
      'A next run that asks the same about the same snapshot waits for this item instead of queueing it again.',
    hint:
      status.code === 'UNASSIGNED'
        ? 'Batfish has not started the work yet: it may still be starting or busy with other work; raise --timeout'
        : 'large networks and data-plane questions can take minutes; raise --timeout',
  });
}

/** Builds the error for a failed work item, with the worker's log or the blocker's error. */
async function describeFailure(
  client: BatfishClient,
  item: WorkItem,
  status: WorkStatus,
  label: string,
): Promise<BatfishWorkError> {
  const network = item.containerName;
  const snapshot = item.testrigName;
  const reason = status.errMessage ?? lastBatch(status);
  const base = `Batfish failed while ${label}: ${status.code}${reason ? ` (${reason})` : ''}`;
  if (status.code === 'TERMINATEDABNORMALLY' || status.code === 'TERMINATEDBYUSER') {
    const log = await client.workLog(network, snapshot, item.id).catch(() => undefined);
    return new BatfishWorkError(base, item.id, status.code, {
      ...(log?.trim() ? { details: `work log (tail):\n${tailLines(log, LOG_TAIL_LINES)}` } : {}),
      hint: 'the log above is from the Batfish worker; --verbose shows more of it',
    });
  }
  if (status.code === 'REQUEUEFAILURE') {
    // The question waited for a parse or data-plane item that failed; that item holds the cause.
    const cause = await blockerFailure(client, network, snapshot);
    return new BatfishWorkError(base, item.id, status.code, {
      ...(cause ? { details: cause } : {}),
      hint:
        'the data plane (or parse) this question needs failed (the log above says why; a Batfish out of memory needs --memory); ' +
        'Batfish keeps that failure: after fixing the cause, run again with --fresh to compute it anew',
    });
  }
  return new BatfishWorkError(base, item.id, status.code, {
    hint: 'Batfish refused the work item; run again with --verbose and check the Batfish server log',
  });
}

async function blockerFailure(client: BatfishClient, network: string, snapshot: string): Promise<string | undefined> {
  try {
    const parts: string[] = [];
    const metadata = await client.snapshotMetadata(network, snapshot);
    if (metadata.errMessage) parts.push(`snapshot ${snapshot} is ${metadata.status}: ${metadata.errMessage}`);
    const failed = (await client.completedWork(network, snapshot)).filter(
      (w) => w.status === 'TERMINATEDABNORMALLY' && (w.workType === 'DATAPLANING' || w.workType === 'PARSING'),
    );
    const last = failed.at(-1);
    if (last) {
      const log = await client.workLog(network, snapshot, last.id);
      if (log?.trim()) parts.push(`${last.workType.toLowerCase()} work log (tail):\n${tailLines(log, LOG_TAIL_LINES)}`);
    }
    return parts.length ? parts.join('\n') : undefined;
  } catch {
    return undefined;
  }
}

function lastBatch(status: WorkStatus): string | undefined {
  const batch = status.batches.at(-1);
  return batch?.description ? batch.description.replace(/\s*\n\s*/g, ': ') : undefined;
}

/** A one-line progress text for a work status, like pybatfish's `<description> <done> / <size>`. */
export function describeStatus(status: WorkStatus): string {
  const batch = status.batches.at(-1);
  if (status.code === 'ASSIGNED' && batch?.description) {
    return batch.size > 0 ? `${batch.description} ${batch.completed}/${batch.size}` : batch.description;
  }
  switch (status.code) {
    case 'UNASSIGNED':
    case 'TRYINGTOASSIGN':
      return 'queued';
    case 'BLOCKED':
      return 'waiting for the data plane';
    default:
      return status.code.toLowerCase();
  }
}
