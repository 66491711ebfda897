/**
 * netq's managed Batfish through a Docker engine on another host, as a GitLab job reaches the
 * docker:dind service: the built CLI runs in a network namespace of its own (the CI job), joined to
 * this machine (the dind host) by a veth pair on a private /30; the name `docker` resolves to the
 * host's end (/etc/netns/<ns>/hosts), where a TLS server that requires client certificates pipes
 * each connection to this machine's Docker socket (dind's tcp://docker:2376), and a plain one does
 * on 2375. The real dockerd is neither restarted nor reconfigured: the proxy is what makes it remote.
 *
 * Needs root, iproute2 (`ip`), openssl and a Docker engine; skipped with the reason otherwise,
 * unless CI is set. Runs under NETQ_DOCKER_NAMESPACE=test-remote with a state folder of its own,
 * and leaves nothing behind (namespace, veth, /etc/netns/<ns>, proxies, containers, network, temp
 * folders), whatever happens. About 15 s.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/harness.js';
import { STANDIN_IMAGE, buildStandinImage } from '../support/standin-image.js';

const BIN = path.join(REPO_ROOT, 'dist', 'bin', 'netq.js');
const LABEL = 'io.netq.managed-by=netq-test-remote';
/** The CI job's network namespace, and the veth pair's ends (interface names stay under 16 characters). */
const NS = `netq-test-ci-${process.pid}`;
const VETH_HOST = `nqr${process.pid}h`;
const VETH_JOB = `nqr${process.pid}j`;
/** A /30 of 10.213.0.0/16 picked by pid, so two test runs at once do not share one. */
const SUBNET = `10.213.${(process.pid >> 6) & 255}.${(process.pid & 63) * 4}`;
const HOST_IP = SUBNET.replace(/\d+$/, (n) => String(Number(n) + 1));
const JOB_IP = SUBNET.replace(/\d+$/, (n) => String(Number(n) + 2));
const DOCKER_SOCKET = process.env.DOCKER_HOST?.startsWith('unix://') ? process.env.DOCKER_HOST.slice('unix://'.length) : '/var/run/docker.sock';

const has = (command: string, ...args: string[]): boolean => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const missing = [
  process.getuid?.() === 0 ? undefined : 'root (network namespaces)',
  has('ip', '-V') ? undefined : 'the ip command (Debian package iproute2)',
  has('openssl', 'version') ? undefined : 'openssl',
  has('docker', 'info') ? undefined : 'a Docker engine (docker info failed)',
].filter((m): m is string => m !== undefined);
const skip = missing.length && !process.env.CI ? `needs ${missing.join(', ')}; set CI=true to make this an error` : false;
const execFileAsync = promisify(execFile);
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let tmp = '';
let stateRoot = '';
let certDir = '';
const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
const seen = { tls: 0, tlsUnauthorized: 0, plain: 0 };

/** netq in the job's namespace, with the engine at `docker` and its own state folder. */
async function netqInJob(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return netqRun(['ip', 'netns', 'exec', NS, process.execPath, BIN, ...args], env);
}

/** netq on this machine (the engine's host), through its local socket. */
async function netqOnHost(args: string[]): Promise<Run> {
  return netqRun([process.execPath, BIN, ...args], {});
}

