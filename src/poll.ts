import type { Clock } from './clock.js';

/**
 * How long to sleep between tries, never more than `maxDelayMs` (the first sleep included): either
 * `initialDelayMs` times `factor` after each try, or (`elapsedFraction`) a fixed share of the time
 * spent waiting so far, at least `initialDelayMs`: short work is seen soon after it ends, long work
 * is asked about rarely, and the time lost after the end stays a fraction of the wait.
 */
export type BackoffPolicy = { initialDelayMs: number; maxDelayMs: number } & ({ factor: number } | { elapsedFraction: number });

/**
 * The sleep after a try that was not done: the previous sleep times the factor, or the policy's
 * share of the time waited so far (at least the initial delay); never more than the cap.
 */
export function backoffDelay(backoff: BackoffPolicy, previousMs: number, elapsedMs: number): number {
  const next = 'factor' in backoff ? previousMs * backoff.factor : Math.max(backoff.initialDelayMs, elapsedMs * backoff.elapsedFraction);
  return Math.min(next, backoff.maxDelayMs);
}

/** One try's outcome: done with a value, or not yet (with why, for the give-up error). */
export type PollStep<T> = { done: true; value: T } | { done: false; reason?: unknown };

export interface PollOptions {
  clock: Clock;
  backoff: BackoffPolicy;
  /** Stop trying when the next sleep would end after this time (clock.now() milliseconds). */
  deadline?: number;
  /**
   * When the next sleep would end after the deadline, sleep until the deadline and try once more
   * instead of giving up early: "wait up to N seconds" then finds a server that comes up at N-ε.
   */
  lastTryAtDeadline?: boolean;
  /** Stop after this many tries, the first included. */
  maxAttempts?: number;
  /** Sleeps end (and the poll rejects with the signal's reason) when it aborts. */
  signal?: AbortSignal;
  /**
   * The error to throw when the deadline or the attempts run out, from the last try's reason. It
   * may be a promise, for errors that need I/O first (a container's log tail).
   */
  giveUp: (last: { reason: unknown; attempts: number }) => unknown;
  /** Called before each sleep with the try that was not done, so callers can report the retry. */
  onRetry?: (last: { reason: unknown; attempts: number; delayMs: number }) => void;
}

/**
 * The one wait loop of netq: calls `attempt` until it says done, sleeping with backoff between
 * tries. Every wait (HTTP retries, work polling, snapshot waits, container readiness, locks) goes
 * through here, so timing, deadlines and cancellation are decided in one place.
 */
export async function poll<T>(attempt: (attemptNumber: number) => Promise<PollStep<T>>, options: PollOptions): Promise<T> {
  const { clock, backoff, signal } = options;
  const started = clock.now();
  let delayMs = Math.min(backoff.initialDelayMs, backoff.maxDelayMs);
  let lastTry = false;
  for (let attempts = 1; ; attempts++) {
    signal?.throwIfAborted();
    const step = await attempt(attempts);
    if (step.done) return step.value;
    if (attempts > 1) delayMs = backoffDelay(backoff, delayMs, clock.now() - started);
    // An interrupt that lands during the last try is still an interrupt, not a timeout.
    signal?.throwIfAborted();
    const outOfTries = options.maxAttempts !== undefined && attempts >= options.maxAttempts;
    let outOfTime = false;
    if (options.deadline !== undefined && clock.now() + delayMs > options.deadline) {
      const leftMs = options.deadline - clock.now();
      if (options.lastTryAtDeadline && !lastTry && leftMs > 0) {
        lastTry = true;
        delayMs = leftMs;
      } else {
        outOfTime = true;
      }
    }
    if (outOfTries || outOfTime) throw await options.giveUp({ reason: step.reason, attempts });
    options.onRetry?.({ reason: step.reason, attempts, delayMs });
    await clock.sleep(delayMs, signal);
  }
}
