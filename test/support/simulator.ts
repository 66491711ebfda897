/**
 * A Batfish-protocol simulator: a real HTTP server on loopback that behaves like the Batfish v2
 * coordinator as PROTOCOL.md describes it (section 8 is the checklist), and answers questions with
 * the real answers Batfish recorded in its own tests. It is a test fixture, not a Batfish: it does
 * not analyse configs. An answer it has no recording for is an honest empty table.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import yauzl from 'yauzl';
import { ForkRefusal, checkForkBean, forkFiles, type SnapshotFiles } from './sim-fork.js';
import {
  FIXTURES_DIR,
  RECORDED_ANSWERS,
  fingerprintFiles,
  fingerprintFixture,
  loadRecordedElements,
  type RecordedAnswer,
} from './recorded.js';
import { DIFFERENTIAL_ONLY, diffRoutes, diffTables, emptyDifferential } from './sim-diff.js';

/**
 * A fault injected into matching requests: an error answer, a dropped connection, a delay or no
 * answer at all. A request matches when method, path and body all match; `times` limits how many
 * matching requests the fault takes (the first ones), so "500 once on the parse request" is
 * `{ method: 'POST', path: /\/work$/, body: /"sv"/, times: 1, respond: { status: 500 } }`.
 */
export interface Fault {
  method?: string;
  /** Matched against the path (without query), e.g. /\/work$/ . */
  path: RegExp;
  /** Matched against the body as text (a work item's JSON, a question): picks one kind of request. */
  body?: RegExp;
  /** How many matching requests it applies to (default: all). */
  times?: number;
  /** Wait this long before answering (or before passing the request on). */
  delayMs?: number;
  /** Answer with this instead of the real handler. */
  respond?: { status: number; body?: string; contentType?: string };
  /** Close the connection without an answer. */
  drop?: boolean;
  /** Never answer: hold the connection open until the client gives up or the simulator stops. */
  hang?: boolean;
  /**
   * Send the status, the headers (the full Content-Length) and only the first `bytes` of the
   * real answer's body, then close the connection (`drop`) or send nothing more (`hang`).
   */
  cutBody?: { bytes: number; then: 'drop' | 'hang' };
  /** Send the real answer's body at this many bytes a second (a server or proxy that trickles). */
  trickle?: { bytesPerSecond: number };
}

/** A stack-trace body like the ones Batfish sends with a 500, for `respond`. */
export function javaStackTrace(message: string): string {
  return STACK(message);
}

export interface SimulatorOptions {
  host?: string;
  port?: number;
  /** What `GET /v2/version` reports. */
  version?: { Batfish: string; api_version?: string };
  /** Time the single worker spends on a parse, a data plane and an answer. */
  parseMs?: number;
  dataplaneMs?: number;
  answerMs?: number;
  /** Work stays UNASSIGNED this long after start, as when the worker is not up yet. */
  workerStartDelayMs?: number;
  /** When set, only these API keys are valid (like the `file` authorizer). */
  apiKeys?: string[];
  /** Parse work fails with a log, as for a snapshot of unusable configs. */
  failParse?: boolean;
  /** Data-plane computation fails, as for a network Batfish cannot simulate. */
  failDataplane?: boolean;
  faults?: Fault[];
  /** Called with each request as it arrives (before it is handled): a test's hook to act "during" a request. */
  onRequest?: (request: LoggedRequest) => void;
  /** Serve HTTPS with this key and certificate (PEM), as Batfish behind a TLS proxy. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Templates folder with stable/ and experimental/ (default: test/fixtures/batfish-questions). */
  templatesDir?: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  bodyBytes: number;
  /** The body as UTF-8 text when there was one that is not a zip: question PUTs, work POSTs. */
  bodyText?: string;
  /** For a zip body (a snapshot upload): the paths of the files in it, in zip order, folders left out. */
  zipEntries?: string[];
  /** The status answered; 0 while in progress, -1 for a dropped connection, -2 for one never answered. */
  status: number;
  /** `METHOD path` of the requests still in progress when this one arrived (what a client sent at the same time). */
  openAtArrival: string[];
}

export type WorkKind = 'parse' | 'dataplane' | 'answer';

interface WorkRecord {
  item: { containerName: string; id: string; requestParams: Record<string, string>; testrigName: string };
  kind: WorkKind;
  code: string;
  task: Record<string, unknown> | null;
  blockedBy?: string;
  startedAt?: number;
  network: string;
  snapshot: string;
  /**
   * The snapshot the item's name was bound to when it was queued (WorkMgr.computeWorkDetails
   * resolves the name to an id then): a snapshot uploaded again under the name since is another
   * one, and the item still works on this one.
   */
  target: Snapshot;
  /**
   * For an answer item, the id its question name was bound to when the item was queued
   * (WorkMgr.computeWorkDetails): the worker answers that question and stores the answer under it.
   */
  questionId?: string;
  dateCreated: string;
  dateTerminated?: string;
}

interface Snapshot {
  /** Batfish's SnapshotId: what a fork's metadata names as its parent. */
  id: string;
  /** The snapshot a fork was made from (`parentSnapshotId`), else null. */
  parentId: string | null;
  name: string;
  created: string;
  createdMs: number;
  status: string;
  errMessage: string | null;
  history: string[];
  files: Array<{ relPath: string; content: Buffer }>;
  fingerprint: string;
  logs: Map<string, string>;
  workJson: Map<string, string>;
  /**
   * `${questionId}\0${referenceSnapshot}` → answer JSON text. Keyed by the question's id, not its
   * name, as Batfish keys answers (`StorageBasedIdResolver.getAnswerId`): an answer computed for a
   * question that was PUT again since cannot be read under the name any more.
   */
  answers: Map<string, string>;
  completed: Array<{ dateCreated: string; dateTerminated: string; id: string; status: string; workType: string }>;
  /** Deleted by a client (its name unbound); work queued on it fails. */
  deleted?: boolean;
}

interface Network {
  name: string;
  snapshots: Map<string, Snapshot>;
  /** Question name → the text of the question it is bound to now. */
  questions: Map<string, string>;
  /**
   * Question name → its current id. Every PUT gives the name a fresh id, even for byte-identical
   * text (`WorkMgr.uploadQuestion` calls `generateQuestionId()` each time), as real Batfish does.
   */
  questionIds: Map<string, string>;
  /** Question id → its text; kept after the name moves on (queued work still answers it). */
  questionTexts: Map<string, string>;
}

/** Questions whose class needs the data plane (PROTOCOL.md section 7). */
const DATAPLANE_QUESTIONS = new Set(
  [
    'bgpSessionStatus', 'bidirectionalReachability', 'bidirectionalTraceroute', 'detectLoops',
    'differentialReachability', 'loopbackMultipathConsistency', 'multipathConsistency',
    'ospfSessionCompatibility', 'prefixTracer', 'reachability', 'subnetMultipathConsistency', 'traceroute',
    'vxlanVniProperties', 'layer3Edges', 'layer1Edges', 'userProvidedLayer1Edges', 'bgpEdges', 'ospfEdges',
    'eigrpEdges', 'isisEdges', 'ipsecEdges', 'vxlanEdges', 'routes', 'bgpRib', 'evpnRib', 'lpmRoutes',
  ].map((q) => q.toLowerCase()),
);

