/**
 * What a site run tells its caller while it works. The CLI turns these into a spinner and stderr
 * lines; a library user listens with `onEvent`.
 */
export type NetqEvent =
  /** The current step, e.g. `uploading snapshot nyc-… (12.0 KiB)`; replaces the previous one. */
  | { type: 'phase'; text: string }
  /** Something the user should know that does not stop the run (empty files, a skipped link). */
  | { type: 'warning'; text: string; role?: 'reference' | 'base' }
  /** A lasting fact worth a line, e.g. that a Batfish container was started and keeps running. */
  | { type: 'notice'; text: string }
  /** A snapshot is being uploaded. */
  | { type: 'upload'; network: string; snapshot: string; sizeBytes: number; files: number }
  /** A snapshot is ready: parsed now (`health` summarises how the files parsed) or reused as it was. */
  | { type: 'parse'; network: string; snapshot: string; reused: boolean; health: string | null }
  /** A question was answered. */
  | { type: 'answer'; network: string; snapshot: string; question: string; rows: number }
  /** A request is tried again after a connection error or a 502/503/504. */
  | { type: 'retry'; request: string; attempt: number; reason: string }
  /** Each HTTP request and step, for --verbose. */
  | { type: 'debug'; text: string };

export type NetqEventListener = (event: NetqEvent) => void;

/** A listener that ignores everything. */
export const ignoreEvents: NetqEventListener = () => {};
