import { printable } from './text.js';

/**
 * The exit-code contract of netq. Scripts and CI pipelines rely on these numbers;
 * README.md documents them, and only `src/main.ts` turns them into a process exit code.
 */
export const ExitCode = {
  ok: 0,
  /** A check ran and found something (reserved for check commands). */
  findings: 1,
  /** The command line or the input files are wrong. */
  usage: 2,
  /** Batfish could not be reached, answered with an error, or its work failed. */
  batfish: 3,
  /** The Docker engine, an image or a container failed. */
  docker: 4,
  /** A bug in netq. */
  internal: 70,
  /** The output could not be written (stdout on a full disk, a closed descriptor): sysexits' EX_IOERR. */
  output: 74,
  /** Interrupted by SIGINT. */
  interrupted: 130,
  /** Stopped by SIGTERM. */
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * What kind of failure an error is, for a caller that is not a shell: a service maps it to an
 * HTTP status (`httpStatusOf`), a library user branches on it. The exit code says the same to a
 * shell; the class is finer where a service must answer differently (a server that did not
 * answer in time is a 504, one that answered with an error a 502).
 */
export type ErrorClass =
  /** The request is wrong: flags, a site that does not exist, an input file, a checks file. */
  | 'invalid-request'
  /** Batfish answered with an error, or its work failed. */
  | 'batfish-failed'
  /** Batfish could not be reached, or took the request and did not answer in time. */
  | 'batfish-unavailable'
  | 'batfish-timeout'
  /** The Docker engine, an image or a container failed. */
  | 'docker-failed'
  /** The output could not be written. */
  | 'output-failed'
  /** Stopped by a signal (or the caller's AbortSignal). */
  | 'interrupted'
  /** A bug in netq. */
  | 'internal';

export interface NetqErrorOptions {
  /** What the user can do next, printed as `hint: ...`. */
  hint?: string;
  /** Extra text (a work log tail, a container log) shown under the message. */
  details?: string;
  /** Extra text shown only with --verbose: a server's whole answer, such as a Java stack trace. */
  verboseDetails?: string;
  cause?: unknown;
}

/** Base of every error netq reports to the user. Each subclass knows its exit code. */
export class NetqError extends Error {
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly details: string | undefined;
  readonly verboseDetails: string | undefined;

  /** The error's class, from its kind (subclasses refine it). */
  get errorClass(): ErrorClass {
    return CLASS_OF_EXIT_CODE[this.exitCode] ?? 'internal';
  }

  constructor(message: string, exitCode: ExitCode, options: NetqErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options.hint;
    this.details = options.details;
    this.verboseDetails = options.verboseDetails;
  }
}

const CLASS_OF_EXIT_CODE: Partial<Record<ExitCode, ErrorClass>> = {
  [ExitCode.usage]: 'invalid-request',
  [ExitCode.batfish]: 'batfish-failed',
  [ExitCode.docker]: 'docker-failed',
  [ExitCode.output]: 'output-failed',
  [ExitCode.interrupted]: 'interrupted',
  [ExitCode.terminated]: 'interrupted',
  [ExitCode.internal]: 'internal',
};

/** The HTTP status a service answers for an error of this class. */
export const HTTP_STATUS_OF_CLASS: Readonly<Record<ErrorClass, number>> = {
  'invalid-request': 422,
  'batfish-failed': 502,
  'batfish-unavailable': 503,
  'batfish-timeout': 504,
  'docker-failed': 503,
  'output-failed': 500,
  // nginx's "client closed request": the run was stopped, not failed.
  interrupted: 499,
  internal: 500,
};

/** The HTTP status a service answers for anything thrown (an unknown error is a bug: 500). */
export function httpStatusOf(error: unknown): number {
  return HTTP_STATUS_OF_CLASS[toNetqError(error).errorClass];
}

/** The command line, a site name or an input file is wrong. */
export class InputError extends NetqError {
  constructor(message: string, options: NetqErrorOptions = {}) {
    super(message, ExitCode.usage, options);
  }
}

/** Anything that went wrong talking to Batfish or inside Batfish. */
export class BatfishError extends NetqError {
  constructor(message: string, options: NetqErrorOptions = {}) {
    super(message, ExitCode.batfish, options);
  }
}

/** No HTTP answer at all: connection refused, DNS failure, timeout. */
export class BatfishUnreachableError extends BatfishError {
  readonly url: string;
  readonly code: string;
  constructor(url: string, code: string, options: NetqErrorOptions = {}) {
    super(`Batfish is not reachable at ${url} (${code})`, {
      hint:
        'check that Batfish is running and listening there (docker ps, or the --batfish-url you gave), ' +
        'or point netq at another server with --batfish-url / NETQ_BATFISH_URL',
      ...options,
    });
    this.url = url;
    this.code = code;
  }

  override get errorClass(): ErrorClass {
    return 'batfish-unavailable';
  }
}

/**
 * Batfish took the connection but sent no answer in time: it is hung, overloaded, or the run's
 * `--timeout` ran out while it worked.
 */
export class BatfishTimeoutError extends BatfishUnreachableError {
  /** `POST /v2/networks/n/work`. */
  readonly request: string;
  readonly timeoutMs: number;
  /** True when the run's deadline (`--timeout`) cut the wait short, not the per-request timeout. */
  readonly byDeadline: boolean;
  constructor(url: string, request: string, timeoutMs: number, byDeadline: boolean, options: NetqErrorOptions = {}) {
    super(url, 'timed out', options);
    this.byDeadline = byDeadline;
    this.message =
      timeoutMs > 0
        ? `Batfish at ${url} did not answer ${request} within ${formatSeconds(timeoutMs)}`
        : `the run's time (--timeout) ran out before netq could send ${request} to Batfish at ${url}`;
    this.request = request;
    this.timeoutMs = timeoutMs;
  }

  override get errorClass(): ErrorClass {
    return 'batfish-timeout';
  }
}

/**
 * Batfish answered with an HTTP error status. `body` is the (plain-text) body it sent; the message
 * carries its first line (the gist of a Java stack trace), and --verbose shows the whole of it.
 */
export class BatfishHttpError extends BatfishError {
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly body: string;
  constructor(method: string, url: string, status: number, body: string, options: NetqErrorOptions = {}) {
    const first = firstLine(body);
    const more = body.trim() !== first;
    super(`Batfish answered ${status} to ${method} ${url}${first ? `: ${first}` : ''}`, {
      ...(more ? { verboseDetails: body, hint: "--verbose shows Batfish's whole answer (often a Java stack trace)" } : {}),
      ...options,
    });
    this.status = status;
    this.method = method;
    this.url = url;
    this.body = body;
  }
}

/** A Batfish work item (parse, data plane, answer) ended in a failure status or ran out of time. */
export class BatfishWorkError extends BatfishError {
  readonly workId: string;
  readonly status: string;
  constructor(message: string, workId: string, status: string, options: NetqErrorOptions = {}) {
    super(message, options);
    this.workId = workId;
    this.status = status;
  }
}

/** Batfish sent an answer netq cannot read, or a question failed inside Batfish. */
export class BatfishAnswerError extends BatfishError {}

/** The Docker engine, an image or a container failed. */
export class DockerError extends NetqError {
  constructor(message: string, options: NetqErrorOptions = {}) {
    super(message, ExitCode.docker, options);
  }
}

/** netq's output could not be written: stdout (or a report) on a full disk, a device that fails. */
export class OutputError extends NetqError {
  constructor(message: string, options: NetqErrorOptions = {}) {
    super(message, ExitCode.output, options);
  }
}

/** The error for a failed write to stdout (other than a reader that went away, EPIPE). */
export function stdoutWriteError(error: unknown): OutputError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'error';
  const why = code === 'ENOSPC' ? 'no space left on the device' : code === 'EIO' ? 'an input/output error' : code === 'EBADF' ? 'it is not open for writing' : (error as Error | undefined)?.message ?? String(error);
  return new OutputError(`cannot write the output to stdout: ${why} (${code})`, {
    cause: error,
    hint: 'send the output somewhere that can take it (another file or disk, a pipe), or free space and run again',
  });
}

