/**
 * A snapshot's parse: queueing it as pybatfish does, waiting for it (or for another client's),
 * queueing it again when nothing parses it, and the per-file parse health it reports.
 */
import { BatfishError, BatfishHttpError, BatfishTimeoutError, BatfishUnreachableError, BatfishWorkError } from '../errors.js';
import { poll, type BackoffPolicy } from '../poll.js';
import { isObject } from './answer.js';
import type { BatfishClient, SnapshotMetadata, WorkItem } from './client.js';
import type { SessionFlow } from './session-flow.js';
import { awaitWork } from './work.js';

/** Waiting for another client's parse: 0.2 s, ×1.5, at most 1 s. */
const SNAPSHOT_WAIT_BACKOFF: BackoffPolicy = { initialDelayMs: 200, factor: 1.5, maxDelayMs: 1000 };
/** Snapshot statuses from which questions can be asked (a failed data plane still answers config questions). */
export const PARSED_STATUSES = new Set(['PARSED', 'DATAPLANING', 'DATAPLANED', 'DATAPLANING_FAIL']);
/** Statuses of a snapshot on its way to being parsed: a parse is queued or running, or should be. */
export const INITIALISING_STATUSES = new Set(['UNINITIALIZED', 'PARSING']);
/** How many times one wait queues a snapshot's parse again when nothing is parsing it. */
const MAX_PARSE_REQUEUES = 2;

/** Per-file parse status counts after a snapshot was initialised. */
export interface ParseHealth {
  /** File path inside the snapshot → Batfish ParseStatus (`PASSED`, `FAILED`, `EMPTY`, ...). */
  files: Record<string, string>;
}

/** A snapshot parsed (with the per-file health when netq ran the parse), or deleted by another client meanwhile. */
export type ParseOutcome = { health: ParseHealth } | 'gone';

/**
 * Gets an uploaded snapshot parsed: queues its parse (with `queue`) or waits for the one under
 * way. Nothing may be parsing it: the parse request failed (a 500, a dropped connection), or the
 * client that uploaded it was killed before asking. Left alone, such a snapshot stays
 * UNINITIALIZED for good, so a snapshot that is not parsed while the server has no work on it
 * gets its parse queued again (at most MAX_PARSE_REQUEUES times per wait). `gone` means another
 * client deleted the snapshot meanwhile (a concurrent `--fresh`).
 */
export async function ensureParsed(
  flow: SessionFlow,
  client: BatfishClient,
  network: string,
  snapshot: string,
  deadline: number,
  queue: boolean,
  parseReuse = false,
): Promise<ParseOutcome> {
  const { clock, signal } = flow.options;
  let queueNow = queue;
  let requeues = 0;
  // Why the last parse of ours did not happen, to report when the requeues run out.
  let lastFailure: unknown;
  return poll<ParseOutcome>(
    async () => {
      if (queueNow) {
        queueNow = false;
        const item = parseItem(network, snapshot, flow.options.newId(), parseReuse);
        let queued = false;
        try {
          await client.queueWork(item);
          queued = true;
        } catch (error) {
          if (!mayHaveBeenQueued(error)) throw error;
          lastFailure = error;
        }
        if (queued) {
          const parsed = await runParse(flow, client, item, deadline);
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
        flow.options.onPhase?.(`nothing is parsing snapshot ${snapshot} (${metadata.status.toLowerCase()}); queueing its parse again`);
        return { done: false, reason: metadata.status };
      }
      flow.options.onPhase?.(`waiting for snapshot ${snapshot} (${metadata.status.toLowerCase()})`);
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
async function runParse(flow: SessionFlow, client: BatfishClient, item: WorkItem, deadline: number): Promise<ParseOutcome | { failure: unknown }> {
  const { containerName: network, testrigName: snapshot } = item;
  flow.options.onPhase?.(`parsing snapshot ${snapshot}`);
  try {
    await awaitWork(client, item, flow.pollOptions(network, `parsing snapshot ${snapshot}`, deadline, 'parsing'));
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

/**
 * The parse work item, exactly as pybatfish's init_snapshot queues it. `parseReuse` adds
 * Batfish's `parsereuse` flag (Settings.ARG_PARSE_REUSE, off by default on the server): the
 * worker then reuses the parse of a file it parsed before in this network, keyed by the file's
 * name and text (Batfish.getOrParse), so a fork parses only what differs from its base.
 */
function parseItem(network: string, snapshot: string, id: string, parseReuse = false): WorkItem {
  return {
    containerName: network,
    id,
    requestParams: { testrig: snapshot, si: '', sv: '', initinfo: '', ...(parseReuse ? { parsereuse: '' } : {}) },
    testrigName: snapshot,
  };
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
export async function optionalMetadata(client: BatfishClient, network: string, snapshot: string): Promise<SnapshotMetadata | undefined> {
  try {
    return await client.snapshotMetadata(network, snapshot);
  } catch (error) {
    if (error instanceof BatfishHttpError && error.status === 404) return undefined;
    throw error;
  }
}
