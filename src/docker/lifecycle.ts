import { makeDirs } from '../host.js';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import type { Clock } from '../clock.js';
import { DockerError } from '../errors.js';
import { poll, type BackoffPolicy, type PollStep } from '../poll.js';
import { HOST_IP_ENV, LOCAL_VIEW, announcement, describeBinding, isEveryAddress, reachBatfish, type EngineView } from './endpoint.js';
import type { ContainerInfo, DockerEngine, ProgressEvent } from './engine.js';
import { NETQ_NAMES, type DockerNames } from './names.js';
import { ContainerLeases, localProcesses, ownerLabels, ownerOf, type HostProcesses } from './owners.js';

/** Labels on everything netq creates; netq finds its containers by these, never by name. */
export const LABELS = {
  managedBy: 'io.netq.managed-by',
  version: 'io.netq.version',
  image: 'io.netq.image',
  ephemeral: 'io.netq.ephemeral',
  /** On an image `netq service build` made: the image it was built on (set by Dockerfile-batfish). */
  baseImage: 'io.netq.base-image',
} as const;
/** The value of `io.netq.managed-by` on netq's own containers (a namespace has its own). */
export const MANAGED_BY = NETQ_NAMES.owner;

/** The upstream image netq runs when nothing else is asked for (a dated release tag, never `latest`). */
export const PINNED_BATFISH_IMAGE = NETQ_NAMES.pinnedImage;
/** The tag `netq service build` gives its image; commands prefer it when it exists. */
export const NETQ_BATFISH_IMAGE = NETQ_NAMES.localImage;
/** Batfish's coordinator port inside the container. */
export const BATFISH_CONTAINER_PORT = '9996/tcp';
/** The container's log: json-file, rotated, so a container left running for weeks cannot fill the disk. */
export const CONTAINER_LOG = { maxSize: '10m', maxFiles: 3 } as const;
/** How many log lines a failed start shows. */
const LOG_TAIL = 50;
/** Readiness checks of a starting container: 0.25 s, growing to one every 2 s (a JVM start takes tens of seconds). */
const READINESS_BACKOFF: BackoffPolicy = { initialDelayMs: 250, factor: 1.5, maxDelayMs: 2000 };
/** How often a netq waiting for another one's start tries the lock again. */
const LOCK_RETRY_MS = 250;

/** What a run asks of netq's Batfish. Settings left out are whatever a running one has. */
export interface BatfishRequest {
  /** The image asked for (--image); undefined: the `netq service build` image if present, else the pinned one. */
  image?: string;
  /** Host port (on the address the engine view gives); undefined or 0 lets Docker choose a free one. */
  hostPort?: number;
  memoryBytes?: number;
  jvmOpts?: string;
  startupTimeoutMs: number;
  /** Replace a running shared Batfish by one with these settings, when no other netq is using it. */
  restart?: boolean;
}

export interface StartOptions {
  image: string;
  /** Host port (on the address the engine view gives); undefined or 0 lets Docker choose a free one. */
  hostPort?: number;
  memoryBytes?: number;
  jvmOpts?: string;
  startupTimeoutMs: number;
  /** A one-shot container: not shared, labelled with its owner, removed by the caller when done. */
  ephemeral: boolean;
}

/** A Batfish container that answers. */
export interface RunningBatfish {
  id: string;
  url: string;
  /** True when this call started the container (false: an existing one was reused). */
  started: boolean;
  info: ContainerInfo;
}

/** A Batfish container a run uses, and what to call when the run is done with it. */
export interface ManagedBatfish extends RunningBatfish {
  /** Ends this process's use (shared) or removes the container (ephemeral). Safe to call twice. */
  release(): Promise<void>;
}