/** Column shapes of questions that have no recorded answer here (PROTOCOL.md 4.9). */
const KNOWN_COLUMNS: Record<string, Array<[string, string, boolean]>> = {
  fileparsestatus: [['File_Name', 'String', true], ['Status', 'String', false], ['File_Format', 'String', false], ['Nodes', 'List<Node>', false]],
  initissues: [['Nodes', 'List<String>', true], ['Source_Lines', 'List<FileLines>', true], ['Type', 'String', true], ['Details', 'String', true], ['Line_Text', 'String', true], ['Parser_Context', 'String', true]],
  parsewarning: [['Source_Lines', 'List<FileLines>', true], ['Text', 'String', true], ['Parser_Context', 'String', true], ['Comment', 'String', false]],
  'parsewarning/separate': [['Filename', 'String', true], ['Line', 'Integer', true], ['Text', 'String', true], ['Parser_Context', 'String', true], ['Comment', 'String', false]],
  // Shapes of the config questions behind `netq summary` (column names as the Batfish answerers write them).
  bgpsessioncompatibility: [['Node', 'Node', true], ['VRF', 'String', true], ['Local_AS', 'Long', false], ['Local_Interface', 'Interface', false], ['Local_IP', 'Ip', false], ['Remote_AS', 'String', false], ['Remote_Node', 'Node', false], ['Remote_Interface', 'Interface', false], ['Remote_IP', 'SelfDescribing', true], ['Address_Families', 'Set<String>', false], ['Session_Type', 'String', false], ['Configured_Status', 'String', false]],
  nodeproperties: [['Node', 'Node', true], ['Configuration_Format', 'String', false], ['DNS_Servers', 'List<String>', false], ['Domain_Name', 'String', false], ['Hostname', 'String', false], ['Interfaces', 'List<String>', false], ['Logging_Servers', 'List<String>', false], ['NTP_Servers', 'List<String>', false], ['SNMP_Trap_Servers', 'List<String>', false], ['TACACS_Servers', 'List<String>', false], ['VRFs', 'List<String>', false]],
  undefinedreferences: [['File_Name', 'String', true], ['Struct_Type', 'String', true], ['Ref_Name', 'String', true], ['Context', 'String', true], ['Lines', 'FileLines', false]],
  ipowners: [['Node', 'Node', true], ['VRF', 'String', true], ['Interface', 'String', true], ['IP', 'Ip', true], ['Mask', 'Integer', false], ['Active', 'Boolean', false]],
  filterlinereachability: [['Sources', 'List<String>', true], ['Unreachable_Line', 'String', true], ['Unreachable_Line_Action', 'String', true], ['Blocking_Lines', 'List<String>', false], ['Different_Action', 'Boolean', false], ['Reason', 'String', false], ['Additional_Info', 'String', false]],
  ospfsessioncompatibility: [['Interface', 'Interface', true], ['VRF', 'String', true], ['IP', 'Ip', true], ['Area', 'Long', true], ['Remote_Interface', 'Interface', false], ['Remote_VRF', 'String', false], ['Remote_IP', 'Ip', false], ['Remote_Area', 'Long', false], ['Session_Status', 'String', false]],
  testfilters: [['Node', 'Node', true], ['Filter_Name', 'String', true], ['Flow', 'Flow', true], ['Action', 'String', false], ['Line_Content', 'String', false], ['Trace', 'List<TraceTree>', false]],
  // SearchFiltersAnswerer's COLUMN_METADATA is testFilters' table.
  searchfilters: [['Node', 'Node', true], ['Filter_Name', 'String', true], ['Flow', 'Flow', true], ['Action', 'String', false], ['Line_Content', 'String', false], ['Trace', 'List<TraceTree>', false]],
  reachability: [['Flow', 'Flow', true], ['Traces', 'Set<Trace>', false], ['TraceCount', 'Integer', false]],
  detectloops: [['Flow', 'Flow', true], ['Traces', 'Set<Trace>', false], ['TraceCount', 'Integer', false]],
  // Property questions have one column per property; these list the common ones, not all of them.
  bgppeerconfiguration: [['Node', 'Node', true], ['VRF', 'String', true], ['Local_AS', 'Long', false], ['Local_IP', 'Ip', false], ['Local_Interface', 'String', false], ['Confederation', 'Long', false], ['Remote_AS', 'String', false], ['Remote_IP', 'SelfDescribing', true], ['Description', 'String', false], ['Route_Reflector_Client', 'Boolean', false], ['Cluster_ID', 'Ip', false], ['Peer_Group', 'String', false], ['Import_Policy', 'List<String>', false], ['Export_Policy', 'List<String>', false], ['Send_Community', 'Boolean', false], ['Is_Passive', 'Boolean', false]],
  bgpprocessconfiguration: [['Node', 'Node', true], ['VRF', 'String', true], ['Router_ID', 'Ip', true], ['Confederation_ID', 'Integer', false], ['Confederation_Members', 'String', false], ['Multipath_EBGP', 'Boolean', false], ['Multipath_IBGP', 'Boolean', false], ['Multipath_Match_Mode', 'String', false], ['Neighbors', 'Set<String>', false], ['Route_Reflector', 'Boolean', false], ['Tie_Breaker', 'String', false]],
  interfaceproperties: [['Interface', 'Interface', true], ['Active', 'Boolean', false], ['Admin_Up', 'Boolean', false], ['All_Prefixes', 'List<String>', false], ['Description', 'String', false], ['Incoming_Filter_Name', 'String', false], ['MTU', 'Integer', false], ['Outgoing_Filter_Name', 'String', false], ['Primary_Address', 'String', false], ['Switchport_Mode', 'String', false], ['VRF', 'String', false]],
  layer3edges: [['Interface', 'Interface', true], ['IPs', 'Set<Ip>', false], ['Remote_Interface', 'Interface', true], ['Remote_IPs', 'Set<Ip>', false]],
  layer1edges: [['Interface', 'Interface', true], ['Remote_Interface', 'Interface', true]],
  ospfedges: [['Interface', 'Interface', true], ['Remote_Interface', 'Interface', true]],
  bgpedges: [['Node', 'Node', true], ['IP', 'Ip', true], ['Interface', 'String', false], ['AS_Number', 'String', false], ['Remote_Node', 'Node', true], ['Remote_IP', 'Ip', true], ['Remote_Interface', 'String', false], ['Remote_AS_Number', 'String', false]],
};

const STACK = (message: string): string =>
  `${message}\n\tat org.batfish.coordinator.WorkMgr.simulated(WorkMgr.java:1)\n\tat org.batfish.coordinator.resources.Resource.simulated(Resource.java:1)\n`;

// pybatfish names asked questions `__<template>_<uuid>`, netq `__netq_<template>_<hash>`; Batfish
// itself goes by the question's class, the simulator by the template in the name.
const QUESTION_NAME = /^__(?:netq_)?(.*)_(?:[0-9a-f-]{36}|[0-9a-f]{20})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_KEY = '00000000000000000000000000000000';
const IGNORED_TOP = new Set(['.DS_STORE', '__MACOSX', '.git', '.svn']);
const DATA_DIRS = ['configs', 'hosts', 'aws_configs', 'sonic_configs', 'azure_configs'];

