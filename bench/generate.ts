/**
 * Seeded generators for the speed bench: device configs that look and compress like real ones, sites
 * of them, and a large `routes` answer. The same seed always gives the same bytes, so a figure
 * measured today and one measured after a change are measured on the same input.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A small, fast PRNG (mulberry32): deterministic for a seed, good enough to vary test data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['core', 'edge', 'uplink', 'backup', 'transit', 'customer', 'peering', 'mgmt', 'storage', 'voice', 'guest', 'lab', 'dmz', 'wan'];

/**
 * One IOS-like device config of about `bytes` bytes: interfaces, ACLs, prefix lists and BGP
 * neighbours with varied names and addresses (configs compress about 5:1, and so do these).
 */
export function deviceConfig(hostname: string, bytes: number, random: () => number): string {
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const ip = (): string => `10.${int(256)}.${int(256)}.${int(256)}`;
  const parts: string[] = [`!\nhostname ${hostname}\n!\nservice timestamps log datetime msec\nntp server ${ip()}\nlogging host ${ip()}\n!\n`];
  let size = parts[0]!.length;
  let block = 0;
  while (size < bytes) {
    let text: string;
    switch (block++ % 4) {
      case 0:
        text =
          `interface GigabitEthernet${int(8)}/${int(48)}\n description ${pick(WORDS)}-${pick(WORDS)} ${int(10000)}\n` +
          ` ip address ${ip()} 255.255.255.${pick(['252', '248', '240', '0'])}\n mtu ${pick([1500, 9000, 9216])}\n` +
          ' no ip redirects\n no ip unreachables\n no ip proxy-arp\n ip ospf network point-to-point\n' +
          ` ip ospf cost ${pick([10, 100, 1000])}\n load-interval 30\n carrier-delay msec 0\n` +
          `${random() < 0.3 ? ' shutdown\n' : ' no shutdown\n'}!\n`;
        break;
      case 1:
        text = `ip access-list extended ACL-${pick(WORDS).toUpperCase()}-${int(500)}\n`;
        for (let i = 0, n = 2 + int(6); i < n; i++) {
          text += ` ${10 * (i + 1)} ${pick(['permit', 'deny'])} ${pick(['tcp', 'udp', 'ip'])} ${ip()} 0.0.0.${pick([0, 3, 7, 255])} host ${ip()} eq ${int(65536)}\n`;
        }
        text += '!\n';
        break;
      case 2:
        text = '';
        for (let i = 0, n = 2 + int(4); i < n; i++) {
          text += `ip prefix-list PL-${pick(WORDS).toUpperCase()} seq ${5 * (i + 1)} permit ${ip()}/${16 + int(17)} le 32\n`;
        }
        break;
      default:
        text =
          `router bgp ${64512 + int(1000)}\n neighbor ${ip()} remote-as ${64512 + int(1000)}\n` +
          ` neighbor ${ip()} description ${pick(WORDS)} peer ${int(100)}\n` +
          ` neighbor ${ip()} route-map RM-${pick(WORDS).toUpperCase()} in\n!\n`;
    }
    parts.push(text);
    size += text.length;
  }
  return parts.join('').slice(0, bytes);
}

export interface LargeSiteSpec {
  files: number;
  totalBytes: number;
  seed: number;
}

/**
 * A snapshot folder with `files` device configs under configs/ totalling `totalBytes` (sizes
 * vary 0.2x to 3x the mean). Kept between bench runs (it takes seconds to write): reused when a
 * marker beside it says it was written completely with the same spec.
 */
export async function ensureLargeSite(parent: string, spec: LargeSiteSpec): Promise<string> {
  const name = `large-${spec.files}f-${spec.totalBytes}b-s${spec.seed}`;
  const dir = path.join(parent, name);
  const marker = path.join(parent, `${name}.complete`);
  if (existsSync(marker) && existsSync(dir)) return dir;
  await rm(dir, { recursive: true, force: true });
  const random = seededRandom(spec.seed);
  const weights = Array.from({ length: spec.files }, () => 0.2 + 2.8 * random() ** 2);
  const scale = spec.totalBytes / weights.reduce((a, b) => a + b, 0);
  // A few subfolders, as large sites group devices by role.
  for (let i = 0; i < spec.files; i++) {
    const folder = path.join(dir, 'configs', WORDS[i % 7]!);
    if (i < 7) await mkdir(folder, { recursive: true });
    const host = `${WORDS[i % 7]}-${String(i).padStart(5, '0')}`;
    await writeFile(path.join(folder, `${host}.cfg`), deviceConfig(host, Math.round(weights[i]! * scale), random));
  }
  await writeFile(marker, `${JSON.stringify(spec)}\n`);
  return dir;
}

