import type { Writable } from 'node:stream';
import yoctoSpinner, { type Spinner } from 'yocto-spinner';
import type { NetqEvent } from './app/events.js';
import type { Clock } from './clock.js';
import { printable } from './text.js';

/** Tells the user what a long step is doing. Everything goes to stderr. */
export interface Progress {
  /** The current phase, e.g. `uploading snapshot nyc-... (12 KiB)`. */
  phase(text: string): void;
  /** A line that stays (a warning, a summary), written above the spinner. */
  note(text: string): void;
  /** Removes the spinner; call before writing results. */
  stop(): void;
}

export interface ProgressOptions {
  stream: Writable & { isTTY?: boolean };
  clock: Clock;
  /** Draw a spinner (stderr is a terminal and this is not CI). */
  interactive: boolean;
  /** Write each phase as a line when there is no spinner. */
  verbose: boolean;
}

/**
 * A spinner with the phase and the elapsed time on a terminal; plain `netq: phase` lines with
 * --verbose otherwise; nothing at all in a quiet pipeline.
 */
export function createProgress(options: ProgressOptions): Progress {
  const { stream, clock } = options;
  const started = clock.now();
  let spinner: Spinner | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let current = '';
  const label = (): string => `${current} (${Math.round((clock.now() - started) / 1000)}s)`;
  return {
    phase(phase) {
      // Phases and notes name files, nodes and servers: text from configs and Batfish is escaped.
      const text = printable(phase);
      if (text === current) return;
      current = text;
      if (!options.interactive) {
        if (options.verbose) stream.write(`netq: ${text}\n`);
        return;
      }
      if (!spinner) {
        spinner = yoctoSpinner({ text: label(), stream, handleSignals: false }).start();
        ticker = setInterval(() => {
          if (spinner) spinner.text = label();
        }, 1000);
        ticker.unref();
      } else {
        spinner.text = label();
      }
    },
    note(note) {
      const text = printable(note);
      if (spinner) {
        spinner.clear();
        stream.write(`${text}\n`);
        spinner.text = label();
      } else {
        stream.write(`${text}\n`);
      }
    },
    stop() {
      if (ticker) clearInterval(ticker);
      spinner?.stop();
      spinner = undefined;
      current = '';
    },
  };
}

/**
 * The CLI's reading of a run's events: phases drive the spinner, warnings and notices become
 * `netq:` lines on stderr, and HTTP details show with --verbose only.
 */
export function progressListener(progress: Progress, verbose: boolean): (event: NetqEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'phase':
        progress.phase(event.text);
        return;
      case 'warning':
        progress.note(`netq: warning${event.role ? ` (${event.role})` : ''}: ${event.text}`);
        return;
      case 'notice':
        progress.note(`netq: ${event.text}`);
        return;
      case 'parse':
        if (event.reused) progress.note(`netq: Batfish already has ${event.snapshot} (unchanged input); nothing uploaded`);
        else if (event.health) progress.note(`netq: parsed ${event.snapshot}: ${event.health}`);
        return;
      case 'retry':
        if (verbose) progress.note(`netq: retrying ${event.request} (attempt ${event.attempt}): ${event.reason}`);
        return;
      case 'debug':
        if (verbose) progress.note(`netq: ${event.text}`);
        return;
      case 'upload':
      case 'answer':
        return;
    }
  };
}