class HttpReply extends Error {
  constructor(
    readonly status: number,
    readonly body = '',
    readonly contentType = 'text/plain',
  ) {
    super(`${status} ${body}`);
  }
}

export class BatfishSimulator {
  readonly requests: LoggedRequest[] = [];
  /** `METHOD path` of every request as its headers arrived, before its body was read (`requests` logs it after). */
  readonly arrivals: string[] = [];
  readonly networks = new Map<string, Network>();
  /** Snapshots a client deleted, with the work done on them (a bench still counts a deleted fork's work). */
  readonly deletedSnapshots: Array<{ network: string; completed: Snapshot['completed'] }> = [];
  #work = new Map<string, WorkRecord>();
  #server: http.Server;
  #timer: NodeJS.Timeout | undefined;
  #startedMs = Date.now();
  #templates: Record<string, string>;
  #templateByName = new Map<string, Record<string, unknown>>();
  #questionClasses = new Set<string>();
  /** `network\0deactivated` → the fingerprint of that fixture snapshot (computed when first needed). */
  #fixtureFingerprints = new Map<string, string | undefined>();
  #faultUses = new Map<Fault, number>();
  /** Requests whose reply is not written yet. */
  readonly #open = new Set<LoggedRequest>();
  /** For a snapshot upload: whether its name was taken when the request arrived (`#lookBeforeBody`). */
  readonly #nameTakenAtArrival = new WeakMap<IncomingMessage, boolean>();
  /** Kinds of work the worker leaves queued for now (`holdWork`). */
  readonly #held = new Set<WorkKind>();
  options: SimulatorOptions;

  constructor(options: SimulatorOptions = {}) {
    this.options = options;
    this.#templates = this.#loadTemplates(options.templatesDir ?? path.join(FIXTURES_DIR, 'batfish-questions'));
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.#handle(req, res);
    this.#server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
    this.#server.keepAliveTimeout = 1000;
  }

