/**
 * The container lifecycle (BatfishContainers): finding netq's Batfish, reusing it (resumed, healed,
 * or replaced with --restart), starting one, ephemeral containers and their release. Its parts:
 * container-settings.ts (labels, images, port, log cap, `--memory`, the manager's options),
 * images.ts, readiness.ts, start-lock.ts and cleanup.ts.
 */
import path from 'node:path';
import { DockerError } from '../errors.js';
import { discard, pruneStopped, reapOrphans, removeAll } from './cleanup.js';
import {
  BATFISH_CONTAINER_PORT,
  CONTAINER_LOG,
  LABELS,
  formatMemory,
  type BatfishRequest,
  type ContainerManagerOptions,
  type ManagedBatfish,
  type RunningBatfish,
  type StartOptions,
} from './container-settings.js';
import { LOCAL_VIEW, announcement, describeBinding, reachBatfish, type EngineView } from './endpoint.js';
import type { ContainerInfo, ProgressEvent } from './engine.js';
import { baseImageOf, buildImage, normalizeImage, resolveImage } from './images.js';
import { NETQ_NAMES, type DockerNames } from './names.js';
import { ContainerLeases, localProcesses, ownerLabels, type HostProcesses } from './owners.js';
import { awaitShared, awaitStarted } from './readiness.js';
import { withStartLock } from './start-lock.js';

// Defined in container-settings.ts; the commands and the application layer import them from here.

/**
 * Finds, starts, heals and removes the Batfish containers netq manages. Everything done to the
 * shared container happens under a lock file, so netq processes started together share one
 * container, and each process using it holds a lease, so `--restart` never pulls it from under one.
 */
export class BatfishContainers {
  readonly names: DockerNames;
  readonly #processes: HostProcesses;
  readonly #leases: ContainerLeases;
  #reachable: Promise<void> | undefined;
  #view: Promise<EngineView> | undefined;
  #network: Promise<void> | undefined;

  constructor(private readonly options: ContainerManagerOptions) {
    this.names = options.names ?? NETQ_NAMES;
    this.#processes = options.processes ?? localProcesses;
    this.#leases = new ContainerLeases(path.join(options.stateDir, `${this.names.owner}-users`), this.#processes);
  }

