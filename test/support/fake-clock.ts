import type { Clock } from '../../src/clock.js';

/**
 * A clock for tests: time stands still until something sleeps, and a sleep of N ms moves it N ms
 * forward at once. Waits with minutes of timeout so run in milliseconds, and their timing is
 * exact, so tests can assert the sleeps a wait made.
 */
export class FakeClock implements Clock {
  #nowMs: number;
  #onSleep: Array<(ms: number) => void> = [];
  /** Every sleep asked for, in order, in milliseconds (aborted ones included). */
  readonly sleepsMs: number[] = [];

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  /** Moves time forward without a sleep, as when an operation itself takes time. */
  advance(ms: number): void {
    this.#nowMs += ms;
  }

  /**
   * Calls `listener` when a sleep starts, before it ends: the place to abort a signal, or change
   * the world, "during" a wait.
   */
  onSleep(listener: (ms: number) => void): void {
    this.#onSleep.push(listener);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      this.sleepsMs.push(ms);
      // A macrotask, not a microtask: an abort or any other task queued meanwhile gets to run first,
      // as it would during a real sleep.
      const timer = setImmediate(() => {
        signal?.removeEventListener('abort', onAbort);
        this.#nowMs += ms;
        resolve();
      });
      const onAbort = (): void => {
        clearImmediate(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const listener of this.#onSleep) listener(ms);
    });
  }
}
