import { setMaxListeners } from 'node:events';
import os from 'node:os';
import { v4 as uuidv4 } from 'uuid';
import { BatfishHttp } from '../batfish/http.js';
import { systemClock, type Clock } from '../clock.js';
import { LazyDockerEngine } from '../docker/lazy-engine.js';
import { defaultStateDir } from '../host.js';
import type { NetqEventListener } from './events.js';
import { BatfishProvider, type ProviderDeps } from './provider.js';
import type { RunDeps } from './site-run.js';

/**
 * The outside world of a run, built once per process (or per library call): the CLI's context
 * holds these (src/context.ts), the library API and a service build their own.
 */
export interface Services {
  cwd: string;
  clock: Clock;
  /** Where snapshot zips are written before upload. */
  tmpDir: string;
  /** Aborted on SIGINT/SIGTERM (or by the caller); long waits and requests stop when it fires. */
  signal: AbortSignal;
  /** Where Batfish comes from: a given URL or netq's managed container. */
  batfish: BatfishProvider;
}

/** The services of a run, each replaceable (tests pass a temp folder, a fake engine, ...). */
export type ServiceOverrides = Partial<Omit<Services, 'batfish'> & ProviderDeps & { env: NodeJS.ProcessEnv }> & {
  batfish?: BatfishProvider;
};

/** What a use case needs of the services, with the caller's event listener: the one way RunDeps are made. */
export function runDeps(services: Pick<Services, 'cwd' | 'clock' | 'tmpDir' | 'batfish'>, onEvent: NetqEventListener): RunDeps {
  return { cwd: services.cwd, clock: services.clock, tmpDir: services.tmpDir, stateDir: services.batfish.deps.stateDir, onEvent };
}

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
export function createServices(overrides: ServiceOverrides = {}): Services {
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
