import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import type { Clock } from '../clock.js';
import { DockerError } from '../errors.js';
import { poll, type BackoffPolicy, type PollStep } from '../poll.js';
import type { ContainerInfo, DockerEngine } from './engine.js';

/** Labels on every container netq starts; netq finds its containers by these, never by name. */
export const LABELS = {
  managedBy: 'io.netq.managed-by',
  version: 'io.netq.version',
  image: 'io.netq.image',
  ephemeral: 'io.netq.ephemeral',
} as const;
export const MANAGED_BY = 'netq';

/** The upstream image netq runs when nothing else is asked for (a dated release tag, never `latest`). */
export const PINNED_BATFISH_IMAGE = 'batfish/batfish:2025.07.07.2423';
/** The tag `netq service build` gives its image; commands prefer it when it exists. */
export const NETQ_BATFISH_IMAGE = 'netq/batfish:local';
/** Batfish's coordinator port inside the container. */
export const BATFISH_CONTAINER_PORT = '9996/tcp';
/** How many log lines a failed start shows. */
const LOG_TAIL = 50;
/** Readiness checks of a starting container: 0.25 s, growing to one every 2 s (a JVM start takes tens of seconds). */
const READINESS_BACKOFF: BackoffPolicy = { initialDelayMs: 250, factor: 1.5, maxDelayMs: 2000 };
/** How often a netq waiting for another one's start tries the lock again. */
const LOCK_RETRY_MS = 250;

export interface StartOptions {
  image: string;
  /** Host port on 127.0.0.1; undefined or 0 lets Docker choose a free one. */
  hostPort?: number;
  memoryBytes?: number;
  jvmOpts?: string;
  startupTimeoutMs: number;
  /** A one-shot container: not shared, removed by the caller when done. */
  ephemeral: boolean;
}

export interface ManagedBatfish {
  id: string;
  url: string;
  /** True when this call started the container (false: an existing one was reused). */
  started: boolean;
  info: ContainerInfo;
}

export interface ContainerManagerOptions {
  engine: DockerEngine;
  clock: Clock;
  newId: () => string;
  netqVersion: string;
  /** Folder for the cross-process lock file. */
  stateDir: string;
  /** True once Batfish answers at this URL (`GET /v2/version`). */
  probe: (url: string) => Promise<boolean>;
  onPhase?: (text: string) => void;
  signal?: AbortSignal;
}

/**
 * Finds, starts and removes the Batfish containers netq manages. Starting is guarded by a lock
 * file, so two netq processes started together end up sharing one container.
 */
export class BatfishContainers {
  #reachable: Promise<void> | undefined;

  constructor(private readonly options: ContainerManagerOptions) {}

