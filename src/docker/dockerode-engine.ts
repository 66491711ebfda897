import Docker from 'dockerode';
import { PassThrough, Readable } from 'node:stream';
import { DockerError } from '../errors.js';
import type { BuildSpec, ContainerInfo, ContainerSpec, DockerEngine, ImageInfo, NetworkInfo, ProgressEvent } from './engine.js';

const BATFISH_PORT = '9996/tcp';

/**
 * The Docker engine through dockerode (the only dockerode user). dockerode reads DOCKER_HOST,
 * DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, so unix sockets, tcp and tcp+TLS engines (and Podman or
 * Colima sockets named by DOCKER_HOST) all work.
 */
export class DockerodeEngine implements DockerEngine {
  readonly #docker: Docker;
  readonly address: string;

  constructor(env: Record<string, string | undefined> = process.env) {
    this.#docker = new Docker();
    this.address = env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  }

  async ping(): Promise<void> {
    await this.#call('reach the Docker engine', () => this.#docker.ping());
  }

  async listContainers(labels: Record<string, string>): Promise<ContainerInfo[]> {
    const label = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    const list = await this.#call('list containers', () => this.#docker.listContainers({ all: true, filters: { label } }));
    const infos = await Promise.all(list.map((c) => this.inspectContainer(c.Id)));
    return infos.filter((c): c is ContainerInfo => c !== undefined);
  }

