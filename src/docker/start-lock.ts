/**
 * The cross-process start lock: everything done to the shared container happens under a lock file
 * in the state folder, so netq processes started together share one container.
 */
import lockfile from 'proper-lockfile';
import path from 'node:path';
import { DockerError } from '../errors.js';
import { makeDirs } from '../host.js';
import { poll, type PollStep } from '../poll.js';
import type { ContainerManagerOptions } from './container-settings.js';

/** How often a netq waiting for another one's start tries the lock again. */
const LOCK_RETRY_MS = 250;

/** Runs `fn` holding the start lock of `owner` (netq's names' owner), waiting at most `timeoutMs` for it. */
export async function withStartLock<T>(options: ContainerManagerOptions, owner: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const { clock, stateDir } = options;
  await makeDirs(stateDir);
  const target = path.join(stateDir, `${owner}-start`);
  const release = await poll(
    async (): Promise<PollStep<() => Promise<void>>> => {
      try {
        return { done: true, value: await lockfile.lock(target, { realpath: false, stale: 15_000, update: 5_000 }) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
        options.onPhase?.('waiting for the Batfish another netq is starting');
        return { done: false };
      }
    },
    {
      clock,
      backoff: { initialDelayMs: LOCK_RETRY_MS, factor: 1, maxDelayMs: LOCK_RETRY_MS },
      // One retry interval of grace: the wait gives up only once the timeout has passed, as it
      // always has, not when the next retry would pass it.
      deadline: clock.now() + timeoutMs + LOCK_RETRY_MS,
      signal: options.signal,
      giveUp: () =>
        new DockerError('another netq is still starting Batfish', {
          hint: `wait for it, or remove the lock ${target}.lock if no netq is running`,
        }),
    },
  );
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
