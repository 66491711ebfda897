/**
 * Batfish HTTP's response bodies: a body read as chunks (streamed or handed over whole), as text,
 * and bounded by the request timeout (a body that stops arriving) and by the run's deadline.
 */
import { Readable } from 'node:stream';
import { timerMs } from '../clock.js';

/** A body read as a stream of chunks (a transport may hand it over whole: one chunk). */
function chunksOf(data: unknown): AsyncIterable<Buffer> {
  if (data instanceof Readable) return data;
  if (typeof data === 'object' && data !== null && Symbol.asyncIterator in data) return data as AsyncIterable<Buffer>;
  return (async function* () {
    yield Buffer.from(bodyText(data));
  })();
}

/** The whole of a streamed body as text (an error body, which is short). */
export async function streamText(data: unknown): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of chunksOf(data)) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

/** An abort at the run's deadline for one try, chained to the run's own signal. */
interface DeadlineCutoff {
  signal: AbortSignal;
  /** Whether the deadline (not the run's signal) ended the try. */
  reached(): boolean;
  dispose(): void;
}

export function deadlineCutoff(leftMs: number, parent: AbortSignal | undefined): DeadlineCutoff {
  const controller = new AbortController();
  let reached = false;
  const timer = setTimeout(() => {
    reached = true;
    controller.abort(new Error('the run reached its deadline'));
  }, timerMs(leftMs));
  const onParentAbort = (): void => controller.abort(parent?.reason);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    reached: () => reached,
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/**
 * A body that stops arriving for `idleMs` (the server hangs mid-answer), or is still arriving when
 * the cutoff fires (the run's deadline), ends in a timeout.
 */
export async function* bounded(data: unknown, idleMs: number, cutoff: DeadlineCutoff | undefined): AsyncGenerator<Buffer> {
  const stream = data instanceof Readable ? data : undefined;
  let timer: NodeJS.Timeout | undefined;
  const stop = (why: string): void => void stream?.destroy(Object.assign(new Error(why), { code: 'ETIMEDOUT' }));
  const arm = (): void => {
    clearTimeout(timer);
    if (stream) timer = setTimeout(() => stop(`no data for ${idleMs} ms`), timerMs(idleMs));
  };
  const onCutoff = (): void => stop('the run reached its deadline');
  cutoff?.signal.addEventListener('abort', onCutoff, { once: true });
  arm();
  try {
    for await (const chunk of chunksOf(data)) {
      arm();
      yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    }
  } finally {
    clearTimeout(timer);
    cutoff?.signal.removeEventListener('abort', onCutoff);
  }
}

export function bodyText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data === undefined || data === null) return '';
  return Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
}
