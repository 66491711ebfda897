/**
 * The formats of `netq impact`: a table per kind of change for a terminal, the JSON document
 * (schemas/netq-impact.schema.json), markdown for a merge-request comment with a picture of the
 * sessions, links and flows that changed (mermaid; DOT and mermaid alone too), and SARIF and
 * GitHub annotations, which place every change on its config line through the check reports'
 * own renderers (each kind of change a rule, every change a note-level result). Pure.
 */
import { fingerprint, buildReport } from '../engine.js';
import type { CheckReport, CheckResult, Finding, FindingLocation } from '../model.js';
import { md } from '../report/markdown.js';
import { renderCheckGithub } from '../report/github.js';
import { renderCheckSarif } from '../report/sarif.js';
import { renderJson, renderText, type TerminalInfo } from '../../render/index.js';
import { toDot, toMermaid, type SessionEdge } from '../../render/graph.js';
import { printable } from '../../text.js';
import { IMPACT_PARTS, IMPACT_QUESTIONS, impactIsEmpty, type ImpactPart, type ImpactReport, type SiteImpact } from './report.js';

export const IMPACT_FORMATS = ['table', 'json', 'markdown', 'sarif', 'github', 'mermaid', 'dot'] as const;
export type ImpactFormat = (typeof IMPACT_FORMATS)[number];

export function impactFormatOf(value: string): ImpactFormat | undefined {
  const name = value.trim().toLowerCase();
  return (IMPACT_FORMATS as readonly string[]).includes(name) ? (name as ImpactFormat) : undefined;
}

const PART_TITLES: Record<ImpactPart, string> = {
  flows: 'Flows whose outcome changed',
  routes: 'Routes gained, lost or changed',
  sessions: 'BGP sessions whose status changed',
  edges: 'Layer-3 links added or removed',
  ips: 'Interface addresses added, removed or changed',
  filters: 'Filter lines that now treat some packet differently',
};

/** The one line an empty impact is. */
export function emptyImpactLine(report: ImpactReport): string {
  const base = report.base ? ` and ${report.base.value}` : '';
  return `No change: the head${base} behave the same (flows, routes, BGP sessions, links, addresses, filters) on ${report.sites.length} site(s).`;
}

const where = (l: FindingLocation | null): string => (l ? `${l.file}${l.line !== null ? `:${l.line}` : ''}` : '');

/** Each change of a site as one row per part: the cells a table or a markdown table shows. */
function partRows(site: SiteImpact, part: ImpactPart): Array<Record<string, string>> {
  switch (part) {
    case 'flows':
      return site.flows.map((f) => ({ Start: f.start, Change: f.change, Before: f.before, After: f.after, Flows: String(f.flows), Example: f.example.text, Where: where(f.location) }));
    case 'routes':
      return site.routes.map((r) => ({
        Node: r.node,
        VRF: r.vrf,
        Network: r.network,
        Change: r.change,
        Before: r.before ? `${r.before.protocol} via ${r.before.nextHop}` : '',
        After: r.after ? `${r.after.protocol} via ${r.after.nextHop}` : '',
      }));
    case 'filters':
      return site.filters.map((f) => ({
        Node: f.node,
        Filter: f.filter,
        Line: `${f.line.index}: ${f.line.content || '(end of filter)'} (${f.line.action})`,
        'Base line': `${f.reference.index}: ${f.reference.content || '(end of filter)'}`,
        Where: where(f.line.location),
        'Base where': where(f.reference.location),
      }));
    default:
      return site[part].map((c) => ({
        Key: Object.values(c.key).join(' '),
        Change: c.change,
        What: c.values.map((v) => `${v.column}: ${v.before || '-'} → ${v.after || '-'}`).join('; '),
        Where: where(c.location),
      }));
  }
}

function siteHeading(site: SiteImpact, report: ImpactReport): string {
  return `${site.site}: ${site.snapshot ?? '?'} against ${report.base ? `${report.base.value} (${site.baseSnapshot ?? '?'})` : site.baseSnapshot ?? '?'}`;
}

