/**
 * What BatfishSession's flows share (snapshot-flows.ts, snapshot-parse.ts, question-flows.ts): the
 * options a session is made with, its client, one work watcher per network, and the check of
 * Batfish names.
 */
import type { Clock } from '../clock.js';
import { InputError } from '../errors.js';
import type { BatfishClient, WorkStatus } from './client.js';
import { describeStatus, WorkWatcher, type PollOptions } from './work.js';

export interface SessionOptions {
  clock: Clock;
  newId: () => string;
  /** Shows what is going on; the CLI draws a spinner from it. */
  onPhase?: (text: string) => void;
  /** Something the user should know that does not stop the run (plain HTTP to another host). */
  onWarning?: (text: string) => void;
  signal?: AbortSignal;
}

/** A session's client and options, and the poll options of its work (a network's items polled together). */
export class SessionFlow {
  /** One per network: the session's work items of a network are polled together. */
  readonly #watchers = new Map<string, WorkWatcher>();

  constructor(
    readonly client: BatfishClient,
    readonly options: SessionOptions,
  ) {}

  pollOptions(network: string, label: string, deadline: number, phase: string): PollOptions {
    let watcher = this.#watchers.get(network);
    if (!watcher) {
      watcher = new WorkWatcher(this.client, network, this.options.clock, this.options.signal);
      this.#watchers.set(network, watcher);
    }
    return {
      clock: this.options.clock,
      deadline,
      label,
      watcher,
      onStatus: (status: WorkStatus) => this.options.onPhase?.(`${phase}: ${describeStatus(status)}`),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
    };
  }
}

/** Batfish names allowed by pybatfish; the server does not check, so netq does. */
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,150}$/;

export const validName = (name: string): boolean => NAME_PATTERN.test(name) && name.toLowerCase() !== 'settings';

export function checkName(kind: string, name: string): void {
  if (!validName(name)) {
    throw new InputError(`'${name}' cannot be a Batfish ${kind} name`, {
      hint: `use letters, digits, '-' and '_' only (at most 150 characters)${kind === 'network' ? ', e.g. --network my_net' : ''}`,
    });
  }
}
