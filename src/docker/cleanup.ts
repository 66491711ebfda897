/**
 * Removing what netq left in Docker: ephemeral containers whose netq is gone, shared containers
 * that stopped or never started, and (`netq service stop`) every container of netq and its network.
 */
import { DockerError } from '../errors.js';
import { LABELS, type ContainerManagerOptions } from './container-settings.js';
import type { ContainerInfo } from './engine.js';
import type { DockerNames } from './names.js';
import { ownerOf, type ContainerLeases, type HostProcesses } from './owners.js';

/** Removes the ephemeral containers whose netq is gone (killed before it could remove them). */
export async function reapOrphans(options: ContainerManagerOptions, processes: HostProcesses, list: ContainerInfo[]): Promise<void> {
  for (const c of list) {
    const owner = c.labels[LABELS.ephemeral] === 'true' ? ownerOf(c.labels) : undefined;
    if (!owner || !processes.isGone(owner)) continue;
    await options.engine.removeContainer(c.id);
    options.onNotice?.(`removed ${c.name}, an --ephemeral Batfish left by netq pid ${owner.pid}, which is gone`);
  }
}

/** Removes shared containers of `list` that stopped (killed, crashed) or never started (their netq died while creating them). */
export async function pruneStopped(options: ContainerManagerOptions, leases: ContainerLeases, list: ContainerInfo[]): Promise<void> {
  for (const c of list) {
    if (c.labels[LABELS.ephemeral] === 'true' || c.running) continue;
    await discard(options, leases, c);
    const how = c.state === 'created' ? 'had never started' : `had exited (code ${c.exitCode}${c.oomKilled ? ', out of memory' : ''})`;
    options.onNotice?.(`removed Batfish ${c.name}, which ${how}`);
  }
}

/** Removes a container and forgets its users' leases. */
export async function discard(options: ContainerManagerOptions, leases: ContainerLeases, c: ContainerInfo): Promise<void> {
  await options.engine.removeContainer(c.id);
  await leases.forget(c.id);
}

/** Removes `containers` (every container netq started), and netq's network; returns the containers' ids. */
export async function removeAll(options: ContainerManagerOptions, names: DockerNames, leases: ContainerLeases, containers: ContainerInfo[]): Promise<string[]> {
  const { engine } = options;
  for (const c of containers) {
    options.onPhase?.(`stopping ${c.name}`);
    await engine.stopContainer(c.id, 10);
    await engine.removeContainer(c.id);
    await leases.forget(c.id);
  }
  const network = await engine.inspectNetwork(names.network);
  if (network?.labels[LABELS.managedBy] === names.owner) {
    // Still in use (a netq starting right now, a container attached by hand): left for the next stop.
    await engine.removeNetwork(names.network).catch((error: unknown) => {
      if (!(error instanceof DockerError)) throw error;
    });
  }
  return containers.map((c) => c.id);
}
