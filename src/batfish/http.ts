/**
 * The retrying transport to Batfish (BatfishHttp): the request, its headers and retries, and the
 * API key. Error translation is in http-errors.ts, response bodies in http-body.ts, the server's
 * address in address.ts.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { Readable } from 'node:stream';
import { timerMs, type Clock } from '../clock.js';
import { BatfishHttpError, BatfishUnreachableError, InputError } from '../errors.js';
import { poll, type PollStep } from '../poll.js';
import { normalizeBatfishUrl } from './address.js';
import { bodyText, bounded, deadlineCutoff, streamText } from './http-body.js';
import { isTlsErrorCode, networkErrorCode, statusHint, timeoutError, unreachableHint } from './http-errors.js';

/** The API key a stock Batfish server expects (any non-empty key is accepted by its default authorizer). */
export const DEFAULT_API_KEY = '00000000000000000000000000000000';

/**
 * Value of `X-Batfish-Version`. Current servers ignore it; servers built before July 2023 reject
 * requests without it. The pybatfish version those servers were tested with is the safest value.
 */
export const CLIENT_VERSION_HEADER = '0.36.0';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Path below `/v2`, starting with `/`. Callers encode path segments themselves. */
  path: string;
  query?: Record<string, string | undefined>;
  /** JSON bodies are sent as `application/json`; strings and streams as `application/octet-stream`. */
  json?: unknown;
  raw?: string | Readable;
  /** Required with a stream body so the server sees a Content-Length, as pybatfish sends it. */
  contentLength?: number;
  /** Per-attempt timeout; defaults to the client's request timeout. */
  timeoutMs?: number;
  /**
   * The run's deadline (clock.now() milliseconds): no attempt waits past it and no retry starts
   * after it, so `--timeout` bounds every request of a run.
   */
  deadline?: number;
  /** Overrides the client's retry policy for this request. */
  retry?: RetryPolicy;
  /**
   * A clean-up request (deleting a throw-away question): sent even when the run was interrupted or
   * ran out of time, tried once, with a short timeout of its own.
   */
  cleanup?: boolean;
  /**
   * Reads a 2xx body as it arrives instead of as one text (a large answer); the response's
   * `parsed` is what it returns. A body that stops arriving for the request timeout is a timeout.
   */
  readBody?: (chunks: AsyncIterable<Buffer>) => Promise<unknown>;
}

export interface HttpResponse {
  status: number;
  /** The body ('' when `readBody` read it). */
  text: string;
  /** What `readBody` made of the body. */
  parsed?: unknown;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Sleep before the second attempt; doubles each time up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
}

/** A request about to be tried again, for progress output (`--verbose`). */
export interface RetryEvent {
  /** Method and path below the server: `GET /v2/version`. */
  request: string;
  /** The number of the try about to be sent: 2 for the first retry. */
  attempt: number;
  /** Why the previous try failed: the message of the error it would have thrown. */
  reason: string;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, initialDelayMs: 500, maxDelayMs: 10_000 };
const NO_RETRY: RetryPolicy = { attempts: 1, initialDelayMs: 0, maxDelayMs: 0 };
/** How long a clean-up request may take: an interrupted netq should end promptly. */
const CLEANUP_TIMEOUT_MS = 2000;

export interface BatfishHttpOptions {
  /** Server address as the user gave it: `http://host:9996`, with or without `/v2`. */
  url: string;
  apiKey: string;
  clock: Clock;
  requestTimeoutMs?: number;
  retry?: RetryPolicy;
  /** Called for every request and retry; netq prints these with --verbose. */
  debug?: (message: string) => void;
  /** Called before each retry's backoff sleep. */
  onRetry?: (retry: RetryEvent) => void;
  /** Aborts in-flight requests and retry sleeps (SIGINT). */
  signal?: AbortSignal;
  /** The axios instance to send through; tests may pass their own. */
  transport?: AxiosInstance;
}

/** Status codes a proxy in front of Batfish may send while the server is busy or restarting. */
const RETRYABLE_STATUS = new Set([502, 503, 504]);
/** Errors that mean the request never reached the server, so even a POST is safe to repeat. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * The one place netq speaks HTTP to Batfish. It sets the headers the server expects, reads every
 * body as text (error bodies are plain text even when labelled JSON), retries only what is safe to
 * retry, and turns axios errors into netq errors so no AxiosError leaves src/batfish.
 */
