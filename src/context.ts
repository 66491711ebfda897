import type { BaseContext } from 'clipanion';
import type { Services } from './app/services.js';

/**
 * Everything a command needs from the outside world: clipanion's streams and environment, and the
 * run's services. `src/main.ts` builds the real one (with `createServices` of src/app/services.ts);
 * tests build their own with PassThrough streams, a fake clock or a simulator URL.
 */
export interface NetqContext extends BaseContext, Services {}
