import type { Readable } from 'node:stream';
import type { BuildSpec, ContainerInfo, ContainerSpec, DockerEngine, ImageInfo, NetworkInfo, ProgressEvent } from './engine.js';

/**
 * Loads dockerode (and its ssh/grpc dependencies) on the first call only, so commands that talk
 * to a --batfish-url server never pay for it in start-up time or memory.
 */
export class LazyDockerEngine implements DockerEngine {
  #engine: Promise<DockerEngine> | undefined;

  constructor(private readonly env: Record<string, string | undefined>) {}

  #get(): Promise<DockerEngine> {
    this.#engine ??= import('./dockerode-engine.js').then(({ DockerodeEngine }) => new DockerodeEngine(this.env));
    return this.#engine;
  }

  async ping(): Promise<void> {
    return (await this.#get()).ping();
  }
  async listContainers(labels: Record<string, string>): Promise<ContainerInfo[]> {
    return (await this.#get()).listContainers(labels);
  }
  async inspectContainer(id: string): Promise<ContainerInfo | undefined> {
    return (await this.#get()).inspectContainer(id);
  }
  async createContainer(spec: ContainerSpec): Promise<string> {
    return (await this.#get()).createContainer(spec);
  }
  async startContainer(id: string): Promise<void> {
    return (await this.#get()).startContainer(id);
  }
  async unpauseContainer(id: string): Promise<void> {
    return (await this.#get()).unpauseContainer(id);
  }
  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    return (await this.#get()).stopContainer(id, timeoutSeconds);
  }
  async removeContainer(id: string): Promise<void> {
    return (await this.#get()).removeContainer(id);
  }
  async logs(id: string, tail: number): Promise<string> {
    return (await this.#get()).logs(id, tail);
  }
  async followLogs(id: string, tail: number, signal?: AbortSignal): Promise<Readable> {
    return (await this.#get()).followLogs(id, tail, signal);
  }
  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    return (await this.#get()).inspectImage(ref);
  }
  async pullImage(ref: string, onProgress: (event: ProgressEvent) => void, signal?: AbortSignal): Promise<void> {
    return (await this.#get()).pullImage(ref, onProgress, signal);
  }
  async buildImage(spec: BuildSpec, onProgress: (event: ProgressEvent) => void, signal?: AbortSignal): Promise<void> {
    return (await this.#get()).buildImage(spec, onProgress, signal);
  }
  async inspectNetwork(name: string): Promise<NetworkInfo | undefined> {
    return (await this.#get()).inspectNetwork(name);
  }
  async createNetwork(name: string, labels: Record<string, string>): Promise<void> {
    return (await this.#get()).createNetwork(name, labels);
  }
  async removeNetwork(name: string): Promise<void> {
    return (await this.#get()).removeNetwork(name);
  }
}
