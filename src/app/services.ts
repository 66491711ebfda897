import os from 'node:os';
import path from 'node:path';
import { v4 as uuidv4 } from 'uuid';
import { BatfishHttp } from '../batfish/http.js';
import { systemClock } from '../clock.js';
import type { NetqContext } from '../context.js';
import { LazyDockerEngine } from '../docker/lazy-engine.js';
import { BatfishProvider, type ProviderDeps } from './provider.js';

/** The services of a run, each replaceable (tests pass a temp folder, a fake engine, ...). */
export type ServiceOverrides = Partial<Omit<NetqContext, keyof import('clipanion').BaseContext | 'batfish'> & ProviderDeps> & {
  batfish?: BatfishProvider;
};

/** The folder of netq's lock and caches: $XDG_RUNTIME_DIR/netq-<uid>, else the temp folder. */
export function defaultStateDir(env: Record<string, string | undefined>): string {
  return path.join(env.XDG_RUNTIME_DIR || os.tmpdir(), `netq-${os.userInfo().uid}`);
}

/** The real services (the composition root's half that does not depend on clipanion), with any replaced. */
export function createServices(overrides: ServiceOverrides = {}): Omit<NetqContext, keyof import('clipanion').BaseContext> {
  const env = overrides.env ?? process.env;
  const clock = overrides.clock ?? systemClock;
  const signal = overrides.signal ?? new AbortController().signal;
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