async function netqRun([command, ...args]: string[], env: Record<string, string>): Promise<Run> {
  const base = { ...process.env };
  for (const name of ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'NETQ_BATFISH_IMAGE', 'NETQ_BATFISH_URL', 'NETQ_BATFISH_API_KEY', 'NETQ_BATFISH_HOST_IP']) delete base[name];
  const full = { ...base, NO_COLOR: '1', NETQ_DOCKER_NAMESPACE: 'test-remote', XDG_RUNTIME_DIR: stateRoot, ...env };
  try {
    const { stdout, stderr } = await execFileAsync(command!, args, { cwd: REPO_ROOT, env: full });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** dind with TLS, as GitLab's docker:dind serves it (DOCKER_TLS_CERTDIR). */
const DIND_TLS = () => ({ DOCKER_HOST: 'tcp://docker:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certDir });

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

function containers(): string[] {
  return docker('ps', '-aq', '--no-trunc', '--filter', `label=${LABEL}`).split('\n').filter(Boolean);
}

function networks(): string[] {
  return docker('network', 'ls', '-q', '--filter', `label=${LABEL}`).split('\n').filter(Boolean);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- docker inspect output
function inspect(id: string): any {
  return JSON.parse(docker('inspect', id))[0];
}

/** The only container of the namespace, and where it is published. */
function published(): { id: string; hostIp: string; hostPort: number } {
  const [id, ...others] = containers();
  assert.ok(id, 'a container');
  assert.deepEqual(others, []);
  const info = inspect(id);
  const requested = info.HostConfig.PortBindings['9996/tcp'];
  const actual = info.NetworkSettings.Ports['9996/tcp'];
  assert.deepEqual(requested.map((b: { HostIp: string }) => b.HostIp), actual.map((b: { HostIp: string }) => b.HostIp));
  assert.equal(actual.length, 1, 'one binding');
  return { id, hostIp: actual[0].HostIp, hostPort: Number(actual[0].HostPort) };
}

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: tmp, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA, a server certificate for `docker` and the host address, and a client certificate, as dind makes them. */
function makeCertificates(): void {
  certDir = path.join(tmp, 'client');
  mkdirSync(certDir);
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...key, '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=netq-test-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  writeFileSync(path.join(tmp, 'server.ext'), `subjectAltName=DNS:docker,IP:${HOST_IP}\nextendedKeyUsage=serverAuth\n`);
  writeFileSync(path.join(tmp, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  openssl('req', ...key, '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=docker');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'server-cert.pem', '-days', '1', '-extfile', 'server.ext');
  openssl('req', ...key, '-keyout', 'client/key.pem', '-out', 'client.csr', '-subj', '/CN=netq-test-client');
  openssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'client/cert.pem', '-days', '1', '-extfile', 'client.ext');
  writeFileSync(path.join(certDir, 'ca.pem'), readFileSync(path.join(tmp, 'ca.pem')));
}

/** Each connection piped to this machine's Docker socket. */
function pipeToEngine(client: net.Socket): void {
  const upstream = net.connect(DOCKER_SOCKET);
  for (const s of [client, upstream]) {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {
      client.destroy();
      upstream.destroy();
    });
  }
  client.pipe(upstream).pipe(client);
}

async function listen(server: net.Server, port: number): Promise<void> {
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST_IP, resolve);
  });
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The job's namespace, joined to this machine by the veth pair; `docker` names the host's end. */
function makeNamespace(): void {
  ip('netns', 'add', NS);
  ip('link', 'add', VETH_HOST, 'type', 'veth', 'peer', 'name', VETH_JOB);
  ip('link', 'set', VETH_JOB, 'netns', NS);
  ip('addr', 'add', `${HOST_IP}/30`, 'dev', VETH_HOST);
  ip('link', 'set', VETH_HOST, 'up');
  ip('netns', 'exec', NS, 'ip', 'addr', 'add', `${JOB_IP}/30`, 'dev', VETH_JOB);
  ip('netns', 'exec', NS, 'ip', 'link', 'set', VETH_JOB, 'up');
  ip('netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up');
  // ip netns exec bind-mounts this over /etc/hosts.
  mkdirSync(`/etc/netns/${NS}`, { recursive: true });
  writeFileSync(`/etc/netns/${NS}/hosts`, `127.0.0.1 localhost\n::1 localhost\n${HOST_IP} docker\n`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The namespaces, veths and hosts files of earlier runs that were killed before they could clean up. */
function removeLeftovers(): void {
  const names = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  for (const [, name, pid] of names.matchAll(/^(netq-test-ci-(\d+))\b/gm)) {
    if (alive(Number(pid))) continue;
    spawnSync('ip', ['link', 'del', `nqr${pid}h`], { stdio: 'ignore' });
    spawnSync('ip', ['netns', 'del', name!], { stdio: 'ignore' });
    rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
  }
}

function cleanUp(): void {
  if (has('docker', 'info')) {
    const ids = containers();
    if (ids.length) spawnSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
    for (const id of networks()) spawnSync('docker', ['network', 'rm', id], { stdio: 'ignore' });
  }
  for (const s of sockets) s.destroy();
  for (const server of servers.splice(0)) server.close();
  spawnSync('ip', ['link', 'del', VETH_HOST], { stdio: 'ignore' });
  spawnSync('ip', ['netns', 'del', NS], { stdio: 'ignore' });
  rmSync(`/etc/netns/${NS}`, { recursive: true, force: true });
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}

const nyc = ['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--image', STANDIN_IMAGE, '--startup-timeout', '30'];

describe('netq through a remote Docker engine (dind in a CI job)', { skip }, () => {
  before(async () => {
    assert.deepEqual(missing, [], 'CI=true: this test needs root, iproute2, openssl and a Docker engine');
    process.on('exit', cleanUp);
    cleanUp(); // containers of an earlier, killed run
    removeLeftovers();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'netq-remote-engine-'));
    stateRoot = path.join(tmp, 'state');
    mkdirSync(stateRoot);
    await buildStandinImage(STANDIN_IMAGE);
    makeCertificates();
    makeNamespace();
    const read = (name: string) => readFileSync(path.join(tmp, name));
    const tlsServer = tls.createServer(
      { key: read('server-key.pem'), cert: read('server-cert.pem'), ca: read('ca.pem'), requestCert: true, rejectUnauthorized: true },
      (client) => {
        seen.tls++;
        pipeToEngine(client);
      },
    );
    tlsServer.on('tlsClientError', () => seen.tlsUnauthorized++);
    await listen(tlsServer, 2376);
    await listen(
      net.createServer((client) => {
        seen.plain++;
        pipeToEngine(client);
      }),
      2375,
    );
  });

  after(() => {
    const left = has('docker', 'info') ? { containers: containers(), networks: networks() } : undefined;
    cleanUp();
    process.off('exit', cleanUp);
    assert.ok(!spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.includes(NS), 'the namespace is gone');
    if (left) assert.deepEqual(left, { containers: [], networks: [] }, 'the tests left nothing on the engine');
  });

  it('through dind with TLS, publishes Batfish on the address netq reaches the engine host through, connects there and says so', async () => {
    const run = await netqInJob([...nyc, '--format', 'json'], DIND_TLS());
    assert.equal(run.code, 0, run.stderr);
    const answer = JSON.parse(run.stdout) as { batfishVersion: string; network: string; site: string; question: { name: string }; rows: unknown[] };
    assert.deepEqual(
      { batfishVersion: answer.batfishVersion, network: answer.network, site: answer.site, question: answer.question.name, rows: Array.isArray(answer.rows) },
      { batfishVersion: 'standin-simulator (not Batfish)', network: 'north_america', site: 'nyc', question: 'bgpSessionStatus', rows: true },
      'the answer, from the stand-in reached through its published port',
    );
    assert.match(run.stderr, /netq: \d+ rows? from bgpSessionStatus on north_america\/nyc-[0-9a-f]{16}\n/);
    const { hostIp, hostPort, id } = published();
    assert.equal(hostIp, HOST_IP, 'published on the veth address only, not 127.0.0.1 or 0.0.0.0');
    const url = `http://${HOST_IP}:${hostPort}`;
    assert.match(run.stderr, new RegExp(`netq: started Batfish netq-test-remote-batfish-[0-9a-f]{8} \\(${escape(STANDIN_IMAGE)}\\) on ${escape(url)};`));
    assert.match(
      run.stderr,
      new RegExp(
        `netq: Batfish is at ${escape(url)}: the Docker engine runs on another host \\(tcp://docker:2376\\), whose 127\\.0\\.0\\.1 this machine cannot reach, ` +
          `so Batfish's port is published on ${escape(HOST_IP)}, the address through which netq reaches that host\n`,
      ),
    );
    assert.match(run.stderr, new RegExp(`netq: warning: Batfish has no authentication: whatever can reach ${escape(HOST_IP)} on port ${hostPort} can use it`));
    assert.ok(seen.tls > 0 && seen.tlsUnauthorized === 0, 'the engine was reached through the TLS proxy, with the client certificate');
    const labels = inspect(id).Config.Labels;
    assert.equal(labels['io.netq.ephemeral'], 'false');
    assert.equal(labels['io.netq.owner-pid'], undefined, 'a shared container has no owner');
    const leases = path.join(stateRoot, `netq-${os.userInfo().uid}`, 'netq-test-remote-users');
    assert.deepEqual(readdirSync(leases), [], 'the run held a lease while it used Batfish, and gave it back');
  });

  it('service start prints that URL, and service status shows it', async () => {
    const { hostPort } = published();
    const url = `http://${HOST_IP}:${hostPort}`;
    const start = await netqInJob(['service', 'start', '--image', STANDIN_IMAGE], DIND_TLS());
    assert.equal(start.code, 0, start.stderr);
    assert.equal(start.stdout, `${url}\n`);
    assert.match(start.stderr, /Batfish already running/);
    assert.match(start.stderr, new RegExp(`netq: Batfish is at ${escape(url)}:`));
    const status = await netqInJob(['service', 'status', '--format', 'json'], DIND_TLS());
    assert.equal(status.code, 0, status.stderr);
    const [row, ...others] = (JSON.parse(status.stdout) as { containers: Array<Record<string, unknown>> }).containers;
    assert.deepEqual(others, []);
    assert.equal(row!.url, url);
    assert.equal(row!.published, `${HOST_IP}:${hostPort}`);
    assert.equal(row!.reachable, true);
  });

  it('through a tcp engine without TLS (2375), an --ephemeral run works the same way and removes its container', async () => {
    const plainBefore = seen.plain;
    const shared = containers();
    const run = await netqInJob([...nyc, '--ephemeral'], { DOCKER_HOST: 'tcp://docker:2375' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`netq: Batfish is at http://${escape(HOST_IP)}:\\d+: the Docker engine runs on another host \\(tcp://docker:2375\\)`));
    assert.ok(seen.plain > plainBefore, 'through the plain proxy');
    assert.deepEqual(containers(), shared, 'its own container removed, the shared one left as it was');
  });

  it('NETQ_BATFISH_HOST_IP naming an address the engine host lacks (NAT): exit 4 with what to do, no container left', async () => {
    const shared = containers();
    // The job's own address, on the other end of the veth: not the engine host's.
    const run = await netqInJob([...nyc, '--ephemeral'], { ...DIND_TLS(), NETQ_BATFISH_HOST_IP: JOB_IP });
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /the Docker engine's host has no such address to publish Batfish on/);
    assert.match(run.stderr, /hint: .*set NETQ_BATFISH_HOST_IP to an address of that host which this machine reaches/);
    assert.deepEqual(containers(), shared);
  });

  it("refuses a Batfish published on the engine host's 127.0.0.1, saying what to do, and --restart replaces it", async () => {
    assert.equal((await netqInJob(['service', 'stop'], DIND_TLS())).code, 0);
    // Started on the engine's host itself, through its local socket: on 127.0.0.1, as ever.
    const local = await netqOnHost(['service', 'start', '--image', STANDIN_IMAGE]);
    assert.equal(local.code, 0, local.stderr);
    assert.match(local.stdout, /^http:\/\/127\.0\.0\.1:\d+\n$/);
    assert.doesNotMatch(local.stderr, /warning/);
    const onLoopback = published();
    assert.equal(onLoopback.hostIp, '127.0.0.1');

    const refused = await netqInJob(nyc, DIND_TLS());
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(
      refused.stderr,
      new RegExp(
        `netq: error: Batfish netq-test-remote-batfish-[0-9a-f]{8} is running, but published on 127\\.0\\.0\\.1:${onLoopback.hostPort} of the Docker engine's host, ` +
          `which this netq cannot reach \\(it reaches the engine \\(tcp://docker:2376\\) through ${escape(HOST_IP)}\\)`,
      ),
    );
    assert.match(refused.stderr, new RegExp(`hint: replace it by one published on ${escape(HOST_IP)}: run again with --restart`));
    assert.equal(published().id, onLoopback.id, 'left as it is');

    const replaced = await netqInJob([...nyc, '--restart'], DIND_TLS());
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stderr, /removed Batfish netq-test-remote-batfish-[0-9a-f]{8} to start a new one \(--restart\)/);
    const now = published();
    assert.notEqual(now.id, onLoopback.id);
    assert.equal(now.hostIp, HOST_IP);
  });

  it('service stop in the job leaves no container or network of the namespace', async () => {
    const stop = await netqInJob(['service', 'stop'], DIND_TLS());
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stderr, /netq: removed 1 container\(s\)/);
    assert.deepEqual(containers(), []);
    assert.deepEqual(networks(), []);
  });
});