  /** Starts listening; resolves with the base URL (`http://127.0.0.1:PORT`). */
  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    this.#startedMs = Date.now();
    this.#timer = setInterval(() => this.#schedule(), 10);
    this.#timer.unref();
    return this.url;
  }

  get url(): string {
    const address = this.#server.address() as AddressInfo;
    const host = this.options.host ?? '127.0.0.1';
    return `${this.options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Forgets every work item, as a server restart does; snapshots and answers stay. */
  restart(): void {
    this.#work.clear();
    this.#startedMs = Date.now();
  }

  /**
   * Keeps the worker from taking up work of this kind (items are queued and stay UNASSIGNED, as
   * behind a long job) until `releaseWork`: a test's way to make runs overlap whatever their timing.
   */
  holdWork(kind: WorkKind): void {
    this.#held.add(kind);
  }

  releaseWork(kind: WorkKind): void {
    this.#held.delete(kind);
  }

  /** Requests seen so far, optionally only those matching a method and path pattern. */
  seen(method?: string, pathPattern?: RegExp): LoggedRequest[] {
    return this.requests.filter((r) => (!method || r.method === method) && (!pathPattern || pathPattern.test(r.path)));
  }

  // ---------------------------------------------------------------- HTTP plumbing

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    this.arrivals.push(`${req.method ?? 'GET'} ${url.pathname}`);
    this.#lookBeforeBody(req, url);
    const body = await readBody(req);
    const entry: LoggedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: {
        'x-batfish-apikey': header(req, 'x-batfish-apikey'),
        'x-batfish-version': header(req, 'x-batfish-version'),
        'content-type': header(req, 'content-type'),
        'content-length': header(req, 'content-length'),
        'transfer-encoding': header(req, 'transfer-encoding'),
        accept: header(req, 'accept'),
      },
      bodyBytes: body.length,
      status: 0,
      openAtArrival: [...this.#open].filter((r) => r.status === 0).map((r) => `${r.method} ${r.path}`),
    };
    this.requests.push(entry);
    this.#open.add(entry);
    res.once('close', () => this.#open.delete(entry));
    // Listed beside the handling (not before it), so requests meet faults in the order they came;
    // awaited before the reply, so whoever sees the reply sees the entry complete.
    const zipped = isZip(body);
    const logged = zipped
      ? zipFileNames(body).then((names) => {
          if (names) entry.zipEntries = names;
        })
      : Promise.resolve();
    if (!zipped && body.length > 0) entry.bodyText = body.toString('utf8');
    this.options.onRequest?.(entry);
    const fault = this.#fault(entry, body);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.hang) {
      await logged;
      entry.status = -2;
      // Nothing is ever written; the socket closes when the client gives up or the simulator stops.
      await new Promise<void>((resolve) => {
        if (req.socket.destroyed) resolve();
        else req.socket.once('close', () => resolve());
      });
      return;
    }
    if (fault?.drop) {
      await logged;
      entry.status = -1;
      req.socket.destroy();
      return;
    }
    let reply: HttpReply;
    try {
      if (fault?.respond) throw new HttpReply(fault.respond.status, fault.respond.body ?? '', fault.respond.contentType);
      reply = await this.#route(req.method ?? 'GET', url, req, body);
    } catch (error) {
      reply = error instanceof HttpReply ? error : new HttpReply(500, STACK(`java.lang.RuntimeException: ${String(error)}`));
    }
    await logged;
    entry.status = reply.status;
    res.writeHead(reply.status, {
      // Like the real server, errors may be labelled JSON although the body is text.
      'Content-Type': reply.contentType,
      'Content-Length': Buffer.byteLength(reply.body),
    });
    if (fault?.trickle) {
      const body = Buffer.from(reply.body);
      const step = Math.max(1, Math.round(fault.trickle.bytesPerSecond / 10));
      for (let at = 0; at < body.length && !res.destroyed; at += step) {
        res.write(body.subarray(at, at + step));
        await sleep(100);
      }
      res.end();
      return;
    }
    if (fault?.cutBody) {
      res.write(Buffer.from(reply.body).subarray(0, fault.cutBody.bytes));
      if (fault.cutBody.then === 'drop') setTimeout(() => req.socket.destroy(), 20);
      return;
    }
    res.end(reply.body);
  }

  /**
   * What Batfish decides before it reads a request's body. `WorkMgr.uploadSnapshot` checks that
   * the name is free as the request arrives, then stores and unzips the body, and binds the name
   * at the end (`initSnapshot` → `assignSnapshot`), with no lock: two uploads of one name that
   * overlap are both accepted, and the name ends bound to the one that finished last.
   */
  #lookBeforeBody(req: IncomingMessage, url: URL): void {
    const upload = /^\/v2\/networks\/([^/]+)\/snapshots\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !upload) return;
    const network = this.networks.get(decodeURIComponent(upload[1]!));
    this.#nameTakenAtArrival.set(req, network?.snapshots.has(decodeURIComponent(upload[2]!)) ?? false);
  }

  #fault(entry: LoggedRequest, body: Buffer): Fault | undefined {
    for (const fault of this.options.faults ?? []) {
      if (fault.method && fault.method !== entry.method) continue;
      if (!fault.path.test(entry.path)) continue;
      if (fault.body && !fault.body.test(body.toString('utf8'))) continue;
      const used = this.#faultUses.get(fault) ?? 0;
      if (fault.times !== undefined && used >= fault.times) continue;
      this.#faultUses.set(fault, used + 1);
      return fault;
    }
    return undefined;
  }

  async #route(method: string, url: URL, req: IncomingMessage, body: Buffer): Promise<HttpReply> {
    const p = url.pathname;
    if (!p.startsWith('/v2/')) throw new HttpReply(404, 'HTTP 404 Not Found');
    this.#authorize(req);
    const parts = p.slice(4).split('/').map(decodeURIComponent);
    const json = (value: unknown, status = 200): HttpReply => new HttpReply(status, JSON.stringify(value), 'application/json');
    const [root, n, sub, s, leaf, id] = parts;

    if (root === 'version' && parts.length === 1) {
      if (method !== 'GET') throw new HttpReply(405, 'HTTP 405 Method Not Allowed');
      const version = this.options.version ?? { Batfish: '2025.07.07.2423', api_version: '2.1.0' };
      return json(version);
    }
    if (root === 'question_templates' && parts.length === 1) return json(this.#templates);
    if (root !== 'networks') throw new HttpReply(404, 'HTTP 404 Not Found');

    if (parts.length === 1) {
      if (method === 'GET') return json([...this.networks.values()].map((x) => this.#networkJson(x)));
      if (method === 'POST') {
        const name = url.searchParams.get('name') ?? `net_${randomUUID()}`;
        if (this.networks.has(name)) throw new HttpReply(400, `Network '${name}' already exists!`);
        this.networks.set(name, { name, snapshots: new Map(), questions: new Map(), questionIds: new Map(), questionTexts: new Map() });
        return new HttpReply(201);
      }
      throw new HttpReply(405, 'HTTP 405 Method Not Allowed');
    }
    if (sub === 'snapshots:fork' && parts.length === 3) {
      if (method !== 'POST') throw new HttpReply(405, 'HTTP 405 Method Not Allowed');
      return this.#fork(req, body, n!);
    }
    const network = this.networks.get(n!);
    if (!network) throw new HttpReply(404, `Network '${n}' does not exist`);
    if (parts.length === 2) {
      if (method === 'GET') return json(this.#networkJson(network));
      if (method === 'DELETE') {
        this.networks.delete(network.name);
        return new HttpReply(200);
      }
      throw new HttpReply(405, 'HTTP 405 Method Not Allowed');
    }
    switch (sub) {
      case 'snapshots':
        return this.#snapshots(method, url, req, body, network, s, leaf, id, parts.length);
      case 'questions':
        return this.#questions(method, url, req, body, network, s, leaf, parts.length);
      case 'work':
        if (parts.length === 3 && method === 'POST') return this.#queue(req, body);
        if (parts.length === 3 && method === 'GET') {
          return json([...this.#work.values()].filter((w) => w.network === network.name && !isTerminal(w.code)).map(workStatusJson));
        }
        if (parts.length === 4 && method === 'GET') {
          if (!UUID.test(s!)) throw new HttpReply(400, 'Work ID must be a valid UUID');
          const work = this.#work.get(s!);
          if (!work || work.network !== network.name) throw new HttpReply(404, 'HTTP 404 Not Found');
          return json(workStatusJson(work));
        }
        throw new HttpReply(405, 'HTTP 405 Method Not Allowed');
      default:
        throw new HttpReply(404, 'HTTP 404 Not Found');
    }
  }

  #authorize(req: IncomingMessage): void {
    const key = header(req, 'x-batfish-apikey');
    if (key === '') throw new HttpReply(401, 'HTTP header X-Batfish-Apikey should contain an API key');
    const effective = key ?? DEFAULT_KEY;
    if (this.options.apiKeys && !this.options.apiKeys.includes(effective)) {
      throw new HttpReply(401, `Authorizer: '${effective}' is NOT a valid key`);
    }
  }

  #networkJson(network: Network): unknown {
    return { analysis: null, name: network.name, testrigs: [...network.snapshots.keys()].sort() };
  }

  // ---------------------------------------------------------------- snapshots

  async #snapshots(
    method: string,
    url: URL,
    req: IncomingMessage,
    body: Buffer,
    network: Network,
    name: string | undefined,
    leaf: string | undefined,
    id: string | undefined,
    depth: number,
  ): Promise<HttpReply> {
    const json = (value: unknown): HttpReply => new HttpReply(200, JSON.stringify(value), 'application/json');
    if (depth === 3) {
      if (method !== 'GET') throw new HttpReply(405, 'HTTP 405 Method Not Allowed');
      const list = [...network.snapshots.values()].sort((a, b) => b.createdMs - a.createdMs || (a.name < b.name ? 1 : -1));
      if (url.searchParams.get('verbose')?.toLowerCase() === 'true') {
        return json(list.map((x) => ({ metadata: this.#metadata(x), name: x.name })));
      }
      return json(list.map((x) => x.name));
    }
    const snapshot = network.snapshots.get(name!);
    if (depth === 4) {
      if (method === 'POST') return this.#upload(req, body, network, name!);
      if (!snapshot) throw new HttpReply(404);
      if (method === 'GET') return json(this.#metadata(snapshot));
      if (method === 'DELETE') {
        network.snapshots.delete(snapshot.name);
        snapshot.deleted = true;
        this.deletedSnapshots.push({ network: network.name, completed: snapshot.completed });
        return new HttpReply(200);
      }
      throw new HttpReply(405, 'HTTP 405 Method Not Allowed');
    }
    if (!snapshot) throw new HttpReply(404);
    if (leaf === 'worklog' && depth === 6) {
      const log = snapshot.logs.get(id!);
      if (log === undefined) throw new HttpReply(404);
      return new HttpReply(200, log, 'text/plain');
    }
    if (leaf === 'workjson' && depth === 6) {
      const text = snapshot.workJson.get(id!);
      if (text === undefined) throw new HttpReply(404);
      return new HttpReply(200, text, 'application/json');
    }
    if (leaf === 'completed_work' && depth === 5) return json(snapshot.completed);
    throw new HttpReply(404, 'HTTP 404 Not Found');
  }

  #metadata(snapshot: Snapshot): unknown {
    return {
      creationTimestamp: snapshot.created,
      initializationMetadata: {
        currentStatus: snapshot.status,
        errMessage: snapshot.errMessage,
        statusHistory: snapshot.history,
      },
      parentSnapshotId: snapshot.parentId,
    };
  }

  async #upload(req: IncomingMessage, body: Buffer, network: Network, name: string): Promise<HttpReply> {
    const type = (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/octet-stream') throw new HttpReply(415, 'HTTP 415 Unsupported Media Type');
    if (this.#nameTakenAtArrival.get(req) ?? network.snapshots.has(name)) {
      throw new HttpReply(400, `Snapshot in network '${network.name}' with name: '${name}' already exists`);
    }
    const files = await unpackSnapshot(body);
    this.#bind(network, name, files, null);
    return new HttpReply(201);
  }

  /** Makes a snapshot of these input files and binds the name to it (`initSnapshot` → `assignSnapshot`). */
  #bind(network: Network, name: string, files: SnapshotFiles, parentId: string | null): void {
    const now = new Date();
    network.snapshots.set(name, {
      id: randomUUID(),
      parentId,
      name,
      created: now.toISOString().replace('Z', '000Z'),
      createdMs: now.getTime() + network.snapshots.size / 1000,
      status: 'UNINITIALIZED',
      errMessage: null,
      history: [],
      files,
      fingerprint: fingerprintFiles(files),
      logs: new Map(),
      workJson: new Map(),
      answers: new Map(),
      completed: [],
    });
  }

  /** `POST /networks/{n}/snapshots:fork` (NetworkResource.forkSnapshot, WorkMgr.forkSnapshot; sim-fork.ts). */
  async #fork(req: IncomingMessage, body: Buffer, networkName: string): Promise<HttpReply> {
    const type = (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') throw new HttpReply(415, 'HTTP 415 Unsupported Media Type');
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw new ForkRefusal(400, 'Unable to process JSON');
      }
      const bean = checkForkBean(parsed);
      const network = this.networks.get(networkName);
      if (!network) throw new ForkRefusal(400, `Network '${networkName}' does not exist`);
      if (network.snapshots.has(bean.snapshotNew)) throw new ForkRefusal(400, `Snapshot with name: '${bean.snapshotNew}' already exists`);
      const base = network.snapshots.get(bean.snapshotBase);
      if (!base) throw new ForkRefusal(404, `Base snapshot with name: '${bean.snapshotBase}' does not exist`);
      let overlay: SnapshotFiles = [];
      if (bean.zipFile) {
        overlay = await unpackSnapshot(Buffer.from(bean.zipFile, 'base64'), { requireData: false }).catch((error: unknown) => {
          throw new ForkRefusal(500, error instanceof HttpReply ? error.body : String(error));
        });
      }
      this.#bind(network, bean.snapshotNew, forkFiles(base.files, bean, overlay), base.id);
      return new HttpReply(200, '', 'application/json');
    } catch (error) {
      if (error instanceof ForkRefusal) throw new HttpReply(error.status, error.message);
      throw error;
    }
  }

  // ---------------------------------------------------------------- questions and answers

  #questions(
    method: string,
    url: URL,
    req: IncomingMessage,
    body: Buffer,
    network: Network,
    name: string | undefined,
    leaf: string | undefined,
    depth: number,
  ): HttpReply {
    if (depth === 3) {
      if (method !== 'GET') throw new HttpReply(405, 'HTTP 405 Method Not Allowed');
      const names = [...network.questions.keys()].filter((q) => !q.startsWith('__')).sort();
      return new HttpReply(200, JSON.stringify(names), 'application/json');
    }
    if (depth === 4) {
      if (method === 'PUT') {
        const text = body.toString('utf8');
        this.#validateQuestion(network, name!, text);
        const questionId = randomUUID();
        network.questionTexts.set(questionId, text);
        network.questionIds.set(name!, questionId);
        network.questions.set(name!, text);
        return new HttpReply(200);
      }
      const text = network.questions.get(name!);
      if (text === undefined) throw new HttpReply(404);
      if (method === 'GET') return new HttpReply(200, text, 'application/json');
      if (method === 'DELETE') {
        network.questions.delete(name!);
        network.questionIds.delete(name!);
        return new HttpReply(200);
      }
      throw new HttpReply(405, 'HTTP 405 Method Not Allowed');
    }
    if (depth === 5 && leaf === 'answer' && method === 'GET') {
      const snapshotName = url.searchParams.get('snapshot');
      if (!snapshotName) throw new HttpReply(400, 'Snapshot must be specified to fetch question answer');
      if (!network.questions.has(name!)) {
        throw new HttpReply(404, `Question '${name}' does not exist for network: ${network.name}`);
      }
      const snapshot = network.snapshots.get(snapshotName);
      if (!snapshot) throw new HttpReply(404, `Snapshot ${snapshotName} not found in network ${network.name}`);
      const reference = url.searchParams.get('referenceSnapshot');
      if (reference && !network.snapshots.has(reference)) {
        throw new HttpReply(500, STACK(`java.util.NoSuchElementException: No value present`));
      }
      const answer = snapshot.answers.get(`${network.questionIds.get(name!)}\0${reference ?? ''}`);
      if (answer === undefined) {
        throw new HttpReply(
          404,
          `Answer not found for question ${name} on network: ${network.name}, snapshot: ${snapshotName}, referenceSnapshot: ${reference ?? 'null'}`,
        );
      }
      return new HttpReply(200, answer, 'application/json');
    }
    throw new HttpReply(404, 'HTTP 404 Not Found');
  }

  #validateQuestion(network: Network, name: string, text: string): void {
    const invalid = (why: string): HttpReply =>
      new HttpReply(400, `Invalid question ${network.name}/${name}: Could not parse JSON question: ${why}`);
    let question: unknown;
    try {
      question = JSON.parse(text);
    } catch (error) {
      throw invalid(String(error));
    }
    if (!isRecord(question) || typeof question.class !== 'string' || !this.#questionClasses.has(question.class)) {
      throw invalid(`unknown or missing question class`);
    }
    const instance = isRecord(question.instance) ? question.instance : {};
    const template = this.#templateByName.get(String(instance.instanceName ?? '').replace(QUESTION_NAME, '$1').toLowerCase());
    const allowed = new Set(['class', 'differential', 'instance', 'includeOneTableKeys', 'assertion', 'exclusions']);
    for (const key of Object.keys(template ?? {})) allowed.add(key);
    for (const key of Object.keys(question)) {
      if (template && !allowed.has(key)) throw invalid(`Unrecognized field "${key}"`);
    }
  }

  // ---------------------------------------------------------------- work

  #queue(req: IncomingMessage, body: Buffer): HttpReply {
    const type = (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') throw new HttpReply(415, 'HTTP 415 Unsupported Media Type');
    let item: unknown;
    try {
      item = JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new HttpReply(400, `Unable to process JSON: ${String(error)}`);
    }
    if (!isRecord(item) || typeof item.id !== 'string' || !UUID.test(item.id)) {
      throw new HttpReply(400, 'Unable to process JSON: id must be a UUID');
    }
    const fail = (why: string): HttpReply => new HttpReply(500, STACK(`org.batfish.common.BatfishException: Failed to queue work: ${why}`));
    if (typeof item.containerName !== 'string' || typeof item.testrigName !== 'string') {
      throw fail('java.lang.NullPointerException: containerName and testrigName are required');
    }
    const params = isRecord(item.requestParams) ? (item.requestParams as Record<string, string>) : {};
    const work: WorkRecord['item'] = {
      containerName: item.containerName,
      id: item.id,
      requestParams: params,
      testrigName: item.testrigName,
    };
    const target = this.networks.get(work.containerName);
    if (!target) throw fail(`Network '${work.containerName}' does not exist`);
    if (this.#work.has(work.id)) throw fail('Duplicate work item');
    const kinds = (['sv', 'dp', 'answer'] as const).filter((k) => k in params);
    if (kinds.length > 1) throw fail('Cannot do composite work. Separate PARSE, DATAPLANE and ANSWER work items');
    const kind: WorkKind = kinds[0] === 'sv' ? 'parse' : kinds[0] === 'dp' ? 'dataplane' : 'answer';
    const snapshot = target.snapshots.get(work.testrigName);
    if (!snapshot) throw fail('java.util.NoSuchElementException: No value present');
    if (params.deltatestrig !== undefined && !target.snapshots.has(params.deltatestrig)) {
      throw fail('java.util.NoSuchElementException: No value present');
    }
    const duplicate = [...this.#work.values()].find(
      (w) =>
        !isTerminal(w.code) &&
        w.network === target.name &&
        w.target === snapshot &&
        JSON.stringify(sortKeys(w.item.requestParams)) === JSON.stringify(sortKeys(params)),
    );
    if (duplicate) {
      throw new HttpReply(400, `Supplied WorkID '${work.id}' is a duplicate of existing WorkID: '${duplicate.item.id}'`);
    }
    const incomplete = [...this.#work.values()].filter(
      (w) => !isTerminal(w.code) && w.target === snapshot,
    );
    const record: WorkRecord = {
      item: work,
      kind,
      code: 'UNASSIGNED',
      task: null,
      network: target.name,
      snapshot: snapshot.name,
      target: snapshot,
      dateCreated: new Date().toISOString(),
    };
    if (kind === 'parse') {
      if (incomplete.length) throw fail('Cannot queue parsing work while other work is incomplete');
    } else if (kind === 'answer') {
      const questionId = target.questionIds.get(params.questionname ?? '');
      const questionText = questionId === undefined ? undefined : target.questionTexts.get(questionId);
      if (questionId === undefined || questionText === undefined) throw fail(`Question '${params.questionname}' does not exist`);
      record.questionId = questionId;
      const parse = incomplete.find((w) => w.kind === 'parse');
      if (parse) {
        record.code = 'BLOCKED';
        record.blockedBy = parse.item.id;
      } else if (!['PARSED', 'DATAPLANING', 'DATAPLANED', 'DATAPLANING_FAIL'].includes(snapshot.status)) {
        throw fail(
          `Cannot queue parsing dependent work for ${target.name}/${snapshot.name}: Status is ${snapshot.status} but no incomplete parsing work exists`,
        );
      } else if (this.#needsDataplane(questionText)) {
        const dp = incomplete.find((w) => w.kind === 'dataplane');
        if (dp) {
          record.code = 'BLOCKED';
          record.blockedBy = dp.item.id;
        } else if (snapshot.status === 'DATAPLANING_FAIL') {
          throw fail(
            `Cannot queue dataplane dependent work for ${target.name}/${snapshot.name}: Status is DATAPLANING_FAIL but no incomplete dataplaning work exists`,
          );
        } else if (snapshot.status === 'PARSED') {
          const dpId = randomUUID();
          this.#work.set(dpId, {
            item: { containerName: target.name, id: dpId, requestParams: { dp: '', testrig: snapshot.name }, testrigName: snapshot.name },
            kind: 'dataplane',
            code: 'UNASSIGNED',
            task: null,
            network: target.name,
            snapshot: snapshot.name,
            target: snapshot,
            dateCreated: new Date().toISOString(),
          });
          record.code = 'BLOCKED';
          record.blockedBy = dpId;
        }
      }
    }
    this.#work.set(work.id, record);
    return new HttpReply(201);
  }

  #needsDataplane(questionText: string): boolean {
    const question = JSON.parse(questionText) as { instance?: { instanceName?: string } };
    const name = String(question.instance?.instanceName ?? '').replace(QUESTION_NAME, '$1');
    return DATAPLANE_QUESTIONS.has(name.toLowerCase());
  }

  /** The single worker: one item at a time, like the real coordinator's scheduling loop. */
  #schedule(): void {
    const now = Date.now();
    const running = [...this.#work.values()].find((w) => w.code === 'ASSIGNED');
    if (running) {
      const duration =
        running.kind === 'parse'
          ? (this.options.parseMs ?? 60)
          : running.kind === 'dataplane'
            ? (this.options.dataplaneMs ?? 60)
            : (this.options.answerMs ?? 30);
      if (now - (running.startedAt ?? now) >= duration) this.#finish(running);
      return;
    }
    if (now - this.#startedMs < (this.options.workerStartDelayMs ?? 0)) return;
    const next = [...this.#work.values()].find((w) => w.code === 'UNASSIGNED' && !this.#held.has(w.kind));
    if (!next) return;
    next.code = 'ASSIGNED';
    next.startedAt = now;
    const description = next.kind === 'parse' ? 'Parse configurations' : next.kind === 'dataplane' ? 'Compute data plane' : 'Answer question';
    next.task = {
      args: [],
      batches: [{ completed: 0, description, size: 0, startDate: new Date(now).toISOString() }],
      errMessage: null,
      obtained: new Date(now).toISOString(),
      status: 'InProgress',
      terminated: null,
    };
    const snapshot = this.#snapshotOf(next);
    if (snapshot && next.kind === 'parse') this.#setStatus(snapshot, 'PARSING');
    if (snapshot && next.kind === 'dataplane') this.#setStatus(snapshot, 'DATAPLANING');
  }

  #finish(work: WorkRecord): void {
    const snapshot = this.#snapshotOf(work);
    let error: string | undefined;
    const log: string[] = [`simulated worker: ${work.kind} of ${work.network}/${work.snapshot}`];
    if (!snapshot) {
      error = 'org.batfish.common.BatfishException: snapshot was deleted';
    } else if (work.kind === 'parse') {
      error = this.#parse(snapshot, work, log);
    } else if (work.kind === 'dataplane') {
      if (this.options.failDataplane) {
        error = 'org.batfish.common.BatfishException: Error computing data plane: simulated failure';
        log.push(error, '\tat org.batfish.main.Batfish.computeDataPlane(Batfish.java:1)');
        this.#setStatus(snapshot, 'DATAPLANING_FAIL', error);
      } else {
        this.#setStatus(snapshot, 'DATAPLANED');
      }
    } else {
      error = this.#answer(snapshot, work, log);
    }
    const code = error ? 'TERMINATEDABNORMALLY' : 'TERMINATEDNORMALLY';
    work.code = code;
    work.dateTerminated = new Date().toISOString();
    if (work.task) {
      work.task.status = error ? 'TerminatedAbnormally' : 'TerminatedNormally';
      work.task.errMessage = error ?? null;
      work.task.terminated = work.dateTerminated;
    }
    if (snapshot) {
      snapshot.logs.set(work.item.id, `${log.join('\n')}\n`);
      snapshot.completed.push({
        dateCreated: work.dateCreated,
        dateTerminated: work.dateTerminated,
        id: work.item.id,
        status: code,
        workType: work.kind === 'parse' ? 'PARSING' : work.kind === 'dataplane' ? 'DATAPLANING' : 'PARSING_DEPENDENT_ANSWERING',
      });
    }
    for (const blocked of this.#work.values()) {
      if (blocked.code !== 'BLOCKED' || blocked.blockedBy !== work.item.id) continue;
      if (error) {
        blocked.code = 'REQUEUEFAILURE';
        blocked.task = {
          args: [],
          batches: [{ completed: 0, description: `Couldn't requeue after unblocking.\n${error}`, size: 0 }],
          errMessage: null,
          obtained: null,
          status: 'RequeueFailure',
          terminated: new Date().toISOString(),
        };
      } else if (snapshot && blocked.kind === 'answer' && snapshot.status === 'PARSED' &&
        this.#needsDataplane(this.networks.get(blocked.network)?.questionTexts.get(blocked.questionId ?? '') ?? '{}')) {
        const dpId = randomUUID();
        this.#work.set(dpId, {
          item: { containerName: work.network, id: dpId, requestParams: { dp: '', testrig: snapshot.name }, testrigName: snapshot.name },
          kind: 'dataplane',
          code: 'UNASSIGNED',
          task: null,
          network: work.network,
          snapshot: snapshot.name,
          target: snapshot,
          dateCreated: new Date().toISOString(),
        });
        blocked.blockedBy = dpId;
      } else {
        blocked.code = 'UNASSIGNED';
      }
    }
  }

  #parse(snapshot: Snapshot, work: WorkRecord, log: string[]): string | undefined {
    const parseStatus: Record<string, string> = {};
    for (const file of snapshot.files) {
      if (!DATA_DIRS.some((d) => file.relPath.startsWith(`${d}/`))) continue;
      parseStatus[file.relPath] = file.content.length === 0 ? 'EMPTY' : 'PASSED';
      log.push(`Parsing: "${file.relPath}"`);
    }
    const usable = Object.values(parseStatus).some((s) => s === 'PASSED');
    if (!usable || this.options.failParse) {
      const error = 'org.batfish.common.BatfishException: No valid configurations found in snapshot';
      log.push(error, '\tat org.batfish.main.Batfish.parseVendorConfigurations(Batfish.java:1)');
      this.#setStatus(snapshot, 'PARSING_FAIL', error);
      return error;
    }
    snapshot.workJson.set(
      work.item.id,
      JSON.stringify({
        answerElements: [{ class: 'org.batfish.datamodel.answers.InitInfoAnswerElement', parseStatus }],
        status: 'SUCCESS',
        summary: { numFailed: 0, numPassed: 0, numResults: 0 },
      }),
    );
    this.#setStatus(snapshot, 'PARSED');
    return undefined;
  }

  #answer(snapshot: Snapshot, work: WorkRecord, log: string[]): string | undefined {
    const network = this.networks.get(work.network)!;
    // The question as it was when the item was queued, whatever the name points at now.
    const questionId = work.questionId ?? '';
    const text = network.questionTexts.get(questionId);
    const reference = work.item.requestParams.deltatestrig ?? '';
    if (text === undefined) return 'org.batfish.common.BatfishException: question was deleted';
    const question = JSON.parse(text) as Record<string, unknown>;
    const instance = question.instance as { instanceName: string; variables?: Record<string, { value?: unknown }> };
    const templateName = instance.instanceName.replace(QUESTION_NAME, '$1');
    const template = this.#templateByName.get(templateName.toLowerCase());
    const templateVars = ((template?.instance as Record<string, unknown> | undefined)?.variables ?? {}) as Record<string, { value?: unknown }>;
    const given: Record<string, unknown> = {};
    for (const [name, variable] of Object.entries(instance.variables ?? {})) {
      if (variable.value !== undefined && JSON.stringify(variable.value) !== JSON.stringify(templateVars[name]?.value)) {
        given[name] = variable.value;
      }
    }
    const referenceSnapshot = reference ? network.snapshots.get(reference) : undefined;
    const notDifferential = DIFFERENTIAL_ONLY[templateName.toLowerCase()]?.notDifferential;
    if (!reference && notDifferential) {
      // The answerer's answer(snapshot) throws; Batfish writes the failure as the answer.
      const error = `java.lang.IllegalStateException: ${notDifferential}`;
      log.push(error);
      snapshot.answers.set(
        `${questionId}\0`,
        JSON.stringify({
          answerElements: [{ class: 'org.batfish.common.BatfishException$BatfishStackTrace', contents: { 0: STACK(error) } }],
          question,
          status: 'FAILURE',
        }),
      );
      return error;
    }
    const element = referenceSnapshot
      ? this.#differentialElement(templateName, snapshot, referenceSnapshot, given)
      : this.#answerElement(templateName, snapshot, given);
    if (!element) {
      const error = `org.batfish.common.BatfishException: the simulator has no answer shape for ${templateName}`;
      log.push(error);
      snapshot.answers.set(
        `${questionId}\0${reference}`,
        JSON.stringify({
          answerElements: [{ class: 'org.batfish.common.BatfishException$BatfishStackTrace', contents: { 0: error } }],
          question,
          status: 'FAILURE',
        }),
      );
      return error;
    }
    log.push(`answered ${templateName} with ${(element.rows as unknown[]).length} rows`);
    snapshot.answers.set(
      `${questionId}\0${reference}`,
      JSON.stringify({ answerElements: [element], question, status: 'SUCCESS', summary: element.summary }),
    );
    return undefined;
  }

  /**
   * The answer asked with a reference: a recording made on these two snapshots, else what Batfish
   * computes from the two non-differential answers (TableDiff; the routes differential), or an
   * empty table of a differential-only question.
   */
  #differentialElement(
    question: string,
    snapshot: Snapshot,
    reference: Snapshot,
    given: Record<string, unknown>,
  ): Record<string, unknown> | undefined {
    const recorded = this.#recorded(question, snapshot, given, reference);
    if (recorded) return recorded;
    const key = question.toLowerCase();
    if (DIFFERENTIAL_ONLY[key]) return emptyDifferential(key);
    const mine = this.#answerElement(question, snapshot, given);
    const theirs = this.#answerElement(question, reference, given);
    if (!mine || !theirs) return undefined;
    return key === 'routes' && (given.rib === undefined || String(given.rib).toLowerCase() === 'main') ? diffRoutes(mine, theirs) : diffTables(mine, theirs);
  }

  /** The recording of this question and parameters on this snapshot (and this reference, if asked with one). */
  #recorded(question: string, snapshot: Snapshot, given: Record<string, unknown>, reference?: Snapshot): Record<string, unknown> | undefined {
    const match = RECORDED_ANSWERS.find(
      (r) =>
        r.question.toLowerCase() === question.toLowerCase() &&
        this.#fixtureFingerprint(r.network, r.fork) === snapshot.fingerprint &&
        (reference
          ? r.reference !== undefined && this.#fixtureFingerprint(r.reference, r.referenceFork) === reference.fingerprint
          : r.reference === undefined) &&
        sameParameters(r.parameters, given),
    );
    if (!match) return undefined;
    const element = loadRecordedElements(match.file)[0]!;
    return { excludedRows: [], warnings: [], ...element };
  }

  #fixtureFingerprint(network: string, fork?: RecordedAnswer['fork']): string | undefined {
    const key = `${network}\0${fork ? deactivationKeyOf(fork) : ''}`;
    if (!this.#fixtureFingerprints.has(key)) this.#fixtureFingerprints.set(key, fingerprintFixture(network, fork));
    return this.#fixtureFingerprints.get(key);
  }

  /** A recorded answer for this snapshot and these parameters, or an empty table of the right shape. */
  #answerElement(question: string, snapshot: Snapshot, given: Record<string, unknown>): Record<string, unknown> | undefined {
    const recorded = this.#recorded(question, snapshot, given);
    if (recorded) return recorded;
    const candidates = RECORDED_ANSWERS.filter((r) => r.question.toLowerCase() === question.toLowerCase() && r.reference === undefined);
    let columns: unknown[] | undefined;
    const shape = candidates[0];
    if (shape) {
      const metadata = loadRecordedElements(shape.file)[0]!.metadata as { columnMetadata: unknown[] };
      columns = metadata.columnMetadata;
    } else if (KNOWN_COLUMNS[shapeKey(question, given)]) {
      columns = KNOWN_COLUMNS[shapeKey(question, given)]!.map(([name, schema, isKey]) => ({
        description: name.replace(/_/g, ' '),
        isKey,
        isValue: !isKey,
        name,
        schema,
      }));
    }
    if (!columns) return undefined;
    const summary = { notes: 'Found 0 results', numFailed: 0, numPassed: 0, numResults: 0 };
    return {
      class: 'org.batfish.datamodel.table.TableAnswerElement',
      excludedRows: [],
      metadata: { columnMetadata: columns },
      rows: [],
      summary,
      warnings: [],
    };
  }

  #snapshotOf(work: WorkRecord): Snapshot | undefined {
    return work.target.deleted ? undefined : work.target;
  }

  #setStatus(snapshot: Snapshot, status: string, errMessage: string | null = null): void {
    snapshot.status = status;
    snapshot.errMessage = errMessage;
    snapshot.history.push(`Status changed to ${status} at ${new Date().toISOString()}`);
  }

  #loadTemplates(dir: string): Record<string, string> {
    const templates: Record<string, string> = {};
    for (const folder of ['stable', 'experimental']) {
      for (const file of readdirSync(path.join(dir, folder)).filter((f) => f.endsWith('.json'))) {
        const text = readFileSync(path.join(dir, folder, file), 'utf8');
        const parsed = JSON.parse(text) as Record<string, unknown>;
        const name = String((parsed.instance as Record<string, unknown>).instanceName);
        templates[name.toLowerCase()] = text;
        this.#templateByName.set(name.toLowerCase(), parsed);
        this.#questionClasses.add(String(parsed.class));
      }
    }
    return templates;
  }
}

