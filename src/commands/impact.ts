import { Command, Option } from 'clipanion';
import { siteSources } from '../app/all-sites.js';
import { checkRef } from '../app/check-gate.js';
import { ReportPaths } from '../app/check-run.js';
import { runImpact, type ImpactBase, type ImpactRequest } from '../app/impact-run.js';
import { appendReportFile } from '../app/report-files.js';
import { IMPACT_FORMATS, impactFormatOf, renderImpact, type ImpactFormat } from '../check/impact/format.js';
import { impactIsEmpty } from '../check/impact/report.js';
import { ExitCode, InputError } from '../errors.js';
import { printable } from '../text.js';
import { NetqCommand, Verbose } from './base.js';
import { BatfishFlags, SiteFlags, batfishTargetOf, checkAllSitesFlags, referenceSourceOf, snapshotSettingsOf, snapshotSourceOf } from './flags.js';

abstract class ImpactFlags extends NetqCommand {
  baseRef = Option.String('--base-ref', { description: "Compare with the site's files at this git ref (e.g. origin/main)" });
  baseDir = Option.String('--base-dir', { description: 'Compare with this copy of the snapshot (with --all: a regions folder of the same layout)' });
  format = Option.String('--format,-f', { description: `Output format (any case): ${IMPACT_FORMATS.join(', ')} (default table)` });
  srcIps = Option.String('--src-ips', { description: 'Only flows from these addresses (Batfish IP specifier, e.g. 10.0.0.0/8)' });
  dstIps = Option.String('--dst-ips', { description: 'Only flows to these addresses (Batfish IP specifier; a node name like server2 is resolved once, on the base, and its addresses asked on both sides)' });
  ipProtocols = Option.String('--ip-protocols', { description: 'Only flows of these protocols (e.g. tcp,udp)' });
  dstPorts = Option.String('--dst-ports', { description: 'Only flows to these ports (e.g. 22,80-443)' });
  start = Option.String('--start', { description: 'Only flows that start here (Batfish location specifier, e.g. as2dept1 or @enter(r1[Gi0/0]))' });
  end = Option.String('--end', { description: 'Only flows that end here (Batfish location specifier)' });
  failOnChange = Option.Boolean('--fail-on-change', false, { description: 'Exit 1 when the change alters anything (default: 0; impact informs, netq check gates)' });
}

export class ImpactCommand extends Verbose(BatfishFlags(SiteFlags(ImpactFlags))) {
  static override paths = [['impact']];
  static override usage = Command.Usage({
    category: 'CI gate',
    description: 'what a change does to the network: flows, routes, sessions, links, addresses and filters that differ from the base',
    details: `
      Uploads the site and its base (\`--base-ref REF\`: the site's files at a git ref;
      \`--base-dir DIR\`: another copy; \`--reference REGION/SITE\` or \`--reference-dir DIR\`:
      another snapshot) and asks Batfish, with the base as the reference snapshot, every
      differential question at once: differentialReachability (flows whose outcome changes,
      grouped by start location and outcome, one example flow with both traces each), the routes
      differential, bgpSessionStatus, layer3Edges, ipOwners and compareFilters (with the filter
      lines responsible on both sides, from definedStructures).

      \`--src-ips\`, \`--dst-ips\`, \`--ip-protocols\`, \`--dst-ports\`, \`--start\` and \`--end\`
      narrow the flows analysed (Batfish's default: every flow from every source). A node name in
      --src-ips or --dst-ips is resolved once, on the base, and its addresses asked on both sides.

      Formats: table, json (schemas/netq-impact.schema.json), markdown (a merge-request comment
      with a mermaid picture of what changed), mermaid or dot (the picture alone), sarif and
      github (each change on its config line). An empty impact is one line.

      Exit codes: 0 the impact was computed (1 with --fail-on-change and a change), 2 command
      line, 3 Batfish (a question that failed: its part is unknown), 4 Docker.
    `,
    examples: [
      ['What the last commit does to nyc', '$0 impact -r north_america -s nyc --base-ref HEAD~1'],
      ['A merge-request comment for every site', '$0 impact --all --base-ref origin/main --format markdown'],
      ['Only flows to one server', '$0 impact -r north_america -s nyc --base-ref HEAD~1 --dst-ips 10.1.1.10'],
    ],
  });

  async run(): Promise<number> {
    const format = impactFormatOf(this.format ?? 'table');
    if (!format) throw new InputError(`--format ${printable(this.format ?? '')}: unknown format`, { hint: `use one of: ${IMPACT_FORMATS.join(', ')}` });
    const request = await this.request();
    const report = await this.withProgress((onEvent, deps) => runImpact(this.context.batfish, { ...request, paths: new ReportPaths(this.context.cwd, (text) => onEvent({ type: 'warning', text })) }, deps));
    const exitCode = this.exitCode(report);
    await this.print(report, format, exitCode);
    const s = report.summary;
    this.note(`netq: impact: ${s.sites} site(s): ${s.changes} change(s) (${s.flows} flow groups, ${s.routes} routes, ${s.sessions} sessions, ${s.edges} links, ${s.ips} addresses, ${s.filters} filter lines)${s.failed ? `, ${s.failed} failed` : ''}; exit ${this.exitCode(report)}`);
    return this.exitCode(report);
  }

