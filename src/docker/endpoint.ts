import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { DockerError, InputError } from '../errors.js';
import type { PortBinding } from './engine.js';

/**
 * Where Batfish's published port is, seen from this netq. A container publishes its port on its
 * engine's host; when that host is not this machine (DOCKER_HOST=tcp://docker:2376 from a CI job,
 * an ssh:// engine), the host's 127.0.0.1 is out of reach, so netq publishes on the host's address
 * through which it reaches the engine, and connects there.
 */

/** The environment variable that picks the engine host's address Batfish is published on. */
export const HOST_IP_ENV = 'NETQ_BATFISH_HOST_IP';

/** The engine DOCKER_HOST names: on this machine, or on a host reached by name or address. */
export type EngineEndpoint =
  | { kind: 'local'; docker: string }
  | { kind: 'remote'; docker: string; scheme: 'tcp' | 'ssh'; host: string; port: number };

/** How this netq reaches what the engine publishes. */
export interface EngineView {
  /** The engine as DOCKER_HOST names it, for messages. */
  docker: string;
  /** Set when the engine's host is another machine: the address of it netq reaches the engine through. */
  remote?: { scheme: 'tcp' | 'ssh'; host: string; address: string };
  /** The engine host's address netq publishes Batfish's port on (a container's HostIp). */
  bindIp: string;
  /** True when NETQ_BATFISH_HOST_IP chose `bindIp`. */
  fromEnv: boolean;
}

/** An engine on this machine: Batfish on 127.0.0.1, as netq has always published it. */
export const LOCAL_VIEW: EngineView = { docker: 'unix:///var/run/docker.sock', bindIp: '127.0.0.1', fromEnv: false };

/** The engine DOCKER_HOST names. Unix sockets, named pipes and tcp to a loopback address are local. */
export function engineEndpointOf(env: Record<string, string | undefined>): EngineEndpoint {
  const text = env.DOCKER_HOST;
  const docker = text || LOCAL_VIEW.docker;
  if (!text || /^(unix|npipe|fd):/.test(text)) return { kind: 'local', docker };
  let url: URL;
  try {
    // dockerode reads `host:port` as tcp, as the docker CLI does.
    url = new URL(text.includes('//') ? text : `tcp://${text}`);
  } catch {
    // dockerode refuses it with a message of its own when netq first calls the engine.
    return { kind: 'local', docker };
  }
  const host = unbracket(url.hostname);
  if (!host || isLoopback(host)) return { kind: 'local', docker };
  const scheme = url.protocol === 'ssh:' ? 'ssh' : 'tcp';
  // Without a port dockerode (docker-modem) dials the protocol's own: 22, 443 with TLS, else 80.
  const tls = env.DOCKER_TLS_VERIFY === '1' || url.port === '2376';
  const port = Number(url.port) || (scheme === 'ssh' && !tls ? 22 : tls ? 443 : 80);
  return { kind: 'remote', docker, scheme, host, port };
}

/** NETQ_BATFISH_HOST_IP as an address (IPv6 without brackets), undefined when unset. */
export function hostIpOf(env: Record<string, string | undefined>): string | undefined {
  const text = env[HOST_IP_ENV]?.trim();
  if (!text) return undefined;
  const ip = unbracket(text);
  if (!net.isIP(ip)) {
    throw new InputError(`${HOST_IP_ENV} '${text}' is not an IP address`, {
      hint: "give an address of the Docker engine's host that this machine reaches, e.g. 10.0.0.5 (0.0.0.0 publishes Batfish on every address of that host)",
    });
  }
  return canonical(ip);
}

/** What resolving the engine's host needs; tests pass fakes. */
export interface ResolveDeps {
  /** The host name's addresses, in the order the system gives them. */
  lookup(host: string): Promise<string[]>;
  /** True when a TCP connection to address:port is accepted soon. */
  connects(address: string, port: number): Promise<boolean>;
}

const CONNECT_PROBE_MS = 2000;

/** The system's resolver and TCP connections. */
export const systemResolver: ResolveDeps = {
  lookup: async (host) => (await lookup(host, { all: true })).map((a) => a.address),
  connects: (address, port) =>
    new Promise((resolve) => {
      const socket = net.connect({ host: address, port, timeout: CONNECT_PROBE_MS });
      const done = (ok: boolean): void => {
        socket.destroy();
        resolve(ok);
      };
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
      socket.once('timeout', () => done(false));
    }),
};

/**
 * The view of an engine: for a remote one, the first address of its host (in the resolver's order)
 * that accepts a connection on the engine's port, which is the address netq's engine connection
 * goes to. A host name that resolves to a loopback address (a service sharing this network
 * namespace, as GitLab's Kubernetes executor runs them) is local.
 */
export async function resolveEngineView(endpoint: EngineEndpoint, hostIp: string | undefined, deps: ResolveDeps = systemResolver): Promise<EngineView> {
  let remote: EngineView['remote'];
  if (endpoint.kind === 'remote') {
    const address = await reachAddress(endpoint, deps);
    if (!isLoopback(address)) remote = { scheme: endpoint.scheme, host: endpoint.host, address };
  }
  return { docker: endpoint.docker, ...(remote ? { remote } : {}), bindIp: hostIp ?? remote?.address ?? LOCAL_VIEW.bindIp, fromEnv: hostIp !== undefined };
}

