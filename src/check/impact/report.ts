/**
 * The model of `netq impact`: what a site's head changes against its base, read from Batfish's
 * differential answers (changes.ts), with every change placed on the config file (and line, for a
 * filter) it comes from. Plain data and pure functions; the formats are in format.ts.
 */
import { isObject, type TableAnswer } from '../../batfish/answer.js';
import { filterLineLocation, lastNode, nodeFile } from '../kinds/impact.js';
import type { SiteContext } from '../kinds/types.js';
import type { FindingLocation, RunError } from '../model.js';
import { filterChanges, flowChanges, routeChanges, tableChanges, type FlowChange, type RouteChange, type RowChange } from './changes.js';

/** The questions `netq impact` asks of each site, by role (all but `defined` against the base). */
export const IMPACT_QUESTIONS = {
  flows: 'differentialReachability',
  routes: 'routes',
  sessions: 'bgpSessionStatus',
  edges: 'layer3Edges',
  ips: 'ipOwners',
  filters: 'compareFilters',
} as const;
export type ImpactPart = keyof typeof IMPACT_QUESTIONS;
export const IMPACT_PARTS = Object.keys(IMPACT_QUESTIONS) as ImpactPart[];

export interface FlowImpact extends Omit<FlowChange, 'afterTraces'> {
  /** The config of the node where the flow now stops (or starts). */
  location: FindingLocation | null;
}

export interface FilterImpact {
  node: string;
  filter: string;
  /** The head's line that now treats some packet differently, and where it is written. */
  line: { index: string; content: string; action: string; location: FindingLocation | null };
  /** The base's line that treated it otherwise, and where it was written in the base. */
  reference: { index: string; content: string; location: FindingLocation | null };
}

export interface RowImpact extends RowChange {
  location: FindingLocation | null;
}

export interface RouteImpact extends RouteChange {
  location: FindingLocation | null;
}

export interface SiteImpact {
  site: string;
  /** The site folder as report paths give it. */
  dir: string;
  network: string | null;
  snapshot: string | null;
  baseSnapshot: string | null;
  /** Why the site's impact could not be computed at all (no configs, Batfish failed), else null. */
  error: { message: string; exitCode: number } | null;
  flows: FlowImpact[];
  routes: RouteImpact[];
  sessions: RowImpact[];
  edges: RowImpact[];
  ips: RowImpact[];
  filters: FilterImpact[];
  /** A question that failed: its part is unknown (never shown as "no change"). */
  failed: Array<{ part: ImpactPart; question: string; message: string; exitCode: number }>;
  /** What the reader must know to read the rest (e.g. management interfaces left out). */
  notes: string[];
  /** The base has no such site: nothing was compared (a site the change adds). */
  newSite?: boolean;
}

export interface ImpactReport {
  netqVersion: string;
  batfishVersion: string | null;
  /** What the head was compared with. */
  base: { kind: 'dir' | 'ref' | 'site'; value: string } | null;
  sites: SiteImpact[];
  summary: Record<ImpactPart, number> & { sites: number; failed: number; changes: number };
  /** Set when netq impact could not run at all; then `sites` is empty. */
  error: RunError | null;
  exitCode: number;
}

/** The answers of one site's impact questions (undefined: asked and failed, see `failed`). */
export type ImpactAnswers = Partial<Record<ImpactPart, TableAnswer>> & {
  /** definedStructures of the head and of the base, for the filters' lines. */
  defined?: TableAnswer;
  /** interfaceProperties (VRF) of the head: which interfaces Batfish ignores as management ones. */
  interfaces?: TableAnswer;
  baseDefined?: TableAnswer;
};

/**
 * Batfish's own test of a management interface (`Batfish.processManagementInterfaces`, applied
 * while `ignoremanagementinterfaces` is on, its default): by interface name, or by VRF name.
 */
const MANAGEMENT_INTERFACE = /^(mgmt|management|fxp0|em0|me0|vme|wlan-ap|eth\d+-mgmt\d+)/i;
const MANAGEMENT_VRF = /^(mgmt|management)/i;

