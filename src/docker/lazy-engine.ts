import type { Readable } from 'node:stream';
import type { BuildSpec, ContainerInfo, ContainerSpec, DockerEngine, ProgressEvent } from './engine.js';

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
  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    return (await this.#get()).stopContainer(id, timeoutSeconds);
  }
  async removeContainer(id: string): Promise<void> {
    return (await this.#get()).removeContainer(id);
  }
  async logs(id: string, tail: number): Promise<string> {
    return (await this.#get()).logs(id, tail);
  }
  async followLogs(id: string, tail: number): Promise<Readable> {
    return (await this.#get()).followLogs(id, tail);
  }
  async imageExists(ref: string): Promise<boolean> {
    return (await this.#get()).imageExists(ref);
  }
  async pullImage(ref: string, onProgress: (event: ProgressEvent) => void): Promise<void> {
    return (await this.#get()).pullImage(ref, onProgress);
  }
  async buildImage(spec: BuildSpec, onProgress: (event: ProgressEvent) => void): Promise<void> {
    return (await this.#get()).buildImage(spec, onProgress);
  }
}
