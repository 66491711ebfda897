import { Readable } from 'node:stream';
import type { BuildSpec, ContainerInfo, ContainerSpec, DockerEngine, ProgressEvent } from '../../src/docker/engine.js';
import { DockerError } from '../../src/errors.js';

/**
 * What a container created by the fake engine does once started. Counts are of
 * `inspectContainer` calls after the start, the first being 1, since a readiness loop inspects
 * once per check.
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

/**
 * An in-memory Docker engine for unit tests of the container manager: it records every call,
 * keeps containers and images in maps, and makes started containers behave as scripted (become
 * ready, never answer, exit, be OOM-killed). `answers(url)` is the readiness probe to pair with it.
 */
export class FakeDockerEngine implements DockerEngine {
  readonly calls: EngineCall[] = [];
  readonly images = new Set<string>();
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

  /** Adds a container that exists already, as another netq (or a person) left it. */
  addContainer(info: Partial<ContainerInfo> & { labels: Record<string, string> }): ContainerInfo {
    const id = info.id ?? this.#newId();
    const full: ContainerInfo = {
      id,
      name: `existing-${id.slice(0, 6)}`,
      image: 'batfish/batfish:test',
      state: 'running',
      running: true,
      exitCode: 0,
      oomKilled: false,
      startedAt: '2026-01-01T00:00:00.000Z',
      hostPort: this.#nextPort++,
      hostIp: '127.0.0.1',
      ...info,
    };
    this.#containers.set(id, { info: full, spec: undefined, script: { kind: 'ready' }, inspects: 0, logLines: [] });
    return { ...full };
  }

  /** The readiness probe: true when a running container on that URL's port has Batfish answering. */
  answers = async (url: string): Promise<boolean> => {
    const port = Number(new URL(url).port);
    const container = [...this.#containers.values()].find((c) => c.info.hostPort === port && c.info.running);
    if (!container) return false;
    const { script } = container;
    if (container.spec === undefined) return true;
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
    if (container.info.state === 'running' && container.spec) {
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
    const id = this.#newId();
    const logLines = Array.from({ length: this.logLineCount }, (_, i) => `batfish log line ${i + 1}`);
    this.#containers.set(id, {
      info: {
        id,
        name: spec.name,
        image: spec.image,
        labels: { ...spec.labels },
        state: 'created',
        running: false,
        exitCode: 0,
        oomKilled: false,
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
    Object.assign(container.info, {
      state: 'running',
      running: true,
      startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, this.#containers.size)).toISOString(),
      // hostPort 0 asks the engine for a free port, as Docker picks one.
      hostPort: spec?.publish.hostPort || this.#nextPort++,
      hostIp: '127.0.0.1',
    });
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    this.#record('stopContainer', [id, timeoutSeconds]);
    const container = this.#containers.get(id);
    if (container) Object.assign(container.info, { state: 'exited', running: false });
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

  async imageExists(ref: string): Promise<boolean> {
    this.#record('imageExists', [ref]);
    return this.images.has(ref);
  }

  async pullImage(ref: string, onProgress: (event: ProgressEvent) => void): Promise<void> {
    this.#record('pullImage', [ref]);
    onProgress({ text: 'Pulling fs layer' });
    if (this.pullFailure) throw this.pullFailure;
    onProgress({ text: 'Download complete' });
    this.images.add(ref);
  }

  async buildImage(spec: BuildSpec, onProgress: (event: ProgressEvent) => void): Promise<void> {
    this.#record('buildImage', [spec]);
    onProgress({ text: `Step 1/1 : FROM ${spec.buildArgs.BATFISH_IMAGE ?? 'base'}` });
    this.images.add(spec.tag);
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
