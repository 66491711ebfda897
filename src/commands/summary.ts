import { Command } from 'clipanion';
import type { SiteOutcome } from '../app/all-sites.js';
import { askSite, sourceName, type QuestionAsk, type QuestionResult } from '../app/site-run.js';
import { ExitCode } from '../errors.js';
import { allSitesExitCode, siteErrorsText, type AnswerOutputOptions, type CommandText } from '../output.js';
import { SUMMARY_QUESTIONS, summarize, summaryRows } from '../questions/summary.js';
import { renderJson, renderText } from '../render/index.js';
import { NETQ_VERSION } from '../version.js';
import { NetqCommand } from './base.js';
import { SiteCommand } from './site-command.js';

abstract class SummaryFlags extends NetqCommand {}

export class SummaryCommand extends SiteCommand(SummaryFlags) {
  static override paths = [['summary']];
  static override usage = Command.Usage({
    category: 'Sites',
    description: "one screen of a site's health",
    details: `
      Parse health of the config files, node count, BGP sessions by status (ok; external: the
      peer is outside the snapshot, UNKNOWN_REMOTE or LOCAL_IP_UNKNOWN_STATICALLY; broken: any
      other mismatch), undefined references and duplicate IP addresses. Asks five questions that
      need no data plane (fileParseStatus, nodeProperties, bgpSessionCompatibility,
      undefinedReferences, ipOwners) about one snapshot, all at once.

      Exit codes: 0 ok, 2 bad command line or site, 3 Batfish, 4 Docker, 70 bug.
    `,
    examples: [
      ['Health of nyc', '$0 summary -r north_america -s nyc'],
      ['For machines', '$0 summary -r north_america -s nyc --format json'],
    ],
  });

  questions(): QuestionAsk[] {
    return SUMMARY_QUESTIONS;
  }

  override async run(): Promise<number> {
    if (this.all) return this.emit(formatEverySummary(await this.askEverySite(SUMMARY_QUESTIONS), this.outputOptions()));
    const request = this.siteRequest(SUMMARY_QUESTIONS);
    const results = await this.withProgress((onEvent, deps) => askSite(this.context.batfish, request, deps));
    return this.emit(formatSummary(results, this.outputOptions()));
  }
}

/** One site's summary: a two-column table, or one JSON document. */
export function formatSummary(results: QuestionResult[], options: AnswerOutputOptions): CommandText {
  const first = results[0]!;
  const summary = summarize(results.map((r) => r.answer));
  const stdout =
    options.format === 'json'
      ? renderJson({
          netqVersion: NETQ_VERSION,
          batfishVersion: first.batfishVersion.batfish,
          region: first.location.region ?? null,
          site: first.location.site,
          network: first.network,
          snapshot: first.snapshot,
          ...summary,
          warnings: first.warnings,
        })
      : renderText({ columns: [{ name: 'Check', schema: 'String' }, { name: 'Result', schema: 'String' }], rows: summaryRows(summary) }, options.format, options.terminal);
  const where = `${first.location.region ? `${first.location.region}/` : ''}${first.location.site}`;
  return { stdout, stderr: `netq: summary of ${where} from ${first.network}/${first.snapshot}\n`, exitCode: ExitCode.ok };
}

/** --all: one summary line per site. */
export function formatEverySummary(outcomes: SiteOutcome[], options: AnswerOutputOptions): CommandText {
  const sites = outcomes.map((o) => {
    const site = sourceName(o.source);
    if (o.error) return { site, error: { message: o.error.message, exitCode: o.error.exitCode } };
    return { site, snapshot: o.results![0]!.snapshot, ...summarize(o.results!.map((r) => r.answer)) };
  });
  let stdout: string;
  if (options.format === 'json') {
    stdout = renderJson(sites);
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
    const integer = new Set(['Nodes', 'Undefined_Refs']);
    const columns = ['Site', 'Files', 'Nodes', 'BGP', 'Undefined_Refs', 'Duplicate_IPs', 'Error'].map((name) => ({ name, schema: integer.has(name) ? 'Integer' : 'String' }));
    stdout = renderText({ columns, rows }, options.format, options.terminal);
  }
  return { stdout, stderr: siteErrorsText(outcomes, options.verbose), exitCode: allSitesExitCode(outcomes) };
}