/** `count` small sites (`site00` ...) of a few configs each under `<regionsDir>/<region>/`. */
export async function writeSmallSites(regionsDir: string, region: string, count: number, seed: number): Promise<string[]> {
  const random = seededRandom(seed);
  const sites: string[] = [];
  for (let s = 0; s < count; s++) {
    const site = `site${String(s).padStart(2, '0')}`;
    const configs = path.join(regionsDir, region, site, 'configs');
    await mkdir(configs, { recursive: true });
    for (let d = 0, n = 3 + Math.floor(random() * 6); d < n; d++) {
      const host = `${site}-r${d}`;
      await writeFile(path.join(configs, `${host}.cfg`), deviceConfig(host, 2000 + Math.floor(random() * 20000), random));
    }
    sites.push(site);
  }
  return sites;
}

/** The columns of Batfish's `routes` answer (as in test/fixtures/answers/routes__dc-as-reuse__all.json). */
const ROUTES_COLUMNS = [
  { description: 'Node', isKey: true, isValue: false, name: 'Node', schema: 'Node' },
  { description: 'VRF name', isKey: true, isValue: false, name: 'VRF', schema: 'String' },
  { description: 'Network for this route', isKey: true, isValue: true, name: 'Network', schema: 'Prefix' },
  { description: "Route's Next Hop", isKey: false, isValue: true, name: 'Next_Hop', schema: 'NextHop' },
  { description: "Route's Protocol", isKey: false, isValue: true, name: 'Protocol', schema: 'String' },
  { description: "Route's Metric", isKey: false, isValue: true, name: 'Metric', schema: 'Long' },
  { description: "Route's Admin distance", isKey: false, isValue: true, name: 'Admin_Distance', schema: 'Long' },
  { description: 'Tag for this route', isKey: false, isValue: true, name: 'Tag', schema: 'Long' },
];

/**
 * A `routes` table answer element with `rows` rows, shaped like the recorded one: nodes, VRFs,
 * prefixes, next hops of every kind, protocols with their admin distances.
 */
export function routesAnswerElement(rows: number, seed: number): Record<string, unknown> {
  const random = seededRandom(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const protocols: Array<[string, number]> = [['bgp', 20], ['ibgp', 200], ['ospf', 110], ['static', 1], ['connected', 0], ['local', 0], ['aggregate', 200]];
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < rows; i++) {
    const node = `plane_${int(4)}_${['spine', 'leaf', 'border'][int(3)]}_${int(64)}`;
    const [protocol, distance] = protocols[int(protocols.length)]!;
    const hop = int(3);
    out.push({
      Node: { id: `node-${node}`, name: node },
      VRF: int(10) < 8 ? 'default' : `vrf${int(20)}`,
      Network: `${int(224)}.${int(256)}.${int(256)}.0/${16 + int(17)}`,
      Next_Hop:
        hop === 0
          ? { type: 'interface', interface: `Ethernet${int(64)}` }
          : hop === 1
            ? { type: 'ip', ip: `10.${int(256)}.${int(256)}.${int(256)}` }
            : { type: 'discard' },
      Protocol: protocol,
      Metric: int(1000),
      Admin_Distance: distance,
      Tag: random() < 0.9 ? null : int(65536),
    });
  }
  return {
    class: 'org.batfish.datamodel.table.TableAnswerElement',
    excludedRows: [],
    metadata: { columnMetadata: ROUTES_COLUMNS, textDesc: 'Display RIB routes' },
    rows: out,
    summary: { notes: `Found ${rows} results`, numFailed: 0, numPassed: 0, numResults: rows },
    warnings: [],
  };
}

/** The body of `GET .../answer` for an element: what the Batfish server sends. */
export function answerBody(element: Record<string, unknown>): string {
  return JSON.stringify({ answerElements: [element], status: 'SUCCESS', summary: element.summary });
}