  private exitCode(report: Awaited<ReturnType<typeof runImpact>>): number {
    if (report.exitCode !== 0) return report.exitCode;
    return this.failOnChange && !impactIsEmpty(report) ? ExitCode.findings : 0;
  }

  private async print(report: Awaited<ReturnType<typeof runImpact>>, format: ImpactFormat, exitCode: number): Promise<void> {
    const rendered = renderImpact(report, format, { terminal: this.terminal() });
    const summaryFile = this.context.env.GITHUB_STEP_SUMMARY;
    if (rendered.stepSummary !== null && summaryFile) await appendReportFile(summaryFile, rendered.stepSummary, `GITHUB_STEP_SUMMARY (${printable(summaryFile)})`);
    const text = rendered.text && !rendered.text.endsWith('\n') ? `${rendered.text}\n` : rendered.text;
    await this.emit({ stdout: text, stderr: '', exitCode });
  }

  /** The flags, checked, as the run's request: everything refused before anything is uploaded. */
  private async request(): Promise<Omit<ImpactRequest, 'paths'>> {
    const reference = referenceSourceOf(this);
    const named = [this.baseRef !== undefined && '--base-ref', this.baseDir !== undefined && '--base-dir', reference && (this.reference !== undefined ? '--reference' : '--reference-dir')].filter(Boolean);
    if (named.length === 0) {
      throw new InputError('impact needs a base to compare with', { hint: 'give --base-ref REF (e.g. HEAD~1 or origin/main), --base-dir DIR, or --reference REGION/SITE' });
    }
    if (named.length > 1) throw new InputError(`${named.join(' and ')} both name a base`, { hint: 'give one of them' });
    for (const [flag, value] of [['--base-dir', this.baseDir], ['--reference-dir', this.referenceDir]] as const) {
      if (value !== undefined && !value.trim()) throw new InputError(`${flag} is empty`, { hint: `give the folder to compare with, or --base-ref REF` });
    }
    if (this.all && this.referenceDir !== undefined) throw new InputError('--all cannot be combined with --reference or --reference-dir', { hint: 'compare every site with --base-ref REF or --base-dir REGIONS_DIR' });
    let base: ImpactBase;
    if (this.baseRef !== undefined) {
      checkRef(this.baseRef, '--base-ref');
      base = { kind: 'ref', ref: this.baseRef };
    } else if (this.baseDir !== undefined) base = { kind: 'dir', dir: this.baseDir };
    else if (reference!.kind === 'site') base = { kind: 'site', source: reference! };
    else base = { kind: 'dir', dir: reference!.dir };
    const reach = this.reachParameters();
    let sources;
    if (this.all) {
      if (base.kind === 'site') throw new InputError('--all cannot be combined with --reference or --reference-dir', { hint: 'compare every site with --base-ref REF or --base-dir REGIONS_DIR' });
      checkAllSitesFlags({ ...this, reference: undefined, referenceDir: undefined });
      sources = await siteSources(this.regionsDir, this.region, this.context.cwd);
    } else {
      sources = [snapshotSourceOf(this)];
    }
    return { sources, base, batfish: batfishTargetOf(this), concurrency: this.concurrency, reach, ...snapshotSettingsOf(this) };
  }

  /** differentialReachability's headers and pathConstraints from the scope flags (only those given). */
  private reachParameters(): Record<string, unknown> {
    const headers: Record<string, unknown> = {};
    const given = (flag: string, value: string | undefined): string | undefined => {
      if (value === undefined) return undefined;
      if (!value.trim()) throw new InputError(`${flag} is empty`, { hint: `leave ${flag} out for Batfish's default (every flow)` });
      return value.trim();
    };
    const src = given('--src-ips', this.srcIps);
    const dst = given('--dst-ips', this.dstIps);
    const protocols = given('--ip-protocols', this.ipProtocols);
    const ports = given('--dst-ports', this.dstPorts);
    if (src) headers.srcIps = src;
    if (dst) headers.dstIps = dst;
    if (protocols) {
      headers.ipProtocols = protocols.split(',').map((p) => p.trim()).filter(Boolean);
      if (!(headers.ipProtocols as string[]).length) throw new InputError('--ip-protocols names no protocol', { hint: 'e.g. --ip-protocols tcp,udp, or leave it out for every protocol' });
    }
    if (ports) headers.dstPorts = ports;
    const paths: Record<string, unknown> = {};
    const start = given('--start', this.start);
    const end = given('--end', this.end);
    if (start) paths.startLocation = start;
    if (end) paths.endLocation = end;
    return { ...(Object.keys(headers).length ? { headers } : {}), ...(Object.keys(paths).length ? { pathConstraints: paths } : {}) };
  }
}