/** A table per kind of change, per site; the failures and notes under them. */
export function renderImpactTable(report: ImpactReport, terminal: TerminalInfo): string {
  if (impactIsEmpty(report)) return `${emptyImpactLine(report)}\n`;
  const out: string[] = [];
  for (const site of report.sites) {
    // One line, never starting with `::` (a CI log would read a workflow command there).
    out.push(`== ${printable(siteHeading(site, report)).replace(/[\r\n]+/g, ' ')} ==`);
    if (site.error) out.push(`  could not compare: ${printable(site.error.message)}`);
    for (const part of IMPACT_PARTS) {
      const rows = partRows(site, part);
      if (!rows.length) continue;
      out.push(`${PART_TITLES[part]} (${rows.length})`);
      const columns = Object.keys(rows[0]!).map((name) => ({ name, schema: 'String' }));
      out.push(renderText({ columns, rows: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, printable(v) || '-']))) }, 'table', terminal).trimEnd());
    }
    for (const f of site.failed) out.push(`${PART_TITLES[f.part]}: unknown, ${f.question} failed: ${printable(f.message)}`);
    for (const n of site.notes) out.push(`note: ${printable(n)}`);
    if (!site.error && !site.newSite && !site.failed.length && IMPACT_PARTS.every((p) => site[p].length === 0)) out.push('No change on this site.');
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** The JSON document (schemas/netq-impact.schema.json). */
export function renderImpactJson(report: ImpactReport): string {
  return renderJson({ ...report, empty: impactIsEmpty(report) });
}

/**
 * What changed as a graph: sessions whose status changed (red when now down, green when now
 * up), links added (green) or removed (red), and from each start location whose flows are now
 * lost, an edge to the node where they stop.
 */
export function impactGraph(site: SiteImpact): SessionEdge[] {
  const edges: SessionEdge[] = [];
  for (const s of site.sessions) {
    const after = s.values.find((v) => /status/i.test(v.column))?.after ?? '';
    // Remote_Node is a value column: the node the session reached before (or reaches now), else its IP.
    const remoteNode = s.values.find((v) => v.column === 'Remote_Node');
    const remote = s.key.Remote_Node || remoteNode?.before || remoteNode?.after || s.key.Remote_IP || '?';
    const up = s.change !== 'removed' && /^(ESTABLISHED|UNIQUE_MATCH|DYNAMIC_MATCH)$/.test(after);
    edges.push({ node: bare(s.key.Node ?? '?'), remote: bare(remote), status: s.change === 'removed' ? 'session gone' : after || s.change, state: up ? 'ok' : 'broken', failing: true });
  }
  for (const e of site.edges) {
    const [a, b] = [bare(e.key.Interface ?? '?'), bare(e.key.Remote_Interface ?? '?')];
    // Each link is two directed edges: draw it once.
    if (a > b && site.edges.some((o) => bare(o.key.Interface ?? '') === b && bare(o.key.Remote_Interface ?? '') === a && o.change === e.change)) continue;
    edges.push({ node: a, remote: b, status: e.change === 'removed' ? 'link removed' : e.change === 'added' ? 'link added' : 'link changed', state: e.change === 'added' ? 'ok' : 'broken', failing: true });
  }
  for (const f of site.flows) {
    const stop = f.location?.file.split('/').pop()?.replace(/\.[^.]*$/, '');
    const start = bare(f.start);
    if (stop && stop !== start) edges.push({ node: start, remote: stop, status: `${f.change}: ${f.after}`, state: f.change === 'gained' ? 'ok' : 'broken', failing: true });
  }
  return edges;
}

