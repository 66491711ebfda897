/**
 * The settings of netq's Batfish containers: the labels netq finds them by, the images and the
 * port, the log cap, `--memory` as text and back, and what the container manager (lifecycle.ts)
 * is asked and given.
 */
import type { Clock } from '../clock.js';
import type { EngineView } from './endpoint.js';
import type { ContainerInfo, DockerEngine } from './engine.js';
import { NETQ_NAMES, type DockerNames } from './names.js';
import type { HostProcesses } from './owners.js';

/** Labels on everything netq creates; netq finds its containers by these, never by name. */
export const LABELS = {
  managedBy: 'io.netq.managed-by',
  version: 'io.netq.version',
  image: 'io.netq.image',
  ephemeral: 'io.netq.ephemeral',
  /** On an image `netq service build` made: the image it was built on (set by Dockerfile-batfish). */
  baseImage: 'io.netq.base-image',
} as const;
/** The value of `io.netq.managed-by` on netq's own containers (a namespace has its own). */
export const MANAGED_BY = NETQ_NAMES.owner;

/** The upstream image netq runs when nothing else is asked for (a dated release tag, never `latest`). */
export const PINNED_BATFISH_IMAGE = NETQ_NAMES.pinnedImage;
/** The tag `netq service build` gives its image; commands prefer it when it exists. */
export const NETQ_BATFISH_IMAGE = NETQ_NAMES.localImage;
/** Batfish's coordinator port inside the container. */
export const BATFISH_CONTAINER_PORT = '9996/tcp';
/** The container's log: json-file, rotated, so a container left running for weeks cannot fill the disk. */
export const CONTAINER_LOG = { maxSize: '10m', maxFiles: 3 } as const;

/** What a run asks of netq's Batfish. Settings left out are whatever a running one has. */
export interface BatfishRequest {
  /** The image asked for (--image); undefined: the `netq service build` image if present, else the pinned one. */
  image?: string;
  /** Host port (on the address the engine view gives); undefined or 0 lets Docker choose a free one. */
  hostPort?: number;
  memoryBytes?: number;
  jvmOpts?: string;
  startupTimeoutMs: number;
  /** Replace a running shared Batfish by one with these settings, when no other netq is using it. */
  restart?: boolean;
}

export interface StartOptions {
  image: string;
  /** Host port (on the address the engine view gives); undefined or 0 lets Docker choose a free one. */
  hostPort?: number;
  memoryBytes?: number;
  jvmOpts?: string;
  startupTimeoutMs: number;
  /** A one-shot container: not shared, labelled with its owner, removed by the caller when done. */
  ephemeral: boolean;
}

/** A Batfish container that answers. */
export interface RunningBatfish {
  id: string;
  url: string;
  /** True when this call started the container (false: an existing one was reused). */
  started: boolean;
  info: ContainerInfo;
}

/** A Batfish container a run uses, and what to call when the run is done with it. */
export interface ManagedBatfish extends RunningBatfish {
  /** Ends this process's use (shared) or removes the container (ephemeral). Safe to call twice. */
  release(): Promise<void>;
}

export interface ContainerManagerOptions {
  engine: DockerEngine;
  clock: Clock;
  newId: () => string;
  netqVersion: string;
  /** Folder of the cross-process start lock and of the leases of the processes using the shared container. */
  stateDir: string;
  /** The names of what netq creates in Docker (default: netq's own). */
  names?: DockerNames;
  /** This machine's processes: owners of ephemeral containers, lease holders (default: the real ones). */
  processes?: HostProcesses;
  /**
   * Where the engine is and what netq publishes Batfish on (default: an engine on this machine,
   * 127.0.0.1). Asked once, after the engine answered a ping.
   */
  engineView?: () => Promise<EngineView>;
  /** True once Batfish answers at this URL (`GET /v2/version`). */
  probe: (url: string) => Promise<boolean>;
  onPhase?: (text: string) => void;
  /** A fact worth a line: a container healed, replaced or removed. */
  onNotice?: (text: string) => void;
  /** Something asked for that netq does not do, e.g. flags a running container does not have. */
  onWarning?: (text: string) => void;
  signal?: AbortSignal;
}

/** `4g`, `512m`, `1.5G`, `2048` (MiB when no unit) → bytes. */
export function parseMemory(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] || 'm').toLowerCase();
  const power = { k: 1, m: 2, g: 3, t: 4 }[unit as 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(match[1]) * 1024 ** power);
}

export function formatMemory(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${Number(gib.toFixed(1))}g` : `${Math.round(bytes / 1024 ** 2)}m`;
}