/** Starts a simulator and returns it with its URL. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<BatfishSimulator> {
  const sim = new BatfishSimulator(options);
  await sim.start();
  return sim;
}

/** What a fork deactivates, order-free, as a text key. */
function deactivationKeyOf(fork: NonNullable<RecordedAnswer['fork']>): string {
  return JSON.stringify(sortKeys({
    nodes: [...(fork.deactivateNodes ?? [])].sort(),
    interfaces: (fork.deactivateInterfaces ?? []).map((i) => `${i.hostname}[${i.interface}]`).sort(),
    links: (fork.deactivateLinks ?? []).map((l) => JSON.stringify(sortKeys(l))).sort(),
  }));
}

/** parseWarning has two shapes: warnings grouped (the default) or one row per line. */
function shapeKey(question: string, given: Record<string, unknown>): string {
  const key = question.toLowerCase();
  return key === 'parsewarning' && given.aggregateDuplicates === false ? 'parsewarning/separate' : key;
}

function workStatusJson(work: WorkRecord): unknown {
  return { task: work.task, workitem: work.item, workstatuscode: work.code };
}

function isTerminal(code: string): boolean {
  return ['TERMINATEDNORMALLY', 'TERMINATEDABNORMALLY', 'TERMINATEDBYUSER', 'ASSIGNMENTERROR', 'REQUEUEFAILURE'].includes(code);
}

