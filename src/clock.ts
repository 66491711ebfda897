/** Time as netq sees it. Injected so tests can run polling and deadlines without waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The longest delay Node's timers take (2^31-1 ms, about 24.8 days). A longer one overflows: Node
 * warns (TimeoutOverflowWarning) and fires after 1 ms, so a generous `--timeout` would end at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay as a timer can take it: a whole number of milliseconds from 1 to MAX_TIMER_MS. */
export function timerMs(ms: number): number {
  if (Number.isNaN(ms)) return 1;
  return Math.min(Math.max(Math.ceil(ms), 1), MAX_TIMER_MS);
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, timerMs(ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
