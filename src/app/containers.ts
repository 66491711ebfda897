/**
 * The use cases of `netq service`: start, stop, status, logs and build of the Batfish containers
 * netq manages. Each returns plain data; the commands print it.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { describeBinding } from '../docker/endpoint.js';
import { LABELS, formatMemory } from '../docker/container-settings.js';
import type { NetqEventListener } from './events.js';
import type { BatfishProvider, ManagedBatfishOptions } from './provider.js';

export { CONTAINER_LOG, LABELS, MANAGED_BY } from '../docker/container-settings.js';

/** One container netq manages, as `netq service status` shows it. */
export interface ContainerStatus {
  name: string;
  id: string;
  image: string;
  /** The image that one was built on (for an image made by `netq service build`). */
  baseImage: string | null;
  state: string;
  ephemeral: boolean;
  /** What the server itself reports (GET /v2/version), or `not answering`. */
  batfishVersion: string | null;
  /** Where this machine reaches it, when it runs. */
  url: string | null;
  /** Where the engine's host publishes it (docker inspect's HostIp:HostPort), reachable from here or not. */
  published: string | null;
  reachable: boolean;
  uptimeSeconds: number | null;
  memoryLimit: string | null;
}

/** Starts netq's Batfish, or finds the one running; ends this run's use of it. */
export async function startService(provider: BatfishProvider, options: ManagedBatfishOptions, apiKey: string, onEvent: NetqEventListener) {
  const managed = await (await provider.containers(onEvent, apiKey)).ensure(options);
  await managed.release();
  return { started: managed.started, name: managed.info.name, image: managed.info.image, url: managed.url };
}

/** Removes every container netq started, and its network; the ids removed. */
export async function stopService(provider: BatfishProvider, onEvent: NetqEventListener): Promise<string[]> {
  return (await provider.containers(onEvent, '')).removeAll();
}

/** Every container netq manages, with what its server says and where it is reached. */
export async function serviceStatus(provider: BatfishProvider, apiKey: string, now: number, onEvent: NetqEventListener): Promise<ContainerStatus[]> {
  const containers = await provider.containers(onEvent, apiKey);
  const list = await containers.list();
  return Promise.all(
    list.map(async (c): Promise<ContainerStatus> => {
      const reachable = c.hostPort ? await containers.urlOf(c) : undefined;
      const url = c.running && !c.paused ? reachable : undefined;
      const published = c.bindings.length ? c.bindings.map(describeBinding).join(' ') : null;
      const [version, base] = await Promise.all([
        url
          ? provider.version(url, apiKey).then(
              (v) => v.batfish,
              () => 'not answering',
            )
          : undefined,
        containers.baseImageOf(c),
      ]);
      const uptimeSeconds = c.running && c.startedAt ? Math.max(0, Math.round((now - Date.parse(c.startedAt)) / 1000)) : undefined;
      return {
        name: c.name,
        id: c.id.slice(0, 12),
        image: c.image,
        baseImage: base ?? null,
        state: c.state,
        ephemeral: c.labels[LABELS.ephemeral] === 'true',
        batfishVersion: version ?? null,
        url: url ?? null,
        published,
        reachable: reachable !== undefined,
        uptimeSeconds: uptimeSeconds ?? null,
        memoryLimit: c.memoryLimitBytes ? formatMemory(c.memoryLimitBytes) : null,
      };
    }),
  );
}

/**
 * The log of netq's running container (else the last one): its last `tail` lines, or, with
 * `follow`, its lines as they come until `signal` fires. Undefined when there is no container.
 */
export async function serviceLogs(
  provider: BatfishProvider,
  options: { tail: number; follow: boolean; signal: AbortSignal },
  onEvent: NetqEventListener,
): Promise<string | AsyncIterable<string | Uint8Array> | undefined> {
  const list = await (await provider.containers(onEvent, '')).list();
  const container = list.find((c) => c.running) ?? list.at(-1);
  if (!container) return undefined;
  const engine = provider.engine();
  if (!options.follow) return engine.logs(container.id, options.tail);
  return followed(await engine.followLogs(container.id, options.tail, options.signal));
}

/** A log stream's chunks until it ends; an interrupt destroys it, and that is its end, not a failure. */
async function* followed(stream: NodeJS.ReadableStream): AsyncIterable<string | Uint8Array> {
  try {
    for await (const chunk of stream) yield chunk;
  } catch {
    // Destroyed by the signal: the log was followed until Ctrl-C, as asked.
  }
}

/** Builds netq's Batfish image from Dockerfile-batfish (shipped with netq). */
export async function buildServiceImage(
  provider: BatfishProvider,
  options: { base?: string; tag?: string },
  onPhase: (text: string) => void,
  onLine: (text: string) => void,
): Promise<{ tag: string; base: string }> {
  const containers = await provider.containers(() => {}, '');
  const build = { contextDir: packageRoot(), ...options };
  onPhase(`building ${build.tag ?? containers.names.localImage} from ${build.base ?? containers.names.pinnedImage}`);
  return containers.buildImage(build, (event) => onLine(event.text));
}

/** The folder holding netq's package.json and Dockerfile-batfish. */
function packageRoot(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('../../package.json'));
}
