/**
 * A Batfish server's address as netq takes it: the URL normalised (`host:port`, with or without
 * `/v2`), and the warning for plain HTTP to a host other than this machine's loopback.
 */
import net from 'node:net';
import { InputError } from '../errors.js';

/**
 * Accepts `host:port`, `http://host:port`, `http://host:port/` and `http://host:port/v2` and returns
 * `http://host:port`. Anything else is an input error.
 */
export function normalizeBatfishUrl(input: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `http://${input}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InputError(`--batfish-url '${input}' is not a URL`, { hint: 'use a URL such as http://127.0.0.1:9996' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`--batfish-url '${input}' must use http or https`, {
      hint: 'Batfish itself speaks plain HTTP on port 9996; use https only behind a TLS proxy',
    });
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v2$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/**
 * A warning for a plain-HTTP URL to another host: the API key and every uploaded config would
 * cross the network unencrypted. Loopback (127.0.0.0/8, ::1, localhost) never leaves the machine.
 */
export function plainHttpWarning(baseUrl: string): string | undefined {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return undefined;
  return (
    `${url.host} is reached over plain HTTP: the API key and every config netq uploads cross the network unencrypted; ` +
    'use an https:// URL (Batfish behind a TLS proxy) or an SSH tunnel to 127.0.0.1'
  );
}

/** Whether a URL host name is this machine's loopback: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  if (net.isIPv6(host)) {
    // ::1, and 127.x.y.z written as an IPv4-mapped address (URL normalises it to ::ffff:7fxx:xxxx).
    return host === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host) || /^::ffff:127\./.test(host);
  }
  return false;
}