async function reachAddress(endpoint: Extract<EngineEndpoint, { kind: 'remote' }>, deps: ResolveDeps): Promise<string> {
  if (net.isIP(endpoint.host)) return canonical(endpoint.host);
  const addresses = [...new Set((await deps.lookup(endpoint.host).catch(() => [] as string[])).map(canonical))];
  if (addresses.length === 0) {
    throw new DockerError(`the Docker engine's host ${endpoint.host} (${endpoint.docker}) has no address here`, {
      hint: `check that ${endpoint.host} resolves on this machine (getent hosts ${endpoint.host}), or give DOCKER_HOST an address`,
    });
  }
  if (addresses.length === 1) return addresses[0]!;
  for (const address of addresses) {
    if (await deps.connects(address, endpoint.port)) return address;
  }
  return addresses[0]!;
}

/**
 * The URL at which this netq reaches Batfish through one of a container's bindings (and that
 * binding), or undefined when none is reachable from here. An engine on this machine: any address
 * of it (127.0.0.1 for every-address bindings). A remote engine: the address netq reaches its host
 * through, or the one NETQ_BATFISH_HOST_IP names; its loopback and its other addresses are not
 * this machine's to reach.
 */
export function reachBatfish(bindings: PortBinding[], view: EngineView): { url: string; binding: PortBinding } | undefined {
  for (const binding of bindings) {
    const host = reachableHost(canonical(unbracket(binding.hostIp)), view);
    if (host !== undefined && binding.hostPort) return { url: `http://${net.isIPv6(host) ? `[${host}]` : host}:${binding.hostPort}`, binding };
  }
  return undefined;
}

function reachableHost(hostIp: string, view: EngineView): string | undefined {
  const every = hostIp === '' || hostIp === '0.0.0.0' || hostIp === '::';
  if (!view.remote) {
    if (!every) return hostIp;
    return hostIp === '::' ? '::1' : '127.0.0.1';
  }
  const { address } = view.remote;
  if (every) return hostIp === '' || net.isIPv6(address) === (hostIp === '::') ? address : undefined;
  return hostIp === address || hostIp === view.bindIp ? hostIp : undefined;
}

/**
 * What to tell the user about where Batfish is, when it is anywhere but this machine's loopback:
 * a notice with the URL and why that address, and a warning that whatever reaches the address can
 * use Batfish. Nothing for a local engine's loopback binding (netq's behaviour of old).
 */
export function announcement(view: EngineView, binding: PortBinding, url: string): { notice?: string; warning?: string } {
  const hostIp = canonical(unbracket(binding.hostIp));
  const every = hostIp === '' || hostIp === '0.0.0.0' || hostIp === '::';
  const loopback = !every && isLoopback(hostIp);
  if (!view.remote && loopback) return {};
  const port = binding.hostPort;
  // A local engine with NETQ_BATFISH_HOST_IP: often a CI job sharing its host's socket, which is not this machine.
  const where = view.remote || view.fromEnv ? "the Docker engine's host" : 'this machine';
  let notice: string;
  if (every) {
    notice = `Batfish is at ${url}: published on every address of ${where} (${hostIp || 'all'}, port ${port})${view.fromEnv ? ` as ${HOST_IP_ENV} asks` : ''}`;
  } else if (view.remote && loopback) {
    notice =
      `Batfish is published on ${hostIp}:${port} of the Docker engine's host (${view.docker}) as ${HOST_IP_ENV} asks; ` +
      `netq connects to ${url} on this machine, which reaches it only through a tunnel, e.g. ssh -NL ${port}:${hostIp}:${port} ${view.remote.host}`;
  } else if (view.remote && hostIp === view.remote.address && !view.fromEnv) {
    notice =
      `Batfish is at ${url}: the Docker engine runs on another host (${view.docker}), whose 127.0.0.1 this machine cannot reach, ` +
      `so Batfish's port is published on ${hostIp}, the address through which netq reaches that host`;
    if (view.remote.scheme === 'ssh') notice += ' (directly, not through the ssh connection)';
  } else {
    notice = `Batfish is at ${url}: published on ${hostIp} of ${where}${view.fromEnv && hostIp === view.bindIp ? ` as ${HOST_IP_ENV} asks` : ''}`;
  }
  if (loopback) return { notice };
  const reach = every ? `any address of ${where}` : hostIp;
  return {
    notice,
    warning: `Batfish has no authentication: whatever can reach ${reach} on port ${port} can use it, and read the snapshots on it, while it runs (netq service stop removes it)`,
  };
}

/** A one-line description of a binding, e.g. `10.0.0.5:49153` or `[2001:db8::5]:49153`. */
export function describeBinding(binding: PortBinding): string {
  const ip = unbracket(binding.hostIp) || '0.0.0.0';
  return `${net.isIPv6(ip) ? `[${ip}]` : ip}:${binding.hostPort}`;
}

/** True for an every-address binding (`0.0.0.0`, `::`, or none given). */
export function isEveryAddress(hostIp: string): boolean {
  const ip = canonical(unbracket(hostIp));
  return ip === '' || ip === '0.0.0.0' || ip === '::';
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped), localhost. */
export function isLoopback(host: string): boolean {
  const h = unbracket(host).toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) {
    const c = canonical(h);
    return c === '::1' || /^::ffff:127\./.test(h) || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(c);
  }
  return false;
}

function unbracket(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1');
}

/** IPv6 addresses in one spelling (lower case, zeros compressed), so that two spellings compare equal. */
function canonical(ip: string): string {
  if (!net.isIPv6(ip)) return ip;
  try {
    return unbracket(new URL(`http://[${ip}]/`).hostname);
  } catch {
    return ip.toLowerCase();
  }
}
