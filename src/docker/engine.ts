import type { Readable } from 'node:stream';

/** What netq needs to know of a container. */
export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  /** `created`, `running`, `exited`, ... */
  state: string;
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  /** When the container was started (ISO time), if it was. */
  startedAt?: string;
  /** Host port bound to the container's 9996/tcp, when published. */
  hostPort?: number;
  hostIp?: string;
  memoryLimitBytes?: number;
}

export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  env: string[];
  /** Container port (e.g. `9996/tcp`) to publish on 127.0.0.1; hostPort 0 = random. */
  publish: { containerPort: string; hostPort: number };
  memoryBytes?: number;
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
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Removes a container (forcing a running one); a missing container is not an error. */
  removeContainer(id: string): Promise<void>;
  /** The last `tail` lines of the container's stdout and stderr. */
  logs(id: string, tail: number): Promise<string>;
  /** Follows the logs until the stream ends. */
  followLogs(id: string, tail: number): Promise<Readable>;
  imageExists(ref: string): Promise<boolean>;
  pullImage(ref: string, onProgress: (event: ProgressEvent) => void): Promise<void>;
  /** Builds an image from a context folder; build args passed as given. */
  buildImage(spec: BuildSpec, onProgress: (event: ProgressEvent) => void): Promise<void>;
}