export class BatfishHttp {
  readonly baseUrl: string;
  readonly #apiKey: string;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #debug: (message: string) => void;
  readonly #onRetry: ((retry: RetryEvent) => void) | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #axios: AxiosInstance;
  /** Number of HTTP requests sent, retries included. */
  requestCount = 0;

  constructor(options: BatfishHttpOptions) {
    this.baseUrl = normalizeBatfishUrl(options.url);
    this.#apiKey = options.apiKey;
    this.#clock = options.clock;
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#debug = options.debug ?? (() => {});
    this.#onRetry = options.onRetry;
    this.#signal = options.signal;
    // Node's http adapter always (axios would pick it anyway); the program's bundle leaves the fetch one out.
    this.#axios = options.transport ?? axios.create({ adapter: 'http' });
  }

  /** Sends a request and returns the response for a 2xx status; throws a netq error otherwise. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const idempotent = req.method !== 'POST';
    // A stream body can be read once only, so such a request is never repeated.
    const repeatable = typeof req.raw !== 'object';
    const url = this.#url(req);
    const retry = req.cleanup ? NO_RETRY : (req.retry ?? this.#retry);
    // A clean-up request goes out even after an interrupt or the deadline: that is when it is needed.
    const signal = req.cleanup ? undefined : this.#signal;
    const deadline = req.cleanup ? undefined : req.deadline;
    const requestTimeoutMs = req.cleanup ? Math.min(req.timeoutMs ?? CLEANUP_TIMEOUT_MS, CLEANUP_TIMEOUT_MS) : (req.timeoutMs ?? this.#timeoutMs);
    const display = `${req.method} ${this.#displayUrl(url)}`;
    // A try that may be repeated ends "not done" with the error to throw if it is the last one.
    const attempt = async (attemptNumber: number): Promise<PollStep<HttpResponse>> => {
      const leftMs = deadline === undefined ? Infinity : deadline - this.#clock.now();
      const cutByDeadline = leftMs < requestTimeoutMs;
      const timeoutMs = Math.min(requestTimeoutMs, leftMs);
      if (timeoutMs <= 0) throw timeoutError(this.baseUrl, display, 0, true);
      // The request timeout bounds a silence (no answer, or a body that stops); the run's deadline
      // bounds the whole try, so a server that trickles its answer a byte at a time still ends the
      // run at --timeout.
      const cutoff = Number.isFinite(leftMs) ? deadlineCutoff(leftMs, signal) : undefined;
      try {
        this.requestCount++;
        this.#debug(`${req.method} ${url}${attemptNumber > 1 ? ` (attempt ${attemptNumber})` : ''}`);
        const response = await this.#send(req, url, timeoutMs, cutoff?.signal ?? signal);
        this.#debug(`<- ${response.status} ${req.method} ${url}`);
        const ok = response.status >= 200 && response.status < 300;
        if (ok && req.readBody) {
          const parsed = await this.#readBody(req, url, bounded(response.data, timeoutMs, cutoff));
          return { done: true, value: { status: response.status, text: '', parsed } };
        }
        const text = req.readBody ? await streamText(bounded(response.data, timeoutMs, cutoff)) : bodyText(response.data);
        if (ok) return { done: true, value: { status: response.status, text } };
        const error = new BatfishHttpError(req.method, this.#displayUrl(url), response.status, text, statusHint(response.status));
        if (!(idempotent && repeatable && RETRYABLE_STATUS.has(response.status))) throw error;
        return { done: false, reason: error };
      } catch (error) {
        if (error instanceof BatfishHttpError) throw error;
        if (signal?.aborted) throw signal.reason;
        if (cutoff?.reached()) throw timeoutError(this.baseUrl, display, leftMs, true, error);
        const code = networkErrorCode(error);
        if (code === undefined) throw error;
        const unreachable =
          code === 'timed out'
            ? timeoutError(this.baseUrl, display, timeoutMs, cutByDeadline, error)
            : new BatfishUnreachableError(this.baseUrl, code, { cause: error, ...unreachableHint(code) });
        const safe = repeatable && !isTlsErrorCode(code) && (NOT_SENT_CODES.has(code) || idempotent);
        if (!safe) throw unreachable;
        return { done: false, reason: unreachable };
      } finally {
        cutoff?.dispose();
      }
    };
    return poll(attempt, {
      clock: this.#clock,
      backoff: { initialDelayMs: retry.initialDelayMs, factor: 2, maxDelayMs: retry.maxDelayMs },
      maxAttempts: retry.attempts,
      ...(deadline !== undefined ? { deadline } : {}),
      signal,
      giveUp: ({ reason }) => reason,
      onRetry: ({ reason, attempts }) =>
        this.#onRetry?.({
          request: `${req.method} ${this.#displayUrl(url)}`,
          attempt: attempts + 1,
          reason: reason instanceof Error ? reason.message : String(reason),
        }),
    });
  }

  /** Gives a streamed 2xx body to the request's reader; a body that is not JSON is a protocol error. */
  async #readBody(req: HttpRequest, url: string, body: AsyncIterable<Buffer>): Promise<unknown> {
    try {
      return await req.readBody!(body);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new BatfishHttpError(req.method, this.#displayUrl(url), 200, `the body is not JSON (${error.message})`, {
        hint: 'the server at this address does not answer like Batfish; check --batfish-url',
      });
    }
  }

  /** Parses a 2xx body as JSON; a body that is not JSON is a protocol error. */
  async requestJson(req: HttpRequest): Promise<unknown> {
    const response = await this.request(req);
    try {
      return JSON.parse(response.text) as unknown;
    } catch {
      throw new BatfishHttpError(req.method, this.#displayUrl(this.#url(req)), response.status, response.text, {
        hint: 'the server at this address does not answer like Batfish; check --batfish-url',
      });
    }
  }


  #url(req: HttpRequest): string {
    const url = new URL(`${this.baseUrl}/v2${req.path}`);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    return url.toString();
  }

  /** The URL as shown in messages: relative to the server, so messages stay short. */
  #displayUrl(url: string): string {
    return url.startsWith(this.baseUrl) ? url.slice(this.baseUrl.length) : url;
  }

  async #send(req: HttpRequest, url: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<AxiosResponse<unknown>> {
    const headers: Record<string, string> = {
      'X-Batfish-Apikey': this.#apiKey,
      'X-Batfish-Version': CLIENT_VERSION_HEADER,
      // Text and binary endpoints would refuse `Accept: application/json` (406).
      Accept: '*/*',
    };
    let data: unknown;
    if (req.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      data = JSON.stringify(req.json);
    } else if (req.raw !== undefined) {
      headers['Content-Type'] = 'application/octet-stream';
      data = req.raw;
      if (req.contentLength !== undefined) headers['Content-Length'] = String(req.contentLength);
    }
    return this.#axios.request({
      method: req.method,
      url,
      data,
      headers,
      timeout: timerMs(timeoutMs),
      responseType: req.readBody ? 'stream' : 'text',
      transformResponse: [(body: unknown) => body],
      validateStatus: () => true,
      maxRedirects: 0,
      maxBodyLength: Infinity,
      // No limit (-1): for a streamed body, axios wraps the stream for any other value, and the
      // wrapper swallows the error that ends a stalled body (see idleBounded).
      maxContentLength: req.readBody ? -1 : Infinity,
      proxy: false,
      ...(signal ? { signal } : {}),
      decompress: true,
    });
  }
}

/**
 * An API key as given (`source` names where, for the message), refused when it cannot be a key:
 * empty (the stock key is the default only when none is given), or holding what an HTTP header
 * cannot carry as it is (a line break would end the header or start another one; characters
 * beyond Latin-1 would be sent as other bytes).
 */
export function checkApiKey(key: string, source: string): string {
  if (key === '') {
    throw new InputError(`the Batfish API key is empty (${source})`, {
      hint: 'give the key, or give none at all to use the stock key',
    });
  }
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u001f\u007f]|[^\u0000-\u00ff]/.exec(key);
  if (bad) {
    const code = bad[0].codePointAt(0)!;
    const what = code === 10 || code === 13 ? 'a line break' : code < 0x100 ? 'a control character' : `'${bad[0]}', which an HTTP header cannot carry`;
    throw new InputError(`the Batfish API key (${source}) holds ${what}`, {
      hint: 'an API key is printable ASCII text; check how the key was copied into the variable or secret',
    });
  }
  return key;
}

