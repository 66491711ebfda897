import { Command } from 'clipanion';
import { ExitCode } from '../errors.js';
import { SUMMARY_QUESTIONS, summarize, summaryRows } from '../questions/summary.js';
import { renderJson, renderText } from '../render/index.js';
import { NETQ_VERSION } from '../version.js';
import { SiteCommand } from './base.js';

export class SummaryCommand extends SiteCommand {
  static override paths = [['summary']];
  static override usage = Command.Usage({
    category: 'Sites',
    description: "one screen of a site's health",
    details: `
      Parse health of the config files, node count, BGP sessions by status (ok; external: the
      peer is outside the snapshot, UNKNOWN_REMOTE or LOCAL_IP_UNKNOWN_STATICALLY; broken: any
      other mismatch), undefined references and duplicate IP addresses. Asks five questions that
      need no data plane (fileParseStatus, nodeProperties, bgpSessionCompatibility,
      undefinedReferences, ipOwners) about one snapshot.

      Exit codes: 0 ok, 2 bad command line or site, 3 Batfish, 4 Docker, 70 bug.
    `,
    examples: [
      ['Health of nyc', '$0 summary -r north_america -s nyc'],
      ['For machines', '$0 summary -r north_america -s nyc --format json'],
    ],
  });

  async run(): Promise<number> {
    if (this.all) return this.summarizeEverySite();
    const results = await this.runQuestions(SUMMARY_QUESTIONS);
    const first = results[0]!;
    const summary = summarize(results.map((r) => r.answer));
    if (this.outputFormat === 'json') {
      this.context.stdout.write(
        renderJson({
          netqVersion: NETQ_VERSION,
          batfishVersion: first.batfishVersion.batfish,
          region: first.location.region ?? null,
          site: first.location.site,
          network: first.network,
          snapshot: first.snapshot,
          ...summary,
          warnings: first.warnings,
        }),
      );
    } else {
      const table = { columns: [{ name: 'Check', schema: 'String' }, { name: 'Result', schema: 'String' }], rows: summaryRows(summary) };
      this.context.stdout.write(renderText(table, this.outputFormat, this.terminal()));
    }
    this.context.stderr.write(`netq: summary of ${first.location.region ? `${first.location.region}/` : ''}${first.location.site} from ${first.network}/${first.snapshot}\n`);
    return ExitCode.ok;
  }

  /** --all: one summary line per site, then a total. */
  async summarizeEverySite(): Promise<number> {
    const outcomes = await this.runEverySite(SUMMARY_QUESTIONS);
    this.reportSiteErrors(outcomes);
    const sites = outcomes.map((o) => {
      const site = this.sourceName(o.source);
      if (o.error) return { site, error: { message: o.error.message, exitCode: o.error.exitCode } };
      return { site, snapshot: o.results![0]!.snapshot, ...summarize(o.results!.map((r) => r.answer)) };
    });
    if (this.outputFormat === 'json') {
      this.context.stdout.write(renderJson(sites));
    } else {
      const rows = sites.map((s) =>
        'error' in s
          ? { Site: s.site, Files: null, Nodes: null, BGP: null, Undefined_Refs: null, Duplicate_IPs: null, Error: s.error!.message }
          : {
              Site: s.site,
              Files: `${s.files.passed}/${s.files.total} passed`,
              Nodes: s.nodes,
              BGP: `${s.bgpSessions.ok} ok, ${s.bgpSessions.external} external, ${s.bgpSessions.broken} broken`,
              Undefined_Refs: s.undefinedReferences,
              Duplicate_IPs: s.duplicateIps,
              Error: null,
            },
      );
      const columns = ['Site', 'Files', 'Nodes', 'BGP', 'Undefined_Refs', 'Duplicate_IPs', 'Error'].map((name) => ({ name, schema: name === 'Nodes' || name.endsWith('s_IPs') || name === 'Undefined_Refs' ? 'Integer' : 'String' }));
      this.context.stdout.write(renderText({ columns, rows }, this.outputFormat, this.terminal()));
    }
    const failure = outcomes.find((o) => o.error)?.error;
    return failure ? failure.exitCode : ExitCode.ok;
  }
}
