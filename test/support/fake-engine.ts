import { Readable } from 'node:stream';
import type { BuildSpec, ContainerInfo, ContainerSpec, DockerEngine, ImageInfo, NetworkInfo, ProgressEvent } from '../../src/docker/engine.js';
import { DockerError } from '../../src/errors.js';

/**
 * What a container of the fake engine does once running. Counts are of `inspectContainer` calls
 * while it runs, the first being 1, since a readiness loop inspects once per check.
 */
export type ContainerScript =
  /** Batfish answers from the `afterInspects`-th check on (1: at once). */
  | { kind: 'ready'; afterInspects?: number }
  /** Runs, but Batfish never answers. */
  | { kind: 'never-ready' }
  /** Exits with `exitCode` at the `afterInspects`-th check. */
  | { kind: 'exits'; exitCode: number; afterInspects?: number }
  /** Killed for memory (exit code 137, OOMKilled) at the `afterInspects`-th check. */
  | { kind: 'oom'; afterInspects?: number };

/** One call to the engine, as the container manager made it. */
export interface EngineCall {
  method: keyof DockerEngine;
  args: unknown[];
}

interface FakeContainer {
  info: ContainerInfo;
  spec: ContainerSpec | undefined;
  script: ContainerScript;
  inspects: number;
  logLines: string[];
}

/** The id the fake engine gives an image reference. */
export const imageIdOf = (ref: string): string => `sha256:${ref}`;

/** An every-address binding (`0.0.0.0`, `::`, or none given), which covers `host` of its family. */
function covers(hostIp: string, host: string): boolean {
  if (hostIp === '' || hostIp === host) return true;
  if (hostIp === '0.0.0.0') return !host.includes(':');
  if (hostIp === '::') return host.includes(':');
  return false;
}

/**
 * An in-memory Docker engine for unit tests of the container manager: it records every call,
 * keeps containers, images and networks in maps, and makes running containers behave as scripted
 * (become ready, never answer, exit, be OOM-killed). `answers(url)` is the readiness probe to pair
 * with it: Batfish answers only at an address its container is published on that the client
 * reaches (`hostAddresses`, `clientReaches`), as a real network would have it.
 */
export class FakeDockerEngine implements DockerEngine {
  readonly calls: EngineCall[] = [];
  readonly images = new Set<string>();
  /** Labels of images, by reference (images without an entry have none). */
  readonly imageLabels = new Map<string, Record<string, string>>();
  readonly networks = new Map<string, NetworkInfo>();
  readonly #containers = new Map<string, FakeContainer>();
  #nextId = 1;
  #nextPort = 49153;
  /** How containers created from now on behave once started. */
  script: ContainerScript = { kind: 'ready' };
  /** How many log lines each created container has written (`batfish log line N`). */
  logLineCount = 60;
  /** When set, ping() fails with it, as for an engine that cannot be reached. */
  unreachable: DockerError | undefined;
  /** When set, pullImage() fails with it after one progress event. */
  pullFailure: DockerError | undefined;
  /** The addresses of the engine's host: a publish on any other fails as Docker's does. */
  readonly hostAddresses = new Set<string>(['127.0.0.1', '::1']);
  /** The host addresses the client (netq) reaches; undefined: all, as on the engine's host itself. */
  clientReaches: Set<string> | undefined;

  constructor(options: { images?: string[] } = {}) {
    for (const image of options.images ?? []) this.images.add(image);
  }