function sameParameters(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A zip starts with a local file header, or with the end record when it is empty. */
function isZip(body: Buffer): boolean {
  return body.length >= 4 && body[0] === 0x50 && body[1] === 0x4b && (body[2] === 0x03 || body[2] === 0x05);
}

/** The file paths in a zip, for the request log; undefined when it cannot be read (the upload then fails on its own). */
function zipFileNames(body: Buffer): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    yauzl.fromBuffer(body, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) {
        resolve(undefined);
        return;
      }
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith('/')) names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', () => resolve(undefined));
      zip.readEntry();
    });
  });
}

/**
 * Unzips an upload and applies the server's two layout rules (PROTOCOL.md 2.4). A fork's overlay
 * (`requireData: false`) needs only the first: the data folders are the base's.
 */
async function unpackSnapshot(body: Buffer, options: { requireData?: boolean } = {}): Promise<SnapshotFiles> {
  const uploadError = (why: string): HttpReply =>
    new HttpReply(
      400,
      `Error uploading snapshot: org.batfish.common.BatfishException: Error initializing snapshot: ${why}\n\tat org.batfish.coordinator.WorkMgr.initSnapshot(WorkMgr.java:1)\n`,
      'application/json',
    );
  if (body.length === 0) throw uploadError('java.util.zip.ZipException: zip file is empty');
  const entries = await new Promise<Array<{ name: string; content: Buffer }>>((resolve, reject) => {
    yauzl.fromBuffer(body, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) {
        reject(uploadError(`java.util.zip.ZipException: ${error?.message ?? 'not a zip file'}`));
        return;
      }
      const out: Array<{ name: string; content: Buffer }> = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.split('/').includes('..')) {
          reject(uploadError(`Illegal path in zip: ${entry.fileName}`));
          return;
        }
        if (entry.fileName.endsWith('/')) {
          out.push({ name: entry.fileName, content: Buffer.alloc(0) });
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) {
            reject(uploadError(String(err)));
            return;
          }
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.push({ name: entry.fileName, content: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', (e: Error) => reject(uploadError(`java.util.zip.ZipException: ${e.message}`)));
      zip.readEntry();
    });
  });
  const top = new Set(entries.map((e) => e.name.split('/')[0]!).filter((name) => !IGNORED_TOP.has(name)));
  const [folder] = [...top];
  const isDir = folder !== undefined && entries.some((e) => e.name.startsWith(`${folder}/`));
  if (top.size !== 1 || !isDir) {
    throw uploadError(
      'Unexpected packaging of snapshot. There should be just one top-level folder.  See https://batfish.readthedocs.io/en/latest/notebooks/interacting.html#Packaging-snapshot-data',
    );
  }
  const files = entries
    .filter((e) => e.name.startsWith(`${folder}/`) && !e.name.endsWith('/'))
    .map((e) => ({ relPath: e.name.slice(folder!.length + 1), content: e.content }));
  const hasData = entries.some((e) => DATA_DIRS.some((d) => e.name.startsWith(`${folder}/${d}/`)));
  if (!hasData && options.requireData !== false) {
    const dirs = ['hosts', 'configs', 'aws_configs', 'sonic_configs', 'azure_configs'].map((d) => `${folder}/${d}`);
    throw uploadError(
      `Unexpected packaging of snapshot. At least one of these directories must exist: [${dirs.join(', ')}].  See https://batfish.readthedocs.io/en/latest/notebooks/interacting.html#Packaging-snapshot-data`,
    );
  }
  return files;
}
