import type { Clock } from '../clock.js';
import { BatfishError, BatfishHttpError, BatfishWorkError, tailLines } from '../errors.js';
import { poll, type PollStep } from '../poll.js';
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
}

/** Poll interval as pybatfish does it: 0.1 s, times 1.5 each poll, at most 1 s. */
export const POLL_START_MS = 100;
export const POLL_FACTOR = 1.5;
export const POLL_MAX_MS = 1000;
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

/** Polls `GET /work/{id}` until the status is terminal or the deadline passes. */
export async function pollWork(client: BatfishClient, item: WorkItem, options: PollOptions): Promise<WorkStatus> {
  let lastCode = '';
  const attempt = async (): Promise<PollStep<WorkStatus>> => {
    let status: WorkStatus;
    try {
      status = await client.workStatus(item.containerName, item.id);
    } catch (error) {
      if (error instanceof BatfishHttpError && error.status === 404) {
        throw new BatfishWorkError(`Batfish lost track of work ${item.id} while ${options.label}`, item.id, 'LOST', {
          hint: 'the Batfish server probably restarted (work queues live in memory); run the command again',
          cause: error,
        });
      }
      throw error;
    }
    if (status.code !== lastCode || status.batches.length) options.onStatus?.(status);
    lastCode = status.code;
    if (TERMINAL_WORK_CODES.has(status.code)) return { done: true, value: status };
    return { done: false, reason: workTimeout(item, options.label, status) };
  };
  return poll(attempt, {
    clock: options.clock,
    backoff: { initialDelayMs: POLL_START_MS, factor: POLL_FACTOR, maxDelayMs: POLL_MAX_MS },
    deadline: options.deadline,
    signal: options.signal,
    giveUp: ({ reason }) => reason,
  });
}

/** The error for work still running at the deadline; the hint depends on whether it ever started. */
function workTimeout(item: WorkItem, label: string, status: WorkStatus): BatfishWorkError {
  return new BatfishWorkError(`timed out while ${label} (work ${item.id} still ${status.code})`, item.id, 'TIMEOUT', {
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
