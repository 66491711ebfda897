import type { Writable } from 'node:stream';
import yoctoSpinner, { type Spinner } from 'yocto-spinner';
import type { Clock } from './clock.js';

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
    phase(text) {
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
    note(text) {
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
