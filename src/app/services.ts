import { setMaxListeners } from 'node:events';
import os from 'node:os';
import { v4 as uuidv4 } from 'uuid';
import { BatfishHttp } from '../batfish/http.js';
import { systemClock } from '../clock.js';
import type { NetqContext } from '../context.js';
import { LazyDockerEngine } from '../docker/lazy-engine.js';
import { defaultStateDir } from '../host.js';
import { BatfishProvider, type ProviderDeps } from './provider.js';

/** The services of a run, each replaceable (tests pass a temp folder, a fake engine, ...). */
export type ServiceOverrides = Partial<Omit<NetqContext, keyof import('clipanion').BaseContext | 'batfish'> & ProviderDeps> & {
  batfish?: BatfishProvider;
};

/**
 * The signal the run's parts listen to: its own, following the caller's (one listener on it, so
 * many requests at once never warn of a listener leak in the caller's process), without a
 * listener limit (every request in flight listens).
 */
function runSignal(caller: AbortSignal | undefined): AbortSignal {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  if (caller?.aborted) controller.abort(caller.reason);
  else caller?.addEventListener('abort', () => controller.abort(caller.reason), { once: true });
  return controller.signal;
}

/** The real services (the composition root's half that does not depend on clipanion), with any replaced. */
export function createServices(overrides: ServiceOverrides = {}): Omit<NetqContext, keyof import('clipanion').BaseContext> {
  const env = overrides.env ?? process.env;
  const clock = overrides.clock ?? systemClock;
  const signal = runSignal(overrides.signal);
  const batfish =
    overrides.batfish ??
    new BatfishProvider({
      clock,
      signal,
      env,
      newId: overrides.newId ?? (() => uuidv4()),
      stateDir: overrides.stateDir ?? defaultStateDir(env),
      createHttp: overrides.createHttp ?? ((options) => new BatfishHttp(options)),
      createEngine: overrides.createEngine ?? ((engineEnv) => new LazyDockerEngine(engineEnv)),
    });
  return { cwd: overrides.cwd ?? process.cwd(), clock, tmpDir: overrides.tmpDir ?? os.tmpdir(), signal, batfish };
}
