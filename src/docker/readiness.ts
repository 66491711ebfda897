/**
 * Waiting for a container's Batfish to answer: one netq just started, or a shared one another netq
 * started (resumed first when paused); and the errors a failed start ends with (its last log
 * lines, out of memory, a firewall in front of a remote engine).
 */
import { DockerError } from '../errors.js';
import { poll, type BackoffPolicy, type PollStep } from '../poll.js';
import { formatMemory, type ContainerManagerOptions, type RunningBatfish, type StartOptions } from './container-settings.js';
import { HOST_IP_ENV, isEveryAddress, reachBatfish, type EngineView } from './endpoint.js';
import type { ContainerInfo } from './engine.js';

/** How many log lines a failed start shows. */
const LOG_TAIL = 50;
/** Readiness checks of a starting container: 0.25 s, growing to one every 2 s (a JVM start takes tens of seconds). */
const READINESS_BACKOFF: BackoffPolicy = { initialDelayMs: 250, factor: 1.5, maxDelayMs: 2000 };

/**
 * Waits until the Batfish of a container this netq started answers. A container that exits
 * meanwhile, or does not answer within the startup timeout, ends in an error with its last log lines.
 */
export async function awaitStarted(options: ContainerManagerOptions, id: string, view: EngineView, start: StartOptions): Promise<RunningBatfish> {
  const { engine, clock, signal } = options;
  const deadline = clock.now() + start.startupTimeoutMs;
  return poll(
    async (): Promise<PollStep<RunningBatfish>> => {
      const info = await engine.inspectContainer(id);
      if (!info || !info.running) throw await startFailure(options, id, info, start);
      options.onPhase?.(`starting Batfish (container ${id.slice(0, 12)}, port ${info.hostPort ?? '?'})`);
      const url = reachBatfish(info.bindings, view)?.url;
      if (url && (await options.probe(url))) return { done: true, value: { id, url, started: true, info } };
      return { done: false };
    },
    {
      clock,
      backoff: READINESS_BACKOFF,
      deadline,
      signal,
      giveUp: async () =>
        new DockerError(`Batfish did not answer within ${Math.round(start.startupTimeoutMs / 1000)}s (image ${start.image})`, {
          ...(await logDetails(options, id)),
          hint: `a large heap takes longer to start: raise --startup-timeout, or check the log above${firewallHint(view)}`,
        }),
    },
  );
}

/**
 * Waits until a shared container someone else started answers, resuming it first when paused.
 * Undefined when it stops meanwhile (the caller then starts a new one).
 */
export async function awaitShared(
  options: ContainerManagerOptions,
  found: ContainerInfo,
  view: EngineView,
  timeoutMs: number,
): Promise<{ info: ContainerInfo; url: string } | undefined> {
  const { engine, clock, signal } = options;
  if (found.paused) {
    await engine.unpauseContainer(found.id);
    options.onNotice?.(`Batfish ${found.name} was paused (docker pause); netq resumed it`);
  }
  return poll(
    async (): Promise<PollStep<{ info: ContainerInfo; url: string } | undefined>> => {
      const info = await engine.inspectContainer(found.id);
      if (!info || !info.running) return { done: true, value: undefined };
      const url = reachBatfish(info.bindings, view)?.url;
      if (url && (await options.probe(url))) return { done: true, value: { info, url } };
      options.onPhase?.(`waiting for Batfish ${info.name}, which another netq started, to answer (port ${info.hostPort ?? '?'})`);
      return { done: false };
    },
    {
      clock,
      backoff: READINESS_BACKOFF,
      deadline: clock.now() + timeoutMs,
      signal,
      giveUp: async () =>
        new DockerError(`Batfish ${found.name} is running but did not answer within ${Math.round(timeoutMs / 1000)}s`, {
          ...(await logDetails(options, found.id)),
          hint: `run again with --restart to replace it (or netq service stop to remove it); if it is still starting, raise --startup-timeout${firewallHint(view)}`,
        }),
    },
  );
}

async function logDetails(options: ContainerManagerOptions, id: string): Promise<{ details?: string }> {
  const logs = await options.engine.logs(id, LOG_TAIL).catch(() => '');
  return logs.trim() ? { details: `container log (last ${LOG_TAIL} lines):\n${logs.trimEnd()}` } : {};
}

async function startFailure(options: ContainerManagerOptions, id: string, info: ContainerInfo | undefined, start: StartOptions): Promise<DockerError> {
  const details = await logDetails(options, id);
  if (info && (info.oomKilled || info.exitCode === 137)) {
    return new DockerError(`Batfish ran out of memory while starting (container exit code ${info.exitCode}, OOMKilled ${info.oomKilled})`, {
      ...details,
      hint: `give it more memory with --memory (now ${start.memoryBytes ? formatMemory(start.memoryBytes) : 'no limit'}); Batfish's heap is 80% of it`,
    });
  }
  return new DockerError(`Batfish exited while starting (image ${start.image}, exit code ${info?.exitCode ?? 'unknown'})`, {
    ...details,
    hint: 'the container log above says why; check --image and --jvm-opts',
  });
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