  /** Pings the engine once per manager; every operation starts with it. */
  #ping(): Promise<void> {
    this.#reachable ??= this.options.engine.ping();
    return this.#reachable;
  }

  /** Where the engine is, and so on which address Batfish is published and reached. */
  engineView(): Promise<EngineView> {
    this.#view ??= this.#ping().then(() => (this.options.engineView ? this.options.engineView() : LOCAL_VIEW));
    return this.#view;
  }

  /** The URL at which this netq reaches a container's Batfish; undefined when it cannot. */
  async urlOf(info: ContainerInfo): Promise<string | undefined> {
    return reachBatfish(info.bindings, await this.engineView())?.url;
  }

  /**
   * The image to run: the one asked for, else the image `netq service build` made, else the pinned
   * upstream image; pulled (with progress) when the engine does not have it.
   */
  async resolveImage(requested: string | undefined): Promise<string> {
    await this.#ping();
    return resolveImage(this.options, this.names, requested);
  }

  /** netq's containers (running or not), oldest first. */
  async list(): Promise<ContainerInfo[]> {
    await this.#ping();
    const all = await this.options.engine.listContainers({ [LABELS.managedBy]: this.names.owner });
    return all.sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? ''));
  }

  /**
   * Reuses the running shared Batfish (waiting until it answers, resuming it when paused), or
   * starts one and leaves it running for the next command. Flags that differ from the running
   * container are reported; with `restart` it is replaced when no other netq uses it.
   */
  async ensure(request: BatfishRequest): Promise<ManagedBatfish> {
    const list = await this.list();
    await reapOrphans(this.options, this.#processes, list);
    // A pull can take minutes: done before taking the lock, and only when a container is to be started.
    let image = request.restart || !sharedIn(list) ? await this.resolveImage(request.image) : undefined;
    const managed = await withStartLock(this.options, this.names.owner, request.startupTimeoutMs, async () => {
      // Again under the lock: another netq may have started or replaced it meanwhile.
      const shared = sharedIn(await this.list());
      const reused = shared ? await this.#reuse(shared, request) : undefined;
      if (reused) return reused;
      await pruneStopped(this.options, this.#leases, await this.list());
      image ??= await this.resolveImage(request.image);
      const started = await this.start({ ...request, image, ephemeral: false });
      return { ...started, release: await this.#leases.take(started.id) };
    });
    await this.#announce(managed);
    return managed;
  }

  /** Starts a private Batfish for one run; `release()` removes it. */
  async startEphemeral(request: BatfishRequest): Promise<ManagedBatfish> {
    await reapOrphans(this.options, this.#processes, await this.list());
    const image = await this.resolveImage(request.image);
    const started = await this.start({ ...request, image, ephemeral: true });
    await this.#announce(started);
    let removed = false;
    return {
      ...started,
      release: async () => {
        if (removed) return;
        removed = true;
        this.options.onPhase?.(`removing ephemeral Batfish ${started.id.slice(0, 12)}`);
        await this.options.engine.removeContainer(started.id);
      },
    };
  }

  /**
   * Creates and starts a container on netq's network and waits until Batfish answers. If it exits,
   * times out or the user interrupts, the container is removed and the error carries its last log lines.
   */
  async start(options: StartOptions): Promise<RunningBatfish> {
    const { engine, signal } = this.options;
    const { names } = this;
    const view = await this.engineView();
    await this.#ensureNetwork();
    const id = await engine.createContainer({
      name: `${names.containerPrefix}-${this.options.newId().slice(0, 8)}`,
      image: options.image,
      labels: {
        [LABELS.managedBy]: names.owner,
        [LABELS.version]: this.options.netqVersion,
        [LABELS.image]: options.image,
        [LABELS.ephemeral]: String(options.ephemeral),
        // Whose it is, so that a later netq can remove it if this process dies without doing so.
        ...(options.ephemeral ? ownerLabels(this.#processes.self()) : {}),
      },
      env: options.jvmOpts ? [`JAVA_TOOL_OPTIONS=${options.jvmOpts}`] : [],
      publish: { containerPort: BATFISH_CONTAINER_PORT, hostIp: view.bindIp, hostPort: options.hostPort ?? 0 },
      network: names.network,
      log: CONTAINER_LOG,
      ...(options.memoryBytes ? { memoryBytes: options.memoryBytes } : {}),
    });
    try {
      signal?.throwIfAborted();
      await engine.startContainer(id);
      return await awaitStarted(this.options, id, view, options);
    } catch (error) {
      await engine.removeContainer(id).catch(() => undefined);
      throw error;
    }
  }

  /** Removes every container netq started, and its network; returns the containers' ids. */
  async removeAll(): Promise<string[]> {
    return removeAll(this.options, this.names, this.#leases, await this.list());
  }

  async remove(id: string): Promise<void> {
    await this.options.engine.removeContainer(id);
  }

  /** The image a container's image was built on by `netq service build`; undefined for any other image. */
  baseImageOf(info: ContainerInfo): Promise<string | undefined> {
    return baseImageOf(this.options, info);
  }

  /**
   * Builds Dockerfile-batfish (in `contextDir`) on `base` (default: the pinned image) as `tag`
   * (default: the image commands prefer). The Dockerfile labels the image with its base.
   */
  async buildImage(
    options: { contextDir: string; base?: string; tag?: string },
    onProgress: (event: ProgressEvent) => void,
  ): Promise<{ tag: string; base: string }> {
    const base = options.base ?? this.names.pinnedImage;
    const tag = options.tag ?? this.names.localImage;
    await this.#ping();
    return buildImage(this.options, { contextDir: options.contextDir, base, tag }, onProgress);
  }

  /** Uses a running shared container; undefined when it was replaced (restart) or died meanwhile. */
  async #reuse(shared: ContainerInfo, request: BatfishRequest): Promise<ManagedBatfish | undefined> {
    const view = await this.engineView();
    const differences = await this.#differences(shared, request);
    const notAsAsked = differences.length ? `, and not as asked: ${differences.join('; ')}` : '';
    // Published where this machine cannot reach it (by a netq on the engine's host, or with another NETQ_BATFISH_HOST_IP).
    const unreachable = reachBatfish(shared.bindings, view) ? undefined : this.#unreachable(shared, view);
    if (request.restart) {
      const others = await this.#leases.holders(shared.id);
      if (others.length === 0) {
        this.options.onPhase?.(`replacing Batfish ${shared.name} (--restart)`);
        await discard(this.options, this.#leases, shared);
        this.options.onNotice?.(`removed Batfish ${shared.name} to start a new one (--restart)`);
        return undefined;
      }
      if (unreachable) {
        throw new DockerError(`${unreachable}; --restart leaves it to the ${others.length} other netq process${others.length > 1 ? 'es' : ''} of this machine using it (pid ${others.join(', ')})`, {
          hint: 'run --restart again when they are done, or netq service stop (which stops it for them too)',
        });
      }
      this.options.onWarning?.(
        `--restart: Batfish ${shared.name} is in use by ${others.length} other netq process${others.length > 1 ? 'es' : ''} (pid ${others.join(', ')})${notAsAsked}; ` +
          'netq uses it as it is. Run --restart again when they are done, or netq service stop (which stops it for them too)',
      );
    } else if (unreachable) {
      throw new DockerError(unreachable, {
        hint:
          `replace it by one published on ${view.bindIp}: run again with --restart (it is replaced when no other netq of this machine uses it), ` +
          'or netq service stop first (which stops it for every netq using it)',
      });
    } else if (differences.length) {
      this.options.onWarning?.(
        `Batfish ${shared.name} is already running${notAsAsked}; netq uses it as it is. ` +
          'To apply the flags: add --restart (replaces it when no other netq uses it), or netq service stop first',
      );
    }
    const ready = await awaitShared(this.options, shared, await this.engineView(), request.startupTimeoutMs);
    if (!ready) return undefined;
    return { id: ready.info.id, url: ready.url, started: false, info: ready.info, release: await this.#leases.take(ready.info.id) };
  }

  /** Why a running container is of no use to this netq: where it is published, and how netq reaches the engine. */
  #unreachable(info: ContainerInfo, view: EngineView): string {
    const published = info.bindings.map(describeBinding).join(' and ') || 'no address';
    const how = view.remote ? `it reaches the engine (${view.docker}) through ${view.remote.address}` : `it reaches the engine at ${view.docker}`;
    return `Batfish ${info.name} is running, but published on ${published} of the Docker engine's host, which this netq cannot reach (${how})`;
  }

  /** Tells where Batfish is when that is not this machine's loopback, and who else can reach it. */
  async #announce(running: RunningBatfish): Promise<void> {
    const view = await this.engineView();
    const reached = reachBatfish(running.info.bindings, view);
    if (!reached) return;
    const { notice, warning } = announcement(view, reached.binding, reached.url);
    if (notice) this.options.onNotice?.(notice);
    if (warning) this.options.onWarning?.(warning);
  }

  /** What the flags ask for that the running container does not have. */
  async #differences(info: ContainerInfo, request: BatfishRequest): Promise<string[]> {
    const differences: string[] = [];
    if (request.image !== undefined) {
      const asked = await this.options.engine.inspectImage(request.image);
      const sameName = normalizeImage(request.image) === normalizeImage(info.image);
      if (asked ? asked.id !== info.imageId : !sameName) {
        differences.push(`--image ${request.image} (it runs ${sameName ? `an earlier build of ${info.image}` : info.image})`);
      }
    }
    if (request.memoryBytes !== undefined && request.memoryBytes !== info.memoryLimitBytes) {
      differences.push(`--memory ${formatMemory(request.memoryBytes)} (it has ${info.memoryLimitBytes ? formatMemory(info.memoryLimitBytes) : 'no limit'})`);
    }
    if (request.hostPort && request.hostPort !== info.hostPort) {
      differences.push(`--port ${request.hostPort} (it listens on ${info.hostPort ?? 'no port'})`);
    }
    const jvmOpts = info.env.find((e) => e.startsWith('JAVA_TOOL_OPTIONS='))?.slice('JAVA_TOOL_OPTIONS='.length);
    if (request.jvmOpts !== undefined && request.jvmOpts !== jvmOpts) {
      differences.push(`--jvm-opts=${request.jvmOpts} (it has ${jvmOpts ? jvmOpts : 'none'})`);
    }
    return differences;
  }

  /** netq's own bridge network, created on first use: other containers on the default bridge cannot reach Batfish. */
  #ensureNetwork(): Promise<void> {
    this.#network ??= (async () => {
      const { engine } = this.options;
      const { network, owner } = this.names;
      const existing = await engine.inspectNetwork(network);
      if (!existing) {
        await engine.createNetwork(network, { [LABELS.managedBy]: owner, [LABELS.version]: this.options.netqVersion });
      } else if (existing.labels[LABELS.managedBy] !== owner) {
        throw new DockerError(`a Docker network named ${network} exists, but netq did not create it`, {
          hint: `netq runs Batfish on a bridge network of its own: remove or rename that one (docker network rm ${network})`,
        });
      }
    })();
    return this.#network;
  }
}

/** The shared (non-ephemeral) container that runs (or is paused), if there is one. */
function sharedIn(list: ContainerInfo[]): ContainerInfo | undefined {
  return list.find((c) => c.running && c.labels[LABELS.ephemeral] !== 'true' && c.hostPort);
}