const bare = (value: string): string => value.replace(/\[.*$/, '');

/** Markdown for a merge-request comment: a summary, a picture per site, a table per kind of change. */
export function renderImpactMarkdown(report: ImpactReport, options: { maxEdges?: number; maxChars?: number } = {}): string {
  const out: string[] = ['## netq impact', ''];
  if (impactIsEmpty(report)) return `${out.join('\n')}${md(emptyImpactLine(report))}\n`;
  const s = report.summary;
  out.push(md(`${s.changes} change(s) on ${s.sites} site(s): ${IMPACT_PARTS.map((p) => `${s[p]} ${p}`).join(', ')}${s.failed ? `; ${s.failed} question(s) failed, their part is unknown` : ''}.`), '');
  for (const site of report.sites) {
    out.push(`### ${md(siteHeading(site, report))}`, '');
    if (site.error) out.push(`**Could not compare:** ${md(site.error.message)}`, '');
    const graph = impactGraph(site);
    if (graph.length && graph.length <= (options.maxEdges ?? 60)) {
      out.push('What changed (red: lost or down, green: gained or up):', '', '```mermaid', toMermaid(graph, { labels: 'all' }).trimEnd(), '```', '');
    }
    for (const part of IMPACT_PARTS) {
      const rows = partRows(site, part);
      if (!rows.length) continue;
      const names = Object.keys(rows[0]!);
      out.push(`**${PART_TITLES[part]}** (${rows.length})`, '', `| ${names.map(md).join(' | ')} |`, `|${names.map(() => ' --- |').join('')}`);
      for (const r of rows.slice(0, MARKDOWN_ROWS)) out.push(`| ${names.map((n) => md(r[n] ?? '')).join(' | ')} |`);
      if (rows.length > MARKDOWN_ROWS) out.push('', `_and ${rows.length - MARKDOWN_ROWS} more: the json format has every change_`);
      out.push('');
    }
    for (const f of site.failed) out.push(`- ${md(`${PART_TITLES[f.part]}: unknown, ${f.question} failed: ${f.message}`)}`);
    for (const n of site.notes) out.push(`- _${md(n)}_`);
    if (site.failed.length || site.notes.length) out.push('');
  }
  // Every piece of text from configs or Batfish went through md(); the mermaid block escapes its own.
  return fitComment(`${out.join('\n').trimEnd()}\n`, options.maxChars ?? MARKDOWN_MAX_CHARS);
}

/** Rows of one kind of change a comment shows; GitHub refuses a comment over 65 536 characters. */
const MARKDOWN_ROWS = 40;
const MARKDOWN_MAX_CHARS = 60_000;

/** The comment cut at a line to `max` characters, a code block it cuts into closed, and a note of the cut. */
function fitComment(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = '\n_The comment was cut here to fit: the json format has every change._\n';
  let cut = text.slice(0, Math.max(0, max - note.length - 8));
  cut = cut.slice(0, cut.lastIndexOf('\n') + 1);
  const fences = (cut.match(/^```/gm) ?? []).length;
  return `${cut}${fences % 2 ? '```\n' : ''}${note}`;
}

const RULES: Record<ImpactPart, string> = {
  flows: 'A flow whose outcome the change alters (differentialReachability)',
  routes: 'A route the change adds, removes or alters (routes against the base)',
  sessions: 'A BGP session whose status the change alters (bgpSessionStatus against the base)',
  edges: 'A layer-3 link the change adds or removes (layer3Edges against the base)',
  ips: 'An interface address the change adds, removes or alters (ipOwners against the base)',
  filters: 'A filter line that now treats some packet differently (compareFilters)',
};

/**
 * The impact as a check report (a check `impact-<part>` per site and part, every change a
 * warning finding, new), so SARIF and GitHub annotations come from the renderers their readers
 * already accept. Nothing fails a gate: the exit code is the impact's own.
 */
export function impactAsCheckReport(report: ImpactReport): CheckReport {
  const checks: CheckResult[] = [];
  const findings: Finding[] = [];
  for (const site of report.sites) {
    for (const part of IMPACT_PARTS) {
      const kind = `impact-${part}`;
      const failed = site.failed.find((f) => f.part === part);
      const messages = changeMessages(site, part);
      checks.push({
        name: kind,
        kind,
        site: site.site,
        status: failed ? 'error' : 'pass',
        severity: 'warning',
        findings: messages.length,
        durationMs: 0,
        error: failed ? { message: failed.message, exitCode: failed.exitCode } : null,
        questions: [IMPACT_QUESTIONS[part]],
      });
      for (const m of messages) {
        findings.push({
          check: kind,
          kind,
          site: site.site,
          severity: 'warning',
          message: m.message,
          row: m.row,
          location: m.location,
          fingerprint: fingerprint(kind, site.site, m.key),
          baseline: report.base ? 'new' : null,
          waiver: null,
        });
      }
    }
  }
  const built = buildReport({
    netqVersion: report.netqVersion,
    batfishVersion: report.batfishVersion,
    failOn: 'never',
    baseline: report.base && report.base.kind !== 'site' ? { kind: report.base.kind, value: report.base.value } : null,
    sites: report.sites.map((s) => ({ site: s.site, region: null, dir: s.dir, network: s.network, snapshot: s.snapshot, error: s.error, sessions: null, firstConfig: firstFile(s) })),
    checks,
    findings,
  });
  return { ...built, exitCode: report.exitCode };
}

function firstFile(site: SiteImpact): string | null {
  for (const part of IMPACT_PARTS) {
    for (const c of site[part] as Array<{ location?: FindingLocation | null; line?: { location: FindingLocation | null } }>) {
      const l = c.location ?? c.line?.location;
      if (l) return l.file;
    }
  }
  return null;
}

function changeMessages(site: SiteImpact, part: ImpactPart): Array<{ message: string; row: Record<string, unknown>; location: FindingLocation | null; key: string[] }> {
  switch (part) {
    case 'flows':
      return site.flows.map((f) => ({
        message: `${f.flows === 1 ? 'a flow' : `${f.flows} flows`} from ${f.start} ${f.change === 'lost' ? 'no longer delivered' : f.change === 'gained' ? 'now delivered' : 'end differently'} (${f.before} → ${f.after}), e.g. ${f.example.text}`,
        row: { start: f.start, before: f.before, after: f.after, flow: f.example.flow },
        location: f.location,
        key: [f.start, f.before, f.after],
      }));
    case 'routes':
      return site.routes.map((r) => ({
        message: `${r.node} ${r.vrf} ${r.network}: route ${r.change}${r.before ? `, was ${r.before.protocol} via ${r.before.nextHop}` : ''}${r.after ? `, now ${r.after.protocol} via ${r.after.nextHop}` : ''}`,
        row: { node: r.node, vrf: r.vrf, network: r.network, presence: r.presence },
        location: r.location,
        key: [r.node, r.vrf, r.network, r.before?.nextHop ?? '', r.after?.nextHop ?? ''],
      }));
    case 'filters':
      return site.filters.map((f) => ({
        message: `${f.node} ${f.filter}: line ${f.line.index} '${f.line.content || 'end of filter'}' (${f.line.action}) now treats packets that base line ${f.reference.index} '${f.reference.content || 'end of filter'}' treated otherwise`,
        row: { node: f.node, filter: f.filter, line: f.line.index, content: f.line.content, baseLine: f.reference.index, baseContent: f.reference.content },
        location: f.line.location,
        key: [f.node, f.filter, f.line.content, f.reference.content],
      }));
    default:
      return site[part].map((c) => ({
        message: `${IMPACT_QUESTIONS[part]}: ${Object.values(c.key).join(' ')} ${c.change}${c.values.length ? `: ${c.values.map((v) => `${v.column} ${v.before || '-'} → ${v.after || '-'}`).join(', ')}` : ''}`,
        row: { ...c.key, presence: c.presence },
        location: c.location,
        key: [...Object.values(c.key), c.change],
      }));
  }
}

export interface RenderedImpact {
  text: string;
  /** For github: markdown for GITHUB_STEP_SUMMARY. */
  stepSummary: string | null;
}

/** Renders the report in one format. */
export function renderImpact(report: ImpactReport, format: ImpactFormat, options: { terminal?: TerminalInfo; sarifCategory?: string } = {}): RenderedImpact {
  const plain = (text: string): RenderedImpact => ({ text, stepSummary: null });
  const kindDescriptions = Object.fromEntries(IMPACT_PARTS.map((p) => [`impact-${p}`, RULES[p]]));
  switch (format) {
    case 'table':
      return plain(renderImpactTable(report, options.terminal ?? { color: false }));
    case 'json':
      return plain(renderImpactJson(report));
    case 'markdown':
      return plain(renderImpactMarkdown(report));
    case 'mermaid':
      return plain(report.sites.map((s) => toMermaid(impactGraph(s), { labels: 'all', title: s.site })).join('\n'));
    case 'dot':
      return plain(report.sites.map((s) => toDot(impactGraph(s), { labels: 'all', title: s.site })).join('\n'));
    case 'sarif':
      return plain(renderCheckSarif(impactAsCheckReport(report), { category: options.sarifCategory ?? 'netq-impact', kindDescriptions }));
    case 'github': {
      const out = renderCheckGithub(impactAsCheckReport(report));
      return { text: out.stdout, stepSummary: renderImpactMarkdown(report) };
    }
  }
}