/** The user or the system stopped netq with a signal. */
export class InterruptedError extends NetqError {
  constructor(signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}`, signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated);
  }
}

/** A bug in netq: something that should never happen did. */
export class InternalError extends NetqError {
  constructor(message: string, options: NetqErrorOptions = {}) {
    super(message, ExitCode.internal, options);
  }
}

/** Wraps anything thrown into a NetqError; unknown errors are internal errors. */
export function toNetqError(error: unknown): NetqError {
  if (error instanceof NetqError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new InternalError(`unexpected error: ${message}`, {
    cause: error,
    hint: 'this is a bug in netq; run again with --verbose and report the output',
  });
}

/** Formats an error for stderr: message, details, hint, and the stack only when verbose. */
export function formatError(error: NetqError, verbose: boolean): string {
  // Messages quote file names, server answers and work logs: nothing of them may drive the terminal.
  const lines = [`netq: error: ${printable(error.message)}`];
  if (error.details) {
    const details = verbose ? error.details : tailLines(error.details, 12);
    lines.push(indent(printable(details.trimEnd())));
  }
  if (verbose && error.verboseDetails) lines.push(indent(printable(error.verboseDetails.trimEnd())));
  if (error.hint) lines.push(`hint: ${printable(error.hint)}`);
  if (verbose) {
    let cause: unknown = error;
    while (cause instanceof Error) {
      if (cause.stack) lines.push(cause.stack);
      cause = cause.cause;
    }
  }
  return lines.join('\n') + '\n';
}

/** The first non-blank line of a text, trimmed (the gist of a Java stack trace). */
export function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? ''
  );
}

/** The last `count` lines of a text. */
export function tailLines(text: string, count: number): string {
  const lines = text.trimEnd().split(/\r?\n/);
  if (lines.length <= count) return lines.join('\n');
  return [`... (${lines.length - count} earlier lines; --verbose shows all)`, ...lines.slice(-count)].join('\n');
}

/** `2.5 s`, `30 s`, `10 min`: a duration for a message. */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  if (seconds >= 120) return `${Math.round(seconds / 60)} min`;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