/** The interfaces Batfish deactivates as management ones, from interfaceProperties (Interface, VRF). */
export function managementInterfaces(interfaces: TableAnswer | undefined): string[] {
  if (!interfaces) return [];
  const found: string[] = [];
  for (const row of interfaces.rows) {
    const iface = isObject(row.Interface) ? row.Interface : undefined;
    const name = iface ? String(iface.interface ?? '') : '';
    const vrf = typeof row.VRF === 'string' ? row.VRF : '';
    if (name && (MANAGEMENT_INTERFACE.test(name) || MANAGEMENT_VRF.test(vrf))) found.push(`${String(iface!.hostname ?? '')}[${name}]`);
  }
  return found.sort();
}

/** One site's impact from its answers (pure). `base` locates the base's filter lines. */
export function siteImpact(
  header: Pick<SiteImpact, 'site' | 'dir' | 'network' | 'snapshot' | 'baseSnapshot'>,
  answers: ImpactAnswers,
  failed: SiteImpact['failed'],
  head: SiteContext,
  base: SiteContext | undefined,
): SiteImpact {
  const notes: string[] = [];
  const flows = answers.flows ? flowChanges(answers.flows).map(({ afterTraces, ...c }) => ({ ...c, location: nodeFile(head, lastNode({ afterTraces }, nodeOf(c.start))) })) : [];
  const routes = answers.routes ? routeChanges(answers.routes).map((r) => ({ ...r, location: nodeFile(head, r.node) })) : [];
  const rows = (part: 'sessions' | 'edges' | 'ips', nodeColumn: string): RowImpact[] => {
    const answer = answers[part];
    if (!answer) return [];
    return tableChanges(answer, IMPACT_QUESTIONS[part]).map((c) => ({ ...c, location: nodeFile(head, nodeOf(c.key[nodeColumn] ?? '')) }));
  };
  const sessions = rows('sessions', 'Node');
  const edges = rows('edges', 'Interface');
  const ips = rows('ips', 'Node');
  const management = managementInterfaces(answers.interfaces);
  if (management.length) {
    const shown = management.length > 5 ? `${management.slice(0, 5).join(', ')} and ${management.length - 5} more` : management.join(', ');
    notes.push(`Batfish leaves ${management.length} management interface(s) out of the analysis (${shown}: by name or VRF, its ignoremanagementinterfaces default): flows from, to or through them are not compared`);
  }
  const filters = answers.filters
    ? filterChanges(answers.filters).map((f) => ({
        node: f.node,
        filter: f.filter,
        line: { ...f.line, location: filterLineLocation(answers.defined, f.filter, f.line.content, head, f.node) },
        reference: { ...f.reference, location: base ? filterLineLocation(answers.baseDefined, f.filter, f.reference.content, base, f.node) : null },
      }))
    : [];
  return { ...header, error: null, flows, routes, sessions, edges, ips, filters, failed, notes };
}

/** `r1[Gi0/0]` → `r1`; a plain node name stays. */
const nodeOf = (value: string): string => value.replace(/\[.*$/, '');

/** The report of a run over sites (pure). */
export function buildImpactReport(input: Pick<ImpactReport, 'netqVersion' | 'batfishVersion' | 'base' | 'sites'>): ImpactReport {
  const count = (part: ImpactPart): number => input.sites.reduce((n, s) => n + s[part].length, 0);
  const parts = Object.fromEntries(IMPACT_PARTS.map((p) => [p, count(p)])) as Record<ImpactPart, number>;
  const failed = input.sites.reduce((n, s) => n + s.failed.length + (s.error ? 1 : 0), 0);
  const changes = Object.values(parts).reduce((a, b) => a + b, 0);
  // Nothing could be compared somewhere: that is Batfish's failure (3), never an empty impact.
  const failure = input.sites.find((s) => s.error)?.error ?? input.sites.flatMap((s) => s.failed)[0];
  return {
    ...input,
    summary: { ...parts, sites: input.sites.length, failed, changes },
    error: null,
    exitCode: failure ? failure.exitCode : 0,
  };
}

/** Whether a report holds no change at all (and nothing failed). */
export function impactIsEmpty(report: ImpactReport): boolean {
  return report.error === null && report.summary.changes === 0 && report.summary.failed === 0 && !report.sites.some((s) => s.newSite);
}
