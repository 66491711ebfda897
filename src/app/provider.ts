import { BatfishClient, type BatfishVersion } from '../batfish/client.js';
import type { BatfishHttp, BatfishHttpOptions } from '../batfish/http.js';
import { BatfishSession } from '../batfish/session.js';
import type { Clock } from '../clock.js';
import type { DockerEngine } from '../docker/engine.js';
import type { BatfishContainers } from '../docker/lifecycle.js';
import type { BatfishRequest } from '../docker/container-settings.js';
import { dockerNamesOf } from '../docker/names.js';
import { NETQ_VERSION } from '../version.js';
import { fileTemplateCache } from './template-cache.js';
import type { NetqEventListener } from './events.js';

/**
 * How netq runs Batfish itself when no URL is given: the image, port, memory and JVM options of a
 * container it starts (a running shared one is reused, with a warning when these differ, or
 * replaced with `restart`), and how long to wait for it.
 */
export interface ManagedBatfishOptions extends BatfishRequest {
  /** Start a private container for this run and remove it afterwards. */
  ephemeral: boolean;
}

/** Which Batfish to use: a given URL, or netq's managed container. */
export interface BatfishTarget {
  /** A Batfish to use as it is; undefined: netq manages one in Docker. */
  url?: string;
  apiKey: string;
  /** How long to wait for a server that refuses connections (it may be starting). */
  connectTimeoutMs: number;
  managed: ManagedBatfishOptions;
}

/** A connected Batfish and what to do when the run is done with it. */
export interface BatfishConnection {
  session: BatfishSession;
  url: string;
  version: BatfishVersion;
  /** HTTP requests sent so far, retries included. */
  requestCount(): number;
  /** Removes an --ephemeral container, or ends this run's use of the shared one. Safe to call twice. */
  release(): Promise<void>;
}

/** What the provider needs from the outside world; tests pass their own. */
export interface ProviderDeps {
  clock: Clock;
  newId: () => string;
  /** Aborted on SIGINT/SIGTERM; waits and requests stop when it fires. */
  signal: AbortSignal;
  /** Folder of the lock that makes concurrent netqs share one container, and of their use leases. */
  stateDir: string;
  env: Record<string, string | undefined>;
  createHttp: (options: BatfishHttpOptions) => BatfishHttp;
  createEngine: (env: Record<string, string | undefined>) => DockerEngine;
}

/**
 * Where Batfish comes from. Built once per run (src/cli.ts) and handed to commands through the
 * context; the site run and the service commands get their Batfish and containers from it.
 */
export class BatfishProvider {
  #engine: DockerEngine | undefined;

  constructor(readonly deps: ProviderDeps) {}

  /** The Docker engine (loaded on first use, so --batfish-url runs never pay for dockerode). */
  engine(): DockerEngine {
    this.#engine ??= this.deps.createEngine(this.deps.env);
    return this.#engine;
  }

  /**
   * The container manager, with a readiness probe that asks Batfish for its version. Its Docker
   * names are netq's own unless NETQ_DOCKER_NAMESPACE gives a namespace (the Docker tests do).
   * Where it publishes Batfish follows DOCKER_HOST: 127.0.0.1 for an engine on this machine, the
   * address netq reaches a remote engine's host through otherwise, or NETQ_BATFISH_HOST_IP.
   */
  async containers(onEvent: NetqEventListener, apiKey: string): Promise<BatfishContainers> {
    // Loaded here, not at start: a run against --batfish-url never pays for the container code.
    const [{ BatfishContainers }, { engineEndpointOf, hostIpOf, resolveEngineView }] = await Promise.all([
      import('../docker/lifecycle.js'),
      import('../docker/endpoint.js'),
    ]);
    const { clock, newId, stateDir, signal, env } = this.deps;
    const endpoint = engineEndpointOf(env);
    const hostIp = hostIpOf(env);
    return new BatfishContainers({
      engine: this.engine(),
      clock,
      newId,
      netqVersion: NETQ_VERSION,
      stateDir,
      names: dockerNamesOf(env),
      engineView: () => resolveEngineView(endpoint, hostIp),
      probe: (url) =>
        this.version(url, apiKey).then(
          () => true,
          () => false,
        ),
      onPhase: (text) => onEvent({ type: 'phase', text }),
      onNotice: (text) => onEvent({ type: 'notice', text }),
      onWarning: (text) => onEvent({ type: 'warning', text }),
      signal,
    });
  }

  /** `GET /v2/version` once, with a short timeout (readiness probes, `service status`). */
  version(url: string, apiKey: string): Promise<BatfishVersion> {
    const http = this.deps.createHttp({ url, apiKey, clock: this.deps.clock, requestTimeoutMs: 2000, signal: this.deps.signal });
    return new BatfishClient(http).version();
  }

  /**
   * Connects to the Batfish the target names: the given URL, or netq's managed container (reused
   * when running, started otherwise, or a private one with `ephemeral`). `snapshot`: the snapshot
   * the run will look for, asked about alongside the version request.
   */
  async connect(target: BatfishTarget, onEvent: NetqEventListener, options: { snapshot?: { network: string; snapshot: string } } = {}): Promise<BatfishConnection> {
    const { url, release } = target.url === undefined ? await this.#managed(target, onEvent) : { url: target.url, release: async () => {} };
    try {
      const http = this.deps.createHttp({
        url,
        apiKey: target.apiKey,
        clock: this.deps.clock,
        signal: this.deps.signal,
        debug: (text) => onEvent({ type: 'debug', text: `http: ${text}` }),
        onRetry: (retry) => onEvent({ type: 'retry', ...retry }),
      });
      const session = new BatfishSession(new BatfishClient(http), {
        clock: this.deps.clock,
        newId: this.deps.newId,
        onPhase: (text) => onEvent({ type: 'phase', text }),
        onWarning: (text) => onEvent({ type: 'warning', text }),
        signal: this.deps.signal,
      });
      const version = await session.connect(target.connectTimeoutMs, options.snapshot);
      session.useTemplateCache(fileTemplateCache(this.deps.stateDir, url, version.batfish));
      return { session, url, version, requestCount: () => http.requestCount, release };
    } catch (error) {
      await release().catch(() => undefined);
      throw error;
    }
  }

  async #managed(target: BatfishTarget, onEvent: NetqEventListener): Promise<{ url: string; release: () => Promise<void> }> {
    const containers = await this.containers(onEvent, target.apiKey);
    const { ephemeral, ...request } = target.managed;
    if (ephemeral) return containers.startEphemeral(request);
    const managed = await containers.ensure(request);
    if (managed.started) {
      onEvent({
        type: 'notice',
        text: `started Batfish ${managed.info.name} (${managed.info.image}) on ${managed.url}; it keeps running for the next command (netq service stop removes it)`,
      });
    }
    return managed;
  }
}