  async inspectContainer(id: string): Promise<ContainerInfo | undefined> {
    let data: Docker.ContainerInspectInfo;
    try {
      data = await this.#docker.getContainer(id).inspect();
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.#translate(error, `inspect container ${id.slice(0, 12)}`);
    }
    const bindings = (data.NetworkSettings?.Ports?.[BATFISH_PORT] ?? [])
      .filter((b) => b.HostPort)
      .map((b) => ({ hostIp: b.HostIp ?? '', hostPort: Number(b.HostPort) }));
    const binding = bindings[0];
    return {
      id: data.Id,
      name: data.Name.replace(/^\//, ''),
      image: data.Config.Image,
      imageId: data.Image,
      labels: data.Config.Labels ?? {},
      state: data.State.Status,
      running: data.State.Running,
      paused: data.State.Paused,
      exitCode: data.State.ExitCode,
      oomKilled: data.State.OOMKilled,
      ...(data.State.StartedAt && !data.State.StartedAt.startsWith('0001') ? { startedAt: data.State.StartedAt } : {}),
      ...(binding ? { hostPort: binding.hostPort, hostIp: binding.hostIp } : {}),
      bindings,
      ...(data.HostConfig?.Memory ? { memoryLimitBytes: data.HostConfig.Memory } : {}),
      env: data.Config.Env ?? [],
    };
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const container = await this.#call(`create a container from ${spec.image}`, () =>
      this.#docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Labels: spec.labels,
        Env: spec.env,
        ExposedPorts: { [spec.publish.containerPort]: {} },
        HostConfig: {
          // One address (loopback for a local engine): Batfish has no authentication (src/docker/endpoint.ts).
          PortBindings: {
            [spec.publish.containerPort]: [
              { HostIp: spec.publish.hostIp, HostPort: spec.publish.hostPort ? String(spec.publish.hostPort) : '' },
            ],
          },
          NetworkMode: spec.network,
          // json-file whatever the engine's default driver: rotated, and readable by `service logs`.
          LogConfig: { Type: 'json-file', Config: { 'max-size': spec.log.maxSize, 'max-file': String(spec.log.maxFiles) } },
          ...(spec.memoryBytes ? { Memory: spec.memoryBytes, MemorySwap: spec.memoryBytes } : {}),
        },
      }),
    );
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    await this.#call(`start container ${id.slice(0, 12)}`, () => this.#docker.getContainer(id).start());
  }

  async unpauseContainer(id: string): Promise<void> {
    try {
      await this.#docker.getContainer(id).unpause();
    } catch (error) {
      // 409: not paused (any more).
      if (statusOf(error) === 409) return;
      throw this.#translate(error, `unpause container ${id.slice(0, 12)}`);
    }
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.#docker.getContainer(id).stop({ t: timeoutSeconds });
    } catch (error) {
      // 304: already stopped; 404: already gone.
      if (statusOf(error) === 304 || statusOf(error) === 404) return;
      throw this.#translate(error, `stop container ${id.slice(0, 12)}`);
    }
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.#docker.getContainer(id).remove({ force: true, v: true });
    } catch (error) {
      // 404: gone; 409: removal already in progress.
      if (statusOf(error) === 404 || statusOf(error) === 409) return;
      throw this.#translate(error, `remove container ${id.slice(0, 12)}`);
    }
  }

  async logs(id: string, tail: number): Promise<string> {
    const data: unknown = await this.#call(`read the logs of container ${id.slice(0, 12)}`, () =>
      this.#docker.getContainer(id).logs({ stdout: true, stderr: true, tail, follow: false }),
    );
    return demux(Buffer.isBuffer(data) ? data : Buffer.from(String(data)));
  }

  async followLogs(id: string, tail: number, signal?: AbortSignal): Promise<Readable> {
    const stream = await this.#call(`follow the logs of container ${id.slice(0, 12)}`, () =>
      this.#docker.getContainer(id).logs({ stdout: true, stderr: true, tail, follow: true }),
    );
    // dockerode types a followed log as any ReadableStream; the engine's response is a Readable.
    if (!(stream instanceof Readable)) throw new DockerError(`the Docker engine did not send the logs of container ${id.slice(0, 12)} as a stream`);
    const out = new PassThrough();
    this.#docker.modem.demuxStream(stream, out, out);
    stream.on('end', () => out.end());
    stream.on('error', () => out.end());
    // Ending the output must also close the engine's response, or its socket keeps netq running.
    const stop = (): void => {
      stream.destroy();
      out.end();
    };
    out.on('close', () => {
      signal?.removeEventListener('abort', stop);
      stream.destroy();
    });
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    return out;
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    try {
      const data = await this.#docker.getImage(ref).inspect();
      return { id: data.Id, labels: data.Config?.Labels ?? {} };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.#translate(error, `inspect image ${ref}`);
    }
  }

  async pullImage(ref: string, onProgress: (event: ProgressEvent) => void, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const stream = await this.#call(`pull ${ref}`, () => this.#docker.pull(ref) as Promise<Readable>);
    await this.#follow(stream, `pull ${ref}`, onProgress, signal);
  }

  async buildImage(spec: BuildSpec, onProgress: (event: ProgressEvent) => void, signal?: AbortSignal): Promise<void> {
    const { contextDir, files, dockerfile, tag, buildArgs } = spec;
    signal?.throwIfAborted();
    // dockerode packs the listed files into a tar stream, so the context never sits in memory.
    const stream = await this.#call(`build ${tag}`, () =>
      this.#docker.buildImage({ context: contextDir, src: files }, { t: tag, dockerfile, buildargs: buildArgs, rm: true, forcerm: true }),
    );
    await this.#follow(stream as Readable, `build ${tag}`, onProgress, signal);
  }

  async inspectNetwork(name: string): Promise<NetworkInfo | undefined> {
    try {
      const data = (await this.#docker.getNetwork(name).inspect()) as { Id: string; Name: string; Driver: string; Labels?: Record<string, string> | null };
      return { id: data.Id, name: data.Name, driver: data.Driver, labels: data.Labels ?? {} };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.#translate(error, `inspect network ${name}`);
    }
  }

  async createNetwork(name: string, labels: Record<string, string>): Promise<void> {
    try {
      // CheckDuplicate: engines before API 1.44 would otherwise create a second network of that name.
      await this.#docker.createNetwork({ Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true });
    } catch (error) {
      if (statusOf(error) === 409) return;
      throw this.#translate(error, `create network ${name}`);
    }
  }

  async removeNetwork(name: string): Promise<void> {
    try {
      await this.#docker.getNetwork(name).remove();
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw this.#translate(error, `remove network ${name}`);
    }
  }

  /** Reads a pull or build progress stream; an `error` inside the stream fails the operation. */
  #follow(stream: Readable, what: string, onProgress: (event: ProgressEvent) => void, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      let failure: string | undefined;
      let settled = false;
      const settle = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      // Closing the stream makes the engine drop the pull or build.
      const onAbort = (): void => {
        stream.destroy();
        settle(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#docker.modem.followProgress(
        stream,
        (error: Error | null) => {
          if (error) settle(this.#translate(error, what));
          else if (failure) settle(new DockerError(`could not ${what}: ${failure}`, { hint: hintFor(what) }));
          else settle();
        },
        (event: { stream?: string; status?: string; progress?: string; id?: string; error?: string; errorDetail?: { message?: string } }) => {
          if (event.error || event.errorDetail) {
            failure = (event.errorDetail?.message ?? event.error ?? 'unknown error').trim();
            return;
          }
          const text = (event.stream ?? [event.id, event.status, event.progress].filter(Boolean).join(' ')).trim();
          if (text) onProgress({ text });
        },
      );
    });
  }

  async #call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.#translate(error, what);
    }
  }

  #translate(error: unknown, what: string): DockerError {
    if (error instanceof DockerError) return error;
    const code = (error as NodeJS.ErrnoException).code;
    const status = statusOf(error);
    const message = serverMessage(error);
    const unreachableHint =
      'start Docker (e.g. sudo systemctl start docker), point DOCKER_HOST at your engine (Podman, Colima, a remote host), or use an existing Batfish with --batfish-url';
    if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT') {
      return new DockerError(`the Docker engine is not reachable at ${this.address} (${code})`, { hint: unreachableHint, cause: error });
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return new DockerError(`permission denied on the Docker engine at ${this.address}`, {
        hint: 'add your user to the docker group (then log in again), set DOCKER_HOST to a socket you may use, or use --batfish-url',
        cause: error,
      });
    }
    if (/port is already allocated|address already in use/i.test(message)) {
      return new DockerError(`could not ${what}: the host port is taken (${message})`, {
        hint: 'pick another port with --port, or leave --port out to let Docker choose a free one',
        cause: error,
      });
    }
    if (/cannot assign requested address/i.test(message)) {
      return new DockerError(`could not ${what}: the Docker engine's host has no such address to publish Batfish on (${message})`, {
        hint:
          "netq publishes Batfish on the address it reaches the engine's host through; behind NAT or a forwarded port that is not the host's own: " +
          'set NETQ_BATFISH_HOST_IP to an address of that host which this machine reaches, or use a Batfish that runs elsewhere with --batfish-url',
        cause: error,
      });
    }
    if (status === 404 && /image/i.test(message)) {
      return new DockerError(`could not ${what}: ${message}`, { hint: hintFor(what), cause: error });
    }
    return new DockerError(`could not ${what}: ${message || String(error)}`, { hint: hintFor(what), cause: error });
  }
}

function hintFor(what: string): string {
  // The container manager replaces this hint with the ways that work without the registry.
  if (what.startsWith('pull')) return 'check the image name and your access to its registry';
  if (what.startsWith('build')) return 'check that the base image (--base-image) exists here (docker images) or can be pulled';
  return 'check the Docker engine (docker info) and run again with --verbose';
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

function serverMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } }).json;
  if (json?.message) return json.message;
  const reason = (error as { reason?: string }).reason;
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^\(HTTP code \d+\)\s*(server error|unexpected|no such container|not modified)?\s*-?\s*/i, '').trim() || reason || '';
}

/** Splits Docker's multiplexed log format (8-byte frame headers) into text. */
export function demux(data: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= data.length && data[offset]! <= 2 && data[offset + 1] === 0) {
    const size = data.readUInt32BE(offset + 4);
    parts.push(data.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  if (offset === 0) return data.toString('utf8');
  return Buffer.concat(parts).toString('utf8');
}
