import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { poll, type BackoffPolicy, type PollStep } from '../../src/poll.js';
import { FakeClock } from '../support/fake-clock.js';

const BACKOFF: BackoffPolicy = { initialDelayMs: 100, factor: 2, maxDelayMs: 1000 };

/** An attempt that is not done until try `doneAt` (never, by default), giving `not yet N` as its reason. */
function countdown(doneAt = Infinity) {
  const tries: number[] = [];
  const attempt = async (n: number): Promise<PollStep<string>> => {
    tries.push(n);
    return n >= doneAt ? { done: true, value: `done at ${n}` } : { done: false, reason: `not yet ${n}` };
  };
  return { tries, attempt };
}

describe('poll', () => {
  it('returns the value of the first try that is done, without sleeping', async () => {
    const clock = new FakeClock();
    const { attempt } = countdown(1);
    assert.equal(await poll(attempt, { clock, backoff: BACKOFF, giveUp: () => new Error('no') }), 'done at 1');
    assert.deepEqual(clock.sleepsMs, []);
  });

  it('sleeps with a backoff that grows by the factor and stops at the cap', async () => {
    const clock = new FakeClock();
    const { attempt, tries } = countdown(7);
    assert.equal(await poll(attempt, { clock, backoff: BACKOFF, giveUp: () => new Error('no') }), 'done at 7');
    assert.deepEqual(tries, [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(clock.sleepsMs, [100, 200, 400, 800, 1000, 1000]);
  });

  it('with lastTryAtDeadline, sleeps until the deadline and tries once more instead of giving up early', async () => {
    const clock = new FakeClock();
    const { attempt, tries } = countdown(Infinity);
    // Tries at 0, 100, 300, 700; the next sleep (800) would end at 1500, past the deadline at 1000.
    await assert.rejects(poll(attempt, { clock, backoff: BACKOFF, deadline: clock.now() + 1000, lastTryAtDeadline: true, giveUp: ({ reason }) => new Error(String(reason)) }), /not yet 5/);
    assert.deepEqual(tries, [1, 2, 3, 4, 5]);
    assert.deepEqual(clock.sleepsMs, [100, 200, 400, 300]);
    const late = countdown(5);
    const other = new FakeClock();
    assert.equal(await poll(late.attempt, { clock: other, backoff: BACKOFF, deadline: other.now() + 1000, lastTryAtDeadline: true, giveUp: () => new Error('no') }), 'done at 5');
  });

  it('caps the first sleep too when the initial delay exceeds the cap', async () => {
    const clock = new FakeClock();
    const { attempt } = countdown(3);
    await poll(attempt, { clock, backoff: { initialDelayMs: 5000, factor: 2, maxDelayMs: 300 }, giveUp: () => new Error('no') });
    assert.deepEqual(clock.sleepsMs, [300, 300]);
  });

  it('grows by fractional factors as pybatfish polls work (0.1 s × 1.5 up to 1 s)', async () => {
    const clock = new FakeClock();
    const { attempt } = countdown(8);
    await poll(attempt, { clock, backoff: { initialDelayMs: 100, factor: 1.5, maxDelayMs: 1000 }, giveUp: () => new Error('no') });
    assert.deepEqual(clock.sleepsMs, [100, 150, 225, 337.5, 506.25, 759.375, 1000]);
  });

  it('sleeps a fraction of the time waited so far, at least the initial delay, at most the cap', async () => {
    const clock = new FakeClock();
    const { attempt } = countdown(40);
    await poll(attempt, { clock, backoff: { initialDelayMs: 10, elapsedFraction: 0.5, maxDelayMs: 100 }, giveUp: () => new Error('no') });
    // 10, then half of 10, 20, 30, 45, 67.5 (floored at 10), then the cap.
    assert.deepEqual(clock.sleepsMs.slice(0, 8), [10, 10, 10, 15, 22.5, 33.75, 50.625, 75.9375]);
    assert.deepEqual(clock.sleepsMs.slice(8, 12), [100, 100, 100, 100]);
  });

  it('counts the time a try itself takes as time waited', async () => {
    const clock = new FakeClock();
    const attempt = async (n: number): Promise<PollStep<number>> => {
      clock.advance(100);
      return n >= 3 ? { done: true, value: n } : { done: false };
    };
    await poll(attempt, { clock, backoff: { initialDelayMs: 10, elapsedFraction: 0.5, maxDelayMs: 1000 }, giveUp: () => new Error('no') });
    // First sleep 10; then half of 100 + 10 + 100.
    assert.deepEqual(clock.sleepsMs, [10, 105]);
  });

  it('gives up after maxAttempts tries, with the last reason and the count', async () => {
    const clock = new FakeClock();
    const { attempt, tries } = countdown();
    const seen: Array<{ reason: unknown; attempts: number }> = [];
    const error = new Error('gave up');
    await assert.rejects(
      poll(attempt, {
        clock,
        backoff: BACKOFF,
        maxAttempts: 4,
        giveUp: (last) => {
          seen.push(last);
          return error;
        },
      }),
      (e: unknown) => e === error,
    );
    assert.deepEqual(tries, [1, 2, 3, 4]);
    assert.deepEqual(seen, [{ reason: 'not yet 4', attempts: 4 }]);
    // No sleep after the last try: giving up is immediate.
    assert.deepEqual(clock.sleepsMs, [100, 200, 400]);
  });

  it('gives up when the next sleep would end after the deadline, never sleeping past it', async () => {
    const clock = new FakeClock(0);
    const { attempt, tries } = countdown();
    const seen: unknown[] = [];
    await assert.rejects(
      poll(attempt, {
        clock,
        backoff: BACKOFF,
        deadline: 1000,
        giveUp: ({ reason }) => {
          seen.push(reason);
          return new Error(`timed out: ${String(reason)}`);
        },
      }),
      /^Error: timed out: not yet 4$/,
    );
    // 100 + 200 + 400 = 700; a sleep of 800 more would end at 1500 > 1000.
    assert.deepEqual(clock.sleepsMs, [100, 200, 400]);
    assert.deepEqual(tries, [1, 2, 3, 4]);
    assert.equal(clock.now(), 700);
    assert.deepEqual(seen, ['not yet 4']);
  });

  it('sleeps up to exactly the deadline', async () => {
    const clock = new FakeClock(0);
    const { attempt, tries } = countdown();
    await assert.rejects(poll(attempt, { clock, backoff: { initialDelayMs: 250, factor: 1, maxDelayMs: 250 }, deadline: 1000, giveUp: () => new Error('late') }), /late/);
    assert.equal(clock.now(), 1000);
    assert.equal(tries.length, 5);
  });

  it('counts the time the tries themselves take against the deadline', async () => {
    const clock = new FakeClock(0);
    const tries: number[] = [];
    await assert.rejects(
      poll(
        async (n) => {
          tries.push(n);
          clock.advance(400);
          return { done: false };
        },
        { clock, backoff: BACKOFF, deadline: 1000, giveUp: ({ attempts }) => new Error(`gave up after ${attempts}`) },
      ),
      /gave up after 2/,
    );
    assert.deepEqual(clock.sleepsMs, [100]);
  });

  it('tries once even when the deadline has passed', async () => {
    const clock = new FakeClock(5000);
    const { attempt, tries } = countdown();
    await assert.rejects(poll(attempt, { clock, backoff: BACKOFF, deadline: 1000, giveUp: () => new Error('late') }), /late/);
    assert.deepEqual(tries, [1]);
  });

  it('throws the error of an asynchronous give-up, not a promise', async () => {
    const clock = new FakeClock();
    const { attempt } = countdown();
    // Boxed by hand: assert.rejects (and a plain .catch) would unwrap a thrown promise and hide the flaw.
    const { thrown } = await poll(attempt, {
      clock,
      backoff: BACKOFF,
      maxAttempts: 2,
      giveUp: async ({ reason }) => new Error(`with logs: ${String(reason)}`),
    }).then(
      () => ({ thrown: undefined }),
      (e: unknown) => ({ thrown: e }),
    );
    assert.ok(thrown instanceof Error, `threw ${String(thrown)}`);
    assert.equal(thrown.message, 'with logs: not yet 2');
  });

  it('reports each retry before its sleep, but not the try it gives up after', async () => {
    const clock = new FakeClock();
    const { attempt } = countdown();
    const retries: unknown[] = [];
    await assert.rejects(
      poll(attempt, { clock, backoff: BACKOFF, maxAttempts: 3, giveUp: () => new Error('no'), onRetry: (retry) => retries.push(retry) }),
      /no/,
    );
    assert.deepEqual(retries, [
      { reason: 'not yet 1', attempts: 1, delayMs: 100 },
      { reason: 'not yet 2', attempts: 2, delayMs: 200 },
    ]);
  });

  it('lets an error thrown by a try end the poll at once', async () => {
    const clock = new FakeClock();
    let tries = 0;
    await assert.rejects(
      poll(
        async () => {
          tries++;
          if (tries === 2) throw new Error('fatal');
          return { done: false };
        },
        { clock, backoff: BACKOFF, maxAttempts: 10, giveUp: () => new Error('no') },
      ),
      /fatal/,
    );
    assert.equal(tries, 2);
    assert.deepEqual(clock.sleepsMs, [100]);
  });

  it('rejects with the signal reason when it aborts during a sleep', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const reason = new Error('SIGINT');
    clock.onSleep(() => {
      if (clock.sleepsMs.length === 2) controller.abort(reason);
    });
    const { attempt, tries } = countdown();
    await assert.rejects(
      poll(attempt, { clock, backoff: BACKOFF, signal: controller.signal, giveUp: () => new Error('no') }),
      (e: unknown) => e === reason,
    );
    assert.deepEqual(tries, [1, 2]);
    // The aborted sleep did not run its course.
    assert.equal(clock.now(), new FakeClock().now() + 100);
  });

  it('does not try at all when the signal has already aborted', async () => {
    const clock = new FakeClock();
    const reason = new Error('SIGTERM');
    const { attempt, tries } = countdown(1);
    await assert.rejects(
      poll(attempt, { clock, backoff: BACKOFF, signal: AbortSignal.abort(reason), giveUp: () => new Error('no') }),
      (e: unknown) => e === reason,
    );
    assert.deepEqual(tries, []);
  });

  it('prefers the abort to giving up when the signal aborts during the last try', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const reason = new Error('SIGINT');
    await assert.rejects(
      poll(
        async () => {
          controller.abort(reason);
          return { done: false, reason: 'not yet' };
        },
        { clock, backoff: BACKOFF, maxAttempts: 1, signal: controller.signal, giveUp: () => new Error('gave up') },
      ),
      (e: unknown) => e === reason,
    );
  });
});
