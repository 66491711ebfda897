/**
 * The defaults of a run, in one place: the CLI's flags show and apply them, the library API
 * (`site()`) applies them, and a service will too. Changing one here changes it everywhere.
 */
export { NETQ_BATFISH_IMAGE, PINNED_BATFISH_IMAGE } from '../docker/container-settings.js';
export { DEFAULT_API_KEY } from '../batfish/http.js';

export const DEFAULTS = {
  /** Upload, parse and every answer of a site together. */
  timeoutMs: 600_000,
  /** How long to wait for a given Batfish URL that refuses connections. */
  connectTimeoutMs: 5_000,
  /** How long to wait for a Batfish netq starts (or another netq is starting) to answer. */
  startupTimeoutMs: 180_000,
  /** netq snapshots of a site kept on the server. */
  keepSnapshots: 5,
  /** Sites worked on at once by `--all` and `check`. */
  concurrency: 2,
  /** The regions folder, relative to the current folder. */
  regionsDir: 'regions',
} as const;