  /** Pings the engine once per manager; every operation starts with it. */
  #ping(): Promise<void> {
    this.#reachable ??= this.options.engine.ping();
    return this.#reachable;
  }

  /**
   * The image to run: the one asked for, else the image `netq service build` made, else the pinned
   * upstream image; pulled (with progress) when the engine does not have it.
   */
  async resolveImage(requested: string | undefined): Promise<string> {
    const { engine } = this.options;
    await this.#ping();
    const image = requested ?? ((await engine.imageExists(NETQ_BATFISH_IMAGE)) ? NETQ_BATFISH_IMAGE : PINNED_BATFISH_IMAGE);
    if (!(await engine.imageExists(image))) {
      this.options.onPhase?.(`pulling ${image}`);
      await engine.pullImage(image, (event) => this.options.onPhase?.(`pulling ${image}: ${event.text}`));
    }
    return image;
  }

  /** netq's containers (running or not), oldest first. */
  async list(): Promise<ContainerInfo[]> {
    await this.#ping();
    const all = await this.options.engine.listContainers({ [LABELS.managedBy]: MANAGED_BY });
    return all.sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? ''));
  }

  /** The shared (non-ephemeral) running container, if there is one. */
  async findRunning(): Promise<ContainerInfo | undefined> {
    return (await this.list()).find((c) => c.running && c.labels[LABELS.ephemeral] !== 'true' && c.hostPort);
  }

  /** Reuses the running shared Batfish, or starts one and leaves it running for the next command. */
  async ensure(options: Omit<StartOptions, 'ephemeral'>): Promise<ManagedBatfish> {
    const existing = await this.findRunning();
    if (existing) return { id: existing.id, url: urlOf(existing), started: false, info: existing };
    return this.#withLock(options.startupTimeoutMs, async () => {
      // Another netq may have started one while this one waited for the lock.
      const again = await this.findRunning();
      if (again) return { id: again.id, url: urlOf(again), started: false, info: again };
      return this.start({ ...options, ephemeral: false });
    });
  }

  /**
   * Creates and starts a container and waits until Batfish answers. If it exits, times out or the
   * user interrupts, the container is removed and the error carries its last log lines.
   */
  async start(options: StartOptions): Promise<ManagedBatfish> {
    const { engine, clock } = this.options;
    await this.#ping();
    const id = await engine.createContainer({
      name: `netq-batfish-${this.options.newId().slice(0, 8)}`,
      image: options.image,
      labels: {
        [LABELS.managedBy]: MANAGED_BY,
        [LABELS.version]: this.options.netqVersion,
        [LABELS.image]: options.image,
        [LABELS.ephemeral]: String(options.ephemeral),
      },
      env: options.jvmOpts ? [`JAVA_TOOL_OPTIONS=${options.jvmOpts}`] : [],
      publish: { containerPort: BATFISH_CONTAINER_PORT, hostPort: options.hostPort ?? 0 },
      ...(options.memoryBytes ? { memoryBytes: options.memoryBytes } : {}),
    });
    try {
      await engine.startContainer(id);
      const deadline = clock.now() + options.startupTimeoutMs;
      return await poll(
        async (): Promise<PollStep<ManagedBatfish>> => {
          const info = await engine.inspectContainer(id);
          if (!info || !info.running) throw await this.#startFailure(id, info, options);
          this.options.onPhase?.(`starting Batfish (container ${id.slice(0, 12)}, port ${info.hostPort ?? '?'})`);
          if (info.hostPort && (await this.options.probe(urlOf(info)))) {
            return { done: true, value: { id, url: urlOf(info), started: true, info } };
          }
          return { done: false };
        },
        {
          clock,
          backoff: READINESS_BACKOFF,
          deadline,
          signal: this.options.signal,
          giveUp: async () => {
            const logs = await engine.logs(id, LOG_TAIL).catch(() => '');
            return new DockerError(`Batfish did not answer within ${Math.round(options.startupTimeoutMs / 1000)}s (image ${options.image})`, {
              ...(logs.trim() ? { details: `container log (last ${LOG_TAIL} lines):\n${logs.trimEnd()}` } : {}),
              hint: 'a large heap takes longer to start: raise --startup-timeout, or check the log above',
            });
          },
        },
      );
    } catch (error) {
      await engine.removeContainer(id).catch(() => undefined);
      throw error;
    }
  }

  /** Removes every container netq started; returns their ids. */
  async removeAll(): Promise<string[]> {
    const containers = await this.list();
    for (const c of containers) {
      this.options.onPhase?.(`stopping ${c.name}`);
      await this.options.engine.stopContainer(c.id, 10);
      await this.options.engine.removeContainer(c.id);
    }
    return containers.map((c) => c.id);
  }

  async remove(id: string): Promise<void> {
    await this.options.engine.removeContainer(id);
  }

  async #startFailure(id: string, info: ContainerInfo | undefined, options: StartOptions): Promise<DockerError> {
    const logs = await this.options.engine.logs(id, LOG_TAIL).catch(() => '');
    const details = logs.trim() ? { details: `container log (last ${LOG_TAIL} lines):\n${logs.trimEnd()}` } : {};
    if (info && (info.oomKilled || info.exitCode === 137)) {
      return new DockerError(`Batfish ran out of memory while starting (container exit code ${info.exitCode}, OOMKilled ${info.oomKilled})`, {
        ...details,
        hint: `give it more memory with --memory (now ${options.memoryBytes ? formatMemory(options.memoryBytes) : 'no limit'}); Batfish's heap is 80% of it`,
      });
    }
    return new DockerError(`Batfish exited while starting (image ${options.image}, exit code ${info?.exitCode ?? 'unknown'})`, {
      ...details,
      hint: 'the container log above says why; check --image and --jvm-opts',
    });
  }

  async #withLock<T>(timeoutMs: number, fn: () => Promise<T>): Promise<T> {
    const { clock, stateDir } = this.options;
    await mkdir(stateDir, { recursive: true });
    const target = path.join(stateDir, 'service');
    const release = await poll(
      async (): Promise<PollStep<() => Promise<void>>> => {
        try {
          return { done: true, value: await lockfile.lock(target, { realpath: false, stale: 15_000, update: 5_000 }) };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
          this.options.onPhase?.('waiting for another netq that is starting Batfish');
          return { done: false };
        }
      },
      {
        clock,
        backoff: { initialDelayMs: LOCK_RETRY_MS, factor: 1, maxDelayMs: LOCK_RETRY_MS },
        // One retry interval of grace: the wait gives up only once the timeout has passed, as it
        // always has, not when the next retry would pass it.
        deadline: clock.now() + timeoutMs + LOCK_RETRY_MS,
        signal: this.options.signal,
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
}

export function urlOf(info: ContainerInfo): string {
  return `http://127.0.0.1:${info.hostPort}`;
}

/** `4g`, `512m`, `1.5G`, `2048` (MiB when no unit) → bytes. */
export function parseMemory(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] || 'm').toLowerCase();
  const power = { k: 1, m: 2, g: 3, t: 4 }[unit as 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(match[1]) * 1024 ** power);
}

export function formatMemory(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${Number(gib.toFixed(1))}g` : `${Math.round(bytes / 1024 ** 2)}m`;
}
