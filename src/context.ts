import type { BaseContext } from 'clipanion';
import type { BatfishProvider } from './app/provider.js';
import type { Clock } from './clock.js';

/**
 * Everything a command needs from the outside world. `src/cli.ts` builds the real one (with
 * `createServices` of src/app/services.ts); tests build their own with PassThrough streams, a fake
 * clock or a simulator URL.
 */
export interface NetqContext extends BaseContext {
  cwd: string;
  clock: Clock;
  /** Where snapshot zips are written before upload. */
  tmpDir: string;
  /** Aborted on SIGINT/SIGTERM; long waits and requests stop when it fires. */
  signal: AbortSignal;
  /** Where Batfish comes from: a given URL or netq's managed container. */
  batfish: BatfishProvider;
}
