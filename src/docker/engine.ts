import type { Readable } from 'node:stream';

/** A published port: the engine host's address it is bound on (`0.0.0.0`, `::` or '': every one) and the port. */
export interface PortBinding {
  hostIp: string;
  hostPort: number;
}

/** What netq needs to know of a container. */
export interface ContainerInfo {
  id: string;
  name: string;
  /** The image reference it was created from, e.g. `batfish/batfish:2025.07.07.2423`. */
  image: string;
  /** The id of that image (`sha256:…`), which stays right when the tag moves on. */
  imageId: string;
  labels: Record<string, string>;
  /** `created`, `running`, `paused`, `exited`, ... */
  state: string;
  /** True while the process runs, also when paused. */
  running: boolean;
  paused: boolean;
  exitCode: number;
  oomKilled: boolean;
  /** When the container was started (ISO time), if it was. */
  startedAt?: string;
  /** Host port bound to the container's 9996/tcp, when published (its first binding's). */
  hostPort?: number;
  hostIp?: string;
  /** Every binding of the container's 9996/tcp (an every-address publish has one per IP family). */
  bindings: PortBinding[];
  memoryLimitBytes?: number;
  /** The container's environment (`NAME=value`), the image's included. */
  env: string[];
}

export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  env: string[];
  /** Container port (e.g. `9996/tcp`) to publish on the engine host's address `hostIp`; hostPort 0 = random. */
  publish: { containerPort: string; hostIp: string; hostPort: number };
  memoryBytes?: number;
  /** The (bridge) network to attach the container to instead of the engine's default bridge. */
  network: string;
  /** A json-file log rotated at `maxSize` (e.g. `10m`), keeping `maxFiles` files. */
  log: { maxSize: string; maxFiles: number };
}

/** What netq needs to know of an image. */
export interface ImageInfo {
  id: string;
  labels: Record<string, string>;
}

/** What netq needs to know of a network. */
export interface NetworkInfo {
  id: string;
  name: string;
  driver: string;
  labels: Record<string, string>;
}

/** An image build: `dockerfile` among `files` of `contextDir`, tagged `tag`. */
export interface BuildSpec {
  contextDir: string;
  files: string[];
  dockerfile: string;
  tag: string;
  buildArgs: Record<string, string>;
}

export interface ProgressEvent {
  /** One line of human-readable progress (pull layer status, build step). */
  text: string;
}

/**
 * The narrow port netq uses to reach a Docker engine. The dockerode adapter implements it; tests
 * can pass another. Every method throws a DockerError with a hint on failure.
 */
export interface DockerEngine {
  /** Throws a DockerError (exit 4) when the engine cannot be reached. */
  ping(): Promise<void>;
  listContainers(labels: Record<string, string>): Promise<ContainerInfo[]>;
  inspectContainer(id: string): Promise<ContainerInfo | undefined>;
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  unpauseContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Removes a container (forcing a running one); a missing container is not an error. */
  removeContainer(id: string): Promise<void>;
  /** The last `tail` lines of the container's stdout and stderr. */
  logs(id: string, tail: number): Promise<string>;
  /** Follows the logs until the stream ends, or ends it when `signal` aborts. */
  followLogs(id: string, tail: number, signal?: AbortSignal): Promise<Readable>;
  /** An image by reference or id; undefined when the engine does not have it. */
  inspectImage(ref: string): Promise<ImageInfo | undefined>;
  /** Pulls an image; `signal` abandons the pull (rejecting with the signal's reason). */
  pullImage(ref: string, onProgress: (event: ProgressEvent) => void, signal?: AbortSignal): Promise<void>;
  /** Builds an image from a context folder; build args passed as given. */
  buildImage(spec: BuildSpec, onProgress: (event: ProgressEvent) => void, signal?: AbortSignal): Promise<void>;
  /** A network by name; undefined when there is none. */
  inspectNetwork(name: string): Promise<NetworkInfo | undefined>;
  /** Creates a bridge network; one of that name created meanwhile (by a concurrent netq) is not an error. */
  createNetwork(name: string, labels: Record<string, string>): Promise<void>;
  /** Removes a network; a missing one is not an error. */
  removeNetwork(name: string): Promise<void>;
}
