import { Command, Option, UsageError } from 'clipanion';
import type { NetqEventListener } from '../app/events.js';
import { runDeps } from '../app/services.js';
import type { RunDeps } from '../app/site-run.js';
import type { NetqContext } from '../context.js';
import { ExitCode, InputError, formatError, stdoutWriteError, toNetqError } from '../errors.js';
import { createProgress, progressListener, type Progress } from '../progress.js';
import type { TerminalInfo } from '../render/index.js';

/** Until a stream takes more (`drain`), or can take nothing more (closed, failed). */
function drained(stream: NodeJS.WritableStream & { destroyed?: boolean }): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    // The error itself goes to the stream's own listeners (main.ts ends quietly on EPIPE).
    stream.on('error', done);
  });
}

/** A constructor of an abstract class, for the flag-group mixins. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeScript requires any[] for mixin constructors
export type AbstractCommandClass<T> = abstract new (...args: any[]) => T;

/**
 * What a command prints: stdout carries data only, stderr progress, warnings and errors. stdout
 * may come in chunks (a large answer), written one after another as the reader takes them.
 */
export interface CommandOutput {
  /** Text, chunks, or a stream of them (a container log followed until it ends). */
  stdout: string | Iterable<string> | AsyncIterable<string | Uint8Array>;
  stderr: string;
  exitCode: number;
}

/**
 * Base of every netq command: turns any failure into a message on stderr and an exit code
 * (clipanion would print errors to stdout and exit 1), and gives commands their progress display,
 * terminal facts and run dependencies. Flags live in the groups of flags.ts.
 */
export abstract class NetqCommand extends Command<NetqContext> {
  /** Set by the Verbose group, which every command applies last (so its own flags come first in --help). */
  abstract verbose: boolean;

  /** The command's work; returns the exit code. */
  abstract run(): Promise<number>;

  async execute(): Promise<number> {
    return this.run();
  }

  override async validateAndExecute(): Promise<number> {
    try {
      return await super.validateAndExecute();
    } catch (error) {
      return this.report(error);
    }
  }

  /** Writes an error to stderr and returns its exit code. */
  report(error: unknown): number {
    const netqError =
      error instanceof UsageError ? new InputError(error.message, { hint: `see netq ${this.path.join(' ')} --help` }) : toNetqError(error);
    this.context.stderr.write(formatError(netqError, this.verbose));
    return netqError.exitCode;
  }

  /**
   * Writes a command's output and returns its exit code. Chunks wait for the reader (a pipe into
   * `head`, a slow disk): what is waiting to be written stays one chunk, not the whole output.
   */
  async emit(output: CommandOutput): Promise<number> {
    const { stdout } = this.context;
    try {
      if (typeof output.stdout === 'string') {
        if (output.stdout) stdout.write(output.stdout);
      } else if (Symbol.asyncIterator in output.stdout) {
        for await (const chunk of output.stdout) {
          if (stdout.destroyed || stdout.writableEnded) break;
          if (chunk.length && !stdout.write(chunk)) await drained(stdout);
        }
      } else {
        for (const chunk of output.stdout) {
          // A reader that went away takes nothing more (the program ends quietly on EPIPE).
          if (stdout.destroyed || stdout.writableEnded) break;
          if (chunk && !stdout.write(chunk)) await drained(stdout);
        }
      }
    } catch (error) {
      // A file on stdout fails its writes at once (a full disk); a pipe's errors come as events (main.ts).
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') return output.exitCode;
      throw stdoutWriteError(error);
    }
    if (output.stderr) this.context.stderr.write(output.stderr);
    return output.exitCode;
  }

  /**
   * A line for the person running netq, on stderr: what was done, a warning. Never data (that is
   * `emit`'s stdout), and never while a spinner runs (`withProgress` events are for that).
   */
  note(line: string): void {
    this.context.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
  }

  progress(): Progress {
    const stderr = this.context.stderr as NodeJS.WriteStream;
    return createProgress({
      stream: stderr,
      clock: this.context.clock,
      interactive: Boolean(stderr.isTTY) && !this.context.env.CI,
      verbose: this.verbose,
    });
  }

  /** Runs a step with a spinner and event lines on stderr; the spinner is gone before output is written. */
  async withProgress<T>(fn: (onEvent: NetqEventListener, deps: RunDeps) => Promise<T>): Promise<T> {
    const progress = this.progress();
    const onEvent = progressListener(progress, this.verbose);
    try {
      return await fn(onEvent, runDeps(this.context, onEvent));
    } finally {
      progress.stop();
    }
  }

  /** Width and colour of stdout: colour only on a terminal and never with NO_COLOR. */
  terminal(): TerminalInfo {
    const stdout = this.context.stdout as NodeJS.WriteStream;
    const isTTY = Boolean(stdout.isTTY);
    const envWidth = Number(this.context.env.COLUMNS);
    const width = isTTY ? stdout.columns || envWidth || 80 : Number.isFinite(envWidth) && envWidth > 0 ? envWidth : undefined;
    const noColor = this.context.env.NO_COLOR !== undefined && this.context.env.NO_COLOR !== '';
    return { ...(width ? { width } : {}), color: isTTY && !noColor };
  }
}

/** `--verbose`, applied last to every command so that the command's own flags lead its --help. */
export function Verbose<TBase extends AbstractCommandClass<NetqCommand>>(Base: TBase) {
  abstract class WithVerbose extends Base {
    verbose = Option.Boolean('--verbose,-v', false, {
      description: 'Show each step and HTTP request, whole error details and stack traces',
    });
  }
  return WithVerbose;
}

export { ExitCode };