export interface ContainerManagerOptions {
  engine: DockerEngine;
  clock: Clock;
  newId: () => string;
  netqVersion: string;
  /** Folder of the cross-process start lock and of the leases of the processes using the shared container. */
  stateDir: string;
  /** The names of what netq creates in Docker (default: netq's own). */
  names?: DockerNames;
  /** This machine's processes: owners of ephemeral containers, lease holders (default: the real ones). */
  processes?: HostProcesses;
  /**
   * Where the engine is and what netq publishes Batfish on (default: an engine on this machine,
   * 127.0.0.1). Asked once, after the engine answered a ping.
   */
  engineView?: () => Promise<EngineView>;
  /** True once Batfish answers at this URL (`GET /v2/version`). */
  probe: (url: string) => Promise<boolean>;
  onPhase?: (text: string) => void;
  /** A fact worth a line: a container healed, replaced or removed. */
  onNotice?: (text: string) => void;
  /** Something asked for that netq does not do, e.g. flags a running container does not have. */
  onWarning?: (text: string) => void;
  signal?: AbortSignal;
}

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
    const { engine, signal } = this.options;
    const { localImage, pinnedImage } = this.names;
    await this.#ping();
    const image = requested ?? ((await engine.inspectImage(localImage)) ? localImage : pinnedImage);
    if (await engine.inspectImage(image)) return image;
    this.options.onPhase?.(`pulling ${image}`);
    try {
      await engine.pullImage(image, (event) => this.options.onPhase?.(`pulling ${image}: ${event.text}`), signal);
    } catch (error) {
      if (!(error instanceof DockerError)) throw error;
      throw new DockerError(error.message, { hint: pullHint(image, requested !== undefined), cause: error });
    }
    return image;
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
    await this.#reapOrphans(list);
    // A pull can take minutes: done before taking the lock, and only when a container is to be started.
    let image = request.restart || !sharedIn(list) ? await this.resolveImage(request.image) : undefined;
    const managed = await this.#withLock(request.startupTimeoutMs, async () => {
      // Again under the lock: another netq may have started or replaced it meanwhile.
      const shared = sharedIn(await this.list());
      const reused = shared ? await this.#reuse(shared, request) : undefined;
      if (reused) return reused;
      await this.#pruneStopped();
      image ??= await this.resolveImage(request.image);
      const started = await this.start({ ...request, image, ephemeral: false });
      return { ...started, release: await this.#leases.take(started.id) };
    });
    await this.#announce(managed);
    return managed;
  }

  /** Starts a private Batfish for one run; `release()` removes it. */
  async startEphemeral(request: BatfishRequest): Promise<ManagedBatfish> {
    await this.#reapOrphans(await this.list());
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
    const { engine, clock, signal } = this.options;
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
      const deadline = clock.now() + options.startupTimeoutMs;
      return await poll(
        async (): Promise<PollStep<RunningBatfish>> => {
          const info = await engine.inspectContainer(id);
          if (!info || !info.running) throw await this.#startFailure(id, info, options);
          this.options.onPhase?.(`starting Batfish (container ${id.slice(0, 12)}, port ${info.hostPort ?? '?'})`);
          const url = reachBatfish(info.bindings, view)?.url;
          if (url && (await this.options.probe(url))) return { done: true, value: { id, url, started: true, info } };
          return { done: false };
        },
        {
          clock,
          backoff: READINESS_BACKOFF,
          deadline,
          signal,
          giveUp: async () =>
            new DockerError(`Batfish did not answer within ${Math.round(options.startupTimeoutMs / 1000)}s (image ${options.image})`, {
              ...(await this.#logDetails(id)),
              hint: `a large heap takes longer to start: raise --startup-timeout, or check the log above${firewallHint(view)}`,
            }),
        },
      );
    } catch (error) {
      await engine.removeContainer(id).catch(() => undefined);
      throw error;
    }
  }

  /** Removes every container netq started, and its network; returns the containers' ids. */
  async removeAll(): Promise<string[]> {
    const { engine } = this.options;
    const containers = await this.list();
    for (const c of containers) {
      this.options.onPhase?.(`stopping ${c.name}`);
      await engine.stopContainer(c.id, 10);
      await engine.removeContainer(c.id);
      await this.#leases.forget(c.id);
    }
    const network = await engine.inspectNetwork(this.names.network);
    if (network?.labels[LABELS.managedBy] === this.names.owner) {
      // Still in use (a netq starting right now, a container attached by hand): left for the next stop.
      await engine.removeNetwork(this.names.network).catch((error: unknown) => {
        if (!(error instanceof DockerError)) throw error;
      });
    }
    return containers.map((c) => c.id);
  }

  async remove(id: string): Promise<void> {
    await this.options.engine.removeContainer(id);
  }

  /** The image a container's image was built on by `netq service build`; undefined for any other image. */
  async baseImageOf(info: ContainerInfo): Promise<string | undefined> {
    const image = await this.options.engine.inspectImage(info.imageId || info.image);
    return image?.labels[LABELS.baseImage] || undefined;
  }

  /**
   * Builds Dockerfile-batfish (in `contextDir`) on `base` (default: the pinned image) as `tag`
   * (default: the image commands prefer). The Dockerfile labels the image with its base.
   */
  async buildImage(
    options: { contextDir: string; base?: string; tag?: string },
    onProgress: (event: ProgressEvent) => void,
  ): Promise<{ tag: string; base: string }> {
    const { engine, signal } = this.options;
    const base = options.base ?? this.names.pinnedImage;
    const tag = options.tag ?? this.names.localImage;
    await this.#ping();
    try {
      const spec = { contextDir: options.contextDir, files: ['Dockerfile-batfish'], dockerfile: 'Dockerfile-batfish', tag, buildArgs: { BATFISH_IMAGE: base } };
      await engine.buildImage(spec, onProgress, signal);
    } catch (error) {
      if (!(error instanceof DockerError)) throw error;
      throw new DockerError(`${error.message} (base image ${base})`, {
        hint: `the base image must be here (docker images) or pullable: pull it, or docker load a saved copy (docker save ${base} -o batfish.tar where it can be pulled), or pass a mirror with --base-image`,
        cause: error,
      });
    }
    if (!(await engine.inspectImage(tag))) {
      throw new DockerError(`the build of ${tag} reported success but the image is missing`, { hint: 'run again with --verbose to see the build output' });
    }
    return { tag, base };
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
        await this.#discard(shared);
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
    const ready = await this.#awaitShared(shared, request.startupTimeoutMs);
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

  /**
   * Waits until a shared container someone else started answers, resuming it first when paused.
   * Undefined when it stops meanwhile (the caller then starts a new one).
   */
  async #awaitShared(found: ContainerInfo, timeoutMs: number): Promise<{ info: ContainerInfo; url: string } | undefined> {
    const { engine, clock, signal } = this.options;
    const view = await this.engineView();
    if (found.paused) {
      await engine.unpauseContainer(found.id);
      this.options.onNotice?.(`Batfish ${found.name} was paused (docker pause); netq resumed it`);
    }
    return poll(
      async (): Promise<PollStep<{ info: ContainerInfo; url: string } | undefined>> => {
        const info = await engine.inspectContainer(found.id);
        if (!info || !info.running) return { done: true, value: undefined };
        const url = reachBatfish(info.bindings, view)?.url;
        if (url && (await this.options.probe(url))) return { done: true, value: { info, url } };
        this.options.onPhase?.(`waiting for Batfish ${info.name}, which another netq started, to answer (port ${info.hostPort ?? '?'})`);
        return { done: false };
      },
      {
        clock,
        backoff: READINESS_BACKOFF,
        deadline: clock.now() + timeoutMs,
        signal,
        giveUp: async () =>
          new DockerError(`Batfish ${found.name} is running but did not answer within ${Math.round(timeoutMs / 1000)}s`, {
            ...(await this.#logDetails(found.id)),
            hint: `run again with --restart to replace it (or netq service stop to remove it); if it is still starting, raise --startup-timeout${firewallHint(view)}`,
          }),
      },
    );
  }

  /** Removes the ephemeral containers whose netq is gone (killed before it could remove them). */
  async #reapOrphans(list: ContainerInfo[]): Promise<void> {
    for (const c of list) {
      const owner = c.labels[LABELS.ephemeral] === 'true' ? ownerOf(c.labels) : undefined;
      if (!owner || !this.#processes.isGone(owner)) continue;
      await this.options.engine.removeContainer(c.id);
      this.options.onNotice?.(`removed ${c.name}, an --ephemeral Batfish left by netq pid ${owner.pid}, which is gone`);
    }
  }

  /** Removes shared containers that stopped (killed, crashed) or never started (their netq died while creating them). */
  async #pruneStopped(): Promise<void> {
    for (const c of await this.list()) {
      if (c.labels[LABELS.ephemeral] === 'true' || c.running) continue;
      await this.#discard(c);
      const how = c.state === 'created' ? 'had never started' : `had exited (code ${c.exitCode}${c.oomKilled ? ', out of memory' : ''})`;
      this.options.onNotice?.(`removed Batfish ${c.name}, which ${how}`);
    }
  }

  async #discard(c: ContainerInfo): Promise<void> {
    await this.options.engine.removeContainer(c.id);
    await this.#leases.forget(c.id);
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

  async #logDetails(id: string): Promise<{ details?: string }> {
    const logs = await this.options.engine.logs(id, LOG_TAIL).catch(() => '');
    return logs.trim() ? { details: `container log (last ${LOG_TAIL} lines):\n${logs.trimEnd()}` } : {};
  }

  async #startFailure(id: string, info: ContainerInfo | undefined, options: StartOptions): Promise<DockerError> {
    const details = await this.#logDetails(id);
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
    await makeDirs(stateDir);
    const target = path.join(stateDir, `${this.names.owner}-start`);
    const release = await poll(
      async (): Promise<PollStep<() => Promise<void>>> => {
        try {
          return { done: true, value: await lockfile.lock(target, { realpath: false, stale: 15_000, update: 5_000 }) };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
          this.options.onPhase?.('waiting for the Batfish another netq is starting');
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

/** The shared (non-ephemeral) container that runs (or is paused), if there is one. */
function sharedIn(list: ContainerInfo[]): ContainerInfo | undefined {
  return list.find((c) => c.running && c.labels[LABELS.ephemeral] !== 'true' && c.hostPort);
}

/** `batfish/batfish` and `docker.io/library/x:latest` style references, compared as the engine does. */
function normalizeImage(ref: string): string {
  let name = ref.replace(/^docker\.io\//, '').replace(/^library\//, '');
  if (!/[:@][^/]*$/.test(name)) name += ':latest';
  return name;
}

/** What works when an image cannot be pulled (an offline machine, a registry behind a mirror). */
function pullHint(image: string, requested: boolean): string {
  const saved = `load a saved copy (docker save ${image} -o batfish.tar where it can be pulled, then docker load -i batfish.tar here)`;
  const existing = 'or use a Batfish that runs elsewhere with --batfish-url http://HOST:9996';
  if (requested) return `check the name and your access to its registry (docker login); without that registry: ${saved}, ${existing}`;
  return `without access to its registry: run a mirror of it with --image or NETQ_BATFISH_IMAGE (e.g. registry.example.com/${image}), ${saved}, ${existing}`;
}

/** For a remote engine: what else keeps Batfish from answering at the address netq published it on. */
function firewallHint(view: EngineView): string {
  if (!view.remote) return '';
  const address = isEveryAddress(view.bindIp) ? view.remote.address : view.bindIp;
  return (
    `; if the log shows Batfish up, something between this machine and ${address} drops its port (a firewall): ` +
    `open it, or publish Batfish on another address of the engine's host with ${HOST_IP_ENV}`
  );
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
