import { Command } from 'clipanion';
import { ExitCode } from '../errors.js';
import { SUMMARY_QUESTIONS, summarize, summaryRows } from '../questions/summary.js';
import { renderJson, renderText } from '../render/index.js';
import { runSiteQuestions } from '../service.js';
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
    const progress = this.progress();
    let results;
    try {
      results = await runSiteQuestions(this.context, progress, {
        source: this.snapshotSource(),
        ...(this.network !== undefined ? { network: this.network } : {}),
        batfish: this.batfishTarget(),
        questions: SUMMARY_QUESTIONS,
        timeoutMs: this.timeoutMs,
        fresh: this.fresh,
        keepSnapshots: this.keepSnapshots ?? 5,
        verbose: this.verbose,
      });
    } finally {
      progress.stop();
    }
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
}
