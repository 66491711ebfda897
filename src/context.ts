import type { BaseContext } from 'clipanion';
import os from 'node:os';
import path from 'node:path';
import { v4 as uuidv4 } from 'uuid';
import { BatfishHttp, type BatfishHttpOptions } from './batfish/http.js';
import { systemClock, type Clock } from './clock.js';
import { LazyDockerEngine } from './docker/lazy-engine.js';
import type { DockerEngine } from './docker/engine.js';

/**
 * Everything a command needs from the outside world. `src/cli.ts` builds the real one; tests
 * build their own with PassThrough streams, a fake clock or a simulator URL.
 */
export interface NetqContext extends BaseContext {
  cwd: string;
  clock: Clock;
  /** A fresh UUID v4 (work item ids, question and snapshot names). */
  newId: () => string;
  /** Builds the HTTP transport to a Batfish server. */
  createBatfishHttp: (options: BatfishHttpOptions) => BatfishHttp;
  /** Connects to the Docker engine (DOCKER_HOST and friends come from the environment). */
  createDockerEngine: (env: Record<string, string | undefined>) => DockerEngine;
  /** Where snapshot zips are written before upload. */
  tmpDir: string;
  /** Where netq keeps its lock file. */
  stateDir: string;
  /** Aborted on SIGINT/SIGTERM; long waits and requests stop when it fires. */
  signal: AbortSignal;
}

export type ServiceOverrides = Partial<Omit<NetqContext, keyof BaseContext>>;

/** The real services, with any of them replaced. */
export function createServices(overrides: ServiceOverrides = {}): Omit<NetqContext, keyof BaseContext> {
  return {
    cwd: process.cwd(),
    clock: systemClock,
    newId: () => uuidv4(),
    createBatfishHttp: (options) => new BatfishHttp(options),
    createDockerEngine: (env) => new LazyDockerEngine(env),
    tmpDir: os.tmpdir(),
    stateDir: path.join(process.env.XDG_RUNTIME_DIR || os.tmpdir(), `netq-${os.userInfo().uid}`),
    signal: new AbortController().signal,
    ...overrides,
  };
}
