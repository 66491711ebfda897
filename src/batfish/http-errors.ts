/**
 * Batfish HTTP's error translation: what a failed request was (the code of a request that got no
 * answer, TLS failures), the hints that fit a status or a code, and the timeout error, so no
 * AxiosError leaves src/batfish.
 */
import { isAxiosError } from 'axios';
import { BatfishTimeoutError, formatSeconds } from '../errors.js';

/** TLS errors: the answer would be the same on every try, so they are never repeated. */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** Whether a BatfishUnreachableError code is a TLS failure (certificate, or no TLS spoken there). */
export function isTlsErrorCode(code: string): boolean {
  return TLS_CODES.has(code);
}

/** The error for a request that got no answer in time; the hint says whether `--timeout` ran out. */
export function timeoutError(baseUrl: string, request: string, timeoutMs: number, cutByDeadline: boolean, cause?: unknown): BatfishTimeoutError {
  return new BatfishTimeoutError(baseUrl, request, timeoutMs, cutByDeadline, {
    ...(cause === undefined ? {} : { cause }),
    hint: cutByDeadline
      ? 'the run ran out of time (--timeout): raise it if Batfish is busy with a large network; a server that accepts connections but never answers is hung (check its log: netq service logs)'
      : `Batfish accepted the connection but sent no answer in ${formatSeconds(timeoutMs)}: it may be hung or overloaded (check its log: netq service logs)`,
  });
}

/** The hint for an HTTP status that has one next step whatever the request. */
export function statusHint(status: number): { hint?: string } {
  if (status === 401) return { hint: 'Batfish wants a valid API key: give it with --api-key or NETQ_BATFISH_API_KEY' };
  if (status === 403) return { hint: 'this API key may not use this network: give one that may with --api-key or NETQ_BATFISH_API_KEY' };
  return {};
}

/** The hint for a request that got no HTTP answer, where the code says more than "is it running". */
export function unreachableHint(code: string): { hint?: string } {
  if (code === 'answer cut off') {
    return { hint: 'the connection closed in the middle of an answer (a proxy between netq and Batfish, or Batfish restarting?); run again' };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return { hint: "the server's certificate does not name this host: use the host name it was issued for in --batfish-url" };
  }
  if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return { hint: 'the server does not speak TLS at this address: use http:// (Batfish itself speaks plain HTTP on port 9996)' };
  }
  if (isTlsErrorCode(code)) {
    return { hint: "the server's TLS certificate is not trusted: for a private CA, set NODE_EXTRA_CA_CERTS=/path/to/ca.pem" };
  }
  return {};
}

/** The error code of a request that got no HTTP response, or undefined for anything else. */
export function networkErrorCode(error: unknown): string | undefined {
  if (!isAxiosError(error)) {
    // A streamed body cut off (the connection closed) or stalled (see idleBounded).
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ETIMEDOUT') return 'timed out';
    return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
  }
  // The status and headers came, then the connection closed before the whole body (a proxy, a
  // restart, a dropped connection): no answer, as far as netq can tell, and safe to ask again.
  if (error.code === 'ERR_BAD_RESPONSE' && /stream has been aborted/.test(error.message)) return 'answer cut off';
  if (error.response) return undefined;
  if (error.code === 'ERR_CANCELED') return 'cancelled';
  if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') return 'timed out';
  const cause = error.cause as NodeJS.ErrnoException | undefined;
  return cause?.code ?? error.code ?? 'network error';
}
