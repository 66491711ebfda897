/**
 * Which Batfish a run uses, from plain values (the CLI's flags, a service's request): a given URL,
 * or netq's managed container and how to run it. Contradictions are refused here, once.
 */
import { checkApiKey } from '../batfish/http.js';
import { parseMemory } from '../docker/container-settings.js';
import { InputError } from '../errors.js';
import { DEFAULTS, DEFAULT_API_KEY } from './defaults.js';
import type { BatfishTarget, ManagedBatfishOptions } from './provider.js';
import type { SnapshotSource } from './site-run.js';

/** How to run netq's container (the CLI's container flags; seconds where a person types them). */
export interface ContainerChoice {
  image: string | undefined;
  port: number | undefined;
  memory: string | undefined;
  jvmOpts: string | undefined;
  /** Seconds. */
  startupTimeout: number | undefined;
  restart: boolean;
  apiKey: string | undefined;
}

/** Which Batfish: a URL, or the managed container (private with `ephemeral`). */
export interface BatfishChoice extends ContainerChoice {
  batfishUrl: string | undefined;
  ephemeral: boolean;
  /** Seconds. */
  connectTimeout: number | undefined;
}

/** The API key given (checked: a header must be able to carry it), else the stock key. */
export function apiKeyOf(choice: Pick<ContainerChoice, 'apiKey'>): string {
  return choice.apiKey === undefined ? DEFAULT_API_KEY : checkApiKey(choice.apiKey, '--api-key or NETQ_BATFISH_API_KEY');
}

/** How to run netq's container. */
export function managedOptionsOf(choice: ContainerChoice, ephemeral: boolean): ManagedBatfishOptions {
  if (choice.restart && ephemeral) {
    throw new InputError('--restart replaces the shared Batfish, and --ephemeral starts a private one: they cannot be combined', {
      hint: 'drop one of them',
    });
  }
  let memoryBytes: number | undefined;
  if (choice.memory !== undefined) {
    memoryBytes = parseMemory(choice.memory);
    if (!memoryBytes) throw new InputError(`--memory '${choice.memory}' is not a size`, { hint: 'use a size such as 4g or 512m' });
  }
  return {
    ...(choice.image ? { image: choice.image } : {}),
    ...(choice.port !== undefined ? { hostPort: choice.port } : {}),
    ...(memoryBytes ? { memoryBytes } : {}),
    ...(choice.jvmOpts ? { jvmOpts: choice.jvmOpts } : {}),
    startupTimeoutMs: choice.startupTimeout !== undefined ? choice.startupTimeout * 1000 : DEFAULTS.startupTimeoutMs,
    ...(choice.restart ? { restart: true } : {}),
    ephemeral,
  };
}

/** Which Batfish to use. */
export function batfishTargetOf(choice: BatfishChoice): BatfishTarget {
  if (choice.batfishUrl !== undefined && choice.ephemeral) {
    throw new InputError('--ephemeral starts a Batfish of its own and cannot be combined with --batfish-url', {
      hint: 'drop one of them (NETQ_BATFISH_URL counts as --batfish-url)',
    });
  }
  return {
    ...(choice.batfishUrl !== undefined ? { url: choice.batfishUrl } : {}),
    apiKey: apiKeyOf(choice),
    connectTimeoutMs: choice.connectTimeout !== undefined ? choice.connectTimeout * 1000 : DEFAULTS.connectTimeoutMs,
    managed: managedOptionsOf(choice, choice.ephemeral),
  };
}

/**
 * The Batfish a site is asked on. One server today: every site gets the run's target. A pool of
 * servers (a later issue) makes this the one place that spreads sites over them.
 */
export type TargetChooser = (source: SnapshotSource) => BatfishTarget;

/** Every site on one server. */
export function oneServer(target: BatfishTarget): TargetChooser {
  return () => target;
}