  /** Calls of one method, in order. */
  callsTo(method: keyof DockerEngine): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** The containers the engine holds now (running or not). */
  get containers(): ContainerInfo[] {
    return [...this.#containers.values()].map((c) => ({ ...c.info }));
  }

  /** The spec a container was created with (undefined for one added with `addContainer`). */
  specOf(id: string): ContainerSpec | undefined {
    return this.#containers.get(id)?.spec;
  }

  /**
   * Adds a container that exists already, as another netq (or a person) left it; it answers at
   * once unless `script` says otherwise.
   */
  addContainer(info: Partial<ContainerInfo> & { labels: Record<string, string> }, script: ContainerScript = { kind: 'ready', afterInspects: 0 }): ContainerInfo {
    const id = info.id ?? this.#newId();
    const image = info.image ?? 'batfish/batfish:test';
    const hostPort = info.hostPort ?? this.#nextPort++;
    const hostIp = info.hostIp ?? '127.0.0.1';
    const full: ContainerInfo = {
      id,
      name: `existing-${id.slice(0, 6)}`,
      image,
      imageId: imageIdOf(image),
      state: 'running',
      running: true,
      paused: false,
      exitCode: 0,
      oomKilled: false,
      startedAt: '2026-01-01T00:00:00.000Z',
      env: [],
      ...info,
      hostPort,
      hostIp,
      bindings: info.bindings ?? [{ hostIp, hostPort }],
    };
    this.#containers.set(id, { info: full, spec: undefined, script, inspects: 0, logLines: [] });
    return { ...full };
  }

  /** What `docker pause` does. */
  pause(id: string): void {
    Object.assign(this.#need(id).info, { state: 'paused', paused: true });
  }

  /** What `docker kill` does. */
  kill(id: string): void {
    Object.assign(this.#need(id).info, { state: 'exited', running: false, paused: false, exitCode: 137 });
  }

  /**
   * The engine runs on another host, with these addresses besides its loopback; the client reaches
   * `reached` of them (default: all of them), never the host's loopback.
   */
  remoteHost(addresses: string[], reached: string[] = addresses): void {
    for (const a of addresses) this.hostAddresses.add(a);
    this.clientReaches = new Set(reached);
  }

  /**
   * The readiness probe: true when the URL's address is one the client reaches, and a running,
   * unpaused container published on that address and port has Batfish answering.
   */
  answers = async (url: string): Promise<boolean> => {
    const { port: portText, hostname } = new URL(url);
    const host = hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(portText);
    if (!this.hostAddresses.has(host) || (this.clientReaches && !this.clientReaches.has(host))) return false;
    const container = [...this.#containers.values()].find((c) => c.info.running && c.info.bindings.some((b) => b.hostPort === port && covers(b.hostIp, host)));
    if (!container || container.info.paused) return false;
    const { script } = container;
    return script.kind === 'ready' && container.inspects >= (script.afterInspects ?? 1);
  };

  async ping(): Promise<void> {
    this.#record('ping', []);
    if (this.unreachable) throw this.unreachable;
  }

  async listContainers(labels: Record<string, string>): Promise<ContainerInfo[]> {
    this.#record('listContainers', [labels]);
    return this.containers.filter((c) => Object.entries(labels).every(([k, v]) => c.labels[k] === v));
  }

  async inspectContainer(id: string): Promise<ContainerInfo | undefined> {
    this.#record('inspectContainer', [id]);
    const container = this.#containers.get(id);
    if (!container) return undefined;
    if (container.info.running && !container.info.paused) {
      container.inspects++;
      const { script } = container;
      if ((script.kind === 'exits' || script.kind === 'oom') && container.inspects >= (script.afterInspects ?? 1)) {
        const oom = script.kind === 'oom';
        Object.assign(container.info, { state: 'exited', running: false, exitCode: oom ? 137 : script.exitCode, oomKilled: oom });
      }
    }
    return { ...container.info };
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    this.#record('createContainer', [spec]);
    if (!this.images.has(spec.image)) throw new DockerError(`No such image: ${spec.image}`);
    if (!this.networks.has(spec.network)) throw new DockerError(`network ${spec.network} not found`);
    const id = this.#newId();
    const logLines = Array.from({ length: this.logLineCount }, (_, i) => `batfish log line ${i + 1}`);
    this.#containers.set(id, {
      info: {
        id,
        name: spec.name,
        image: spec.image,
        imageId: imageIdOf(spec.image),
        labels: { ...spec.labels },
        state: 'created',
        running: false,
        paused: false,
        exitCode: 0,
        oomKilled: false,
        env: [...spec.env],
        bindings: [],
        ...(spec.memoryBytes ? { memoryLimitBytes: spec.memoryBytes } : {}),
      },
      spec,
      script: this.script,
      inspects: 0,
      logLines,
    });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    this.#record('startContainer', [id]);
    const container = this.#need(id);
    const { spec } = container;
    const hostIp = spec?.publish.hostIp ?? '127.0.0.1';
    if (!['', '0.0.0.0', '::'].includes(hostIp) && !this.hostAddresses.has(hostIp)) {
      // What dockerd says, the container left created.
      throw new DockerError(
        `could not start container ${id.slice(0, 12)}: driver failed programming external connectivity on endpoint ${container.info.name}: ` +
          `Error starting userland proxy: listen tcp4 ${hostIp}:${spec?.publish.hostPort || this.#nextPort}: bind: cannot assign requested address`,
      );
    }
    // hostPort 0 asks the engine for a free port, as Docker picks one.
    const hostPort = spec?.publish.hostPort || this.#nextPort++;
    Object.assign(container.info, {
      state: 'running',
      running: true,
      startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, this.#containers.size)).toISOString(),
      hostPort,
      hostIp,
      // An every-address publish is listed once per IP family, as Docker lists it.
      bindings: hostIp === '' ? [{ hostIp: '0.0.0.0', hostPort }, { hostIp: '::', hostPort }] : [{ hostIp, hostPort }],
    });
  }

  async unpauseContainer(id: string): Promise<void> {
    this.#record('unpauseContainer', [id]);
    Object.assign(this.#need(id).info, { state: 'running', paused: false });
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    this.#record('stopContainer', [id, timeoutSeconds]);
    const container = this.#containers.get(id);
    if (container) Object.assign(container.info, { state: 'exited', running: false, paused: false });
  }

  async removeContainer(id: string): Promise<void> {
    this.#record('removeContainer', [id]);
    this.#containers.delete(id);
  }

  async logs(id: string, tail: number): Promise<string> {
    this.#record('logs', [id, tail]);
    const lines = this.#need(id).logLines.slice(-tail);
    return lines.length ? `${lines.join('\n')}\n` : '';
  }

  async followLogs(id: string, tail: number): Promise<Readable> {
    this.#record('followLogs', [id, tail]);
    return Readable.from(this.#need(id).logLines.slice(-tail).map((line) => `${line}\n`));
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    this.#record('inspectImage', [ref]);
    const name = ref.startsWith('sha256:') ? ref.slice('sha256:'.length) : ref;
    if (!this.images.has(name)) return undefined;
    return { id: imageIdOf(name), labels: { ...this.imageLabels.get(name) } };
  }

  async pullImage(ref: string, onProgress: (event: ProgressEvent) => void): Promise<void> {
    this.#record('pullImage', [ref]);
    onProgress({ text: 'Pulling fs layer' });
    if (this.pullFailure) throw this.pullFailure;
    onProgress({ text: 'Download complete' });
    this.images.add(ref);
  }

  /** Builds as Dockerfile-batfish does: the image is labelled with its base. */
  async buildImage(spec: BuildSpec, onProgress: (event: ProgressEvent) => void): Promise<void> {
    this.#record('buildImage', [spec]);
    const base = spec.buildArgs.BATFISH_IMAGE ?? 'base';
    onProgress({ text: `Step 1/1 : FROM ${base}` });
    if (!this.images.has(base)) throw new DockerError(`could not build ${spec.tag}: pull access denied for ${base}`);
    this.images.add(spec.tag);
    this.imageLabels.set(spec.tag, { 'io.netq.base-image': base });
  }

  async inspectNetwork(name: string): Promise<NetworkInfo | undefined> {
    this.#record('inspectNetwork', [name]);
    const network = this.networks.get(name);
    return network ? { ...network } : undefined;
  }

  async createNetwork(name: string, labels: Record<string, string>): Promise<void> {
    this.#record('createNetwork', [name, labels]);
    if (!this.networks.has(name)) this.networks.set(name, { id: `net-${name}`, name, driver: 'bridge', labels: { ...labels } });
  }

  async removeNetwork(name: string): Promise<void> {
    this.#record('removeNetwork', [name]);
    if ([...this.#containers.values()].some((c) => c.spec?.network === name)) throw new DockerError(`error while removing network: network ${name} has active endpoints`);
    this.networks.delete(name);
  }

  #record(method: keyof DockerEngine, args: unknown[]): void {
    this.calls.push({ method, args });
  }

  #need(id: string): FakeContainer {
    const container = this.#containers.get(id);
    if (!container) throw new DockerError(`No such container: ${id}`);
    return container;
  }

  #newId(): string {
    return (this.#nextId++).toString(16).padStart(64, 'c');
  }
}
