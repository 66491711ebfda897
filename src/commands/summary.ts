import { Command } from 'clipanion';
import type { SiteOutcome } from '../app/all-sites.js';
import { askSite, sourceName, type QuestionAsk, type QuestionResult } from '../app/site-run.js';
import { ExitCode, InputError } from '../errors.js';
import { allSitesDocument, allSitesExitCode, siteErrorsText } from '../output-all-sites.js';
import { siteOrigin, type AnswerOutputOptions, type CommandText, type SiteOrigin } from '../output.js';
import { SUMMARY_QUESTIONS, sumSummaries, summarize, summaryRows, type SiteSummary } from '../questions/summary.js';
import { renderJson, renderText, type OutputFormat } from '../render/index.js';
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
      ['Every site, one line each', '$0 summary --all'],
    ],
  });

  questions(): QuestionAsk[] {
    return SUMMARY_QUESTIONS;
  }

  override async run(): Promise<number> {
    const options = this.outputOptions();
    if (options.format === 'dot' || options.format === 'mermaid') {
      throw new InputError(`--format ${options.format} draws a graph, and a summary is none`, {
        hint: 'formats of summary: table, json, csv, markdown (netq bgp-compat --format dot draws the BGP sessions)',
      });
    }
    if (this.referenceDir !== undefined || this.reference !== undefined) {
      throw new InputError('summary counts one snapshot and cannot compare two', { hint: 'drop --reference/--reference-dir, or compare with a question command' });
    }
    if (this.all) return this.emit(formatEverySummary(await this.askEverySite(SUMMARY_QUESTIONS), options));
    const request = this.siteRequest(SUMMARY_QUESTIONS);
    const results = await this.withProgress((onEvent, deps) => askSite(this.context.batfish, request, deps));
    return this.emit(formatSummary(results, options));
  }
}

/** The JSON document of one site's summary (netq-summary.schema.json). */
export interface SummaryDocument extends SiteOrigin, SiteSummary {
  warnings: string[];
}

/** One site's summary as its JSON document. */
export function summaryDocument(results: QuestionResult[]): SummaryDocument {
  const first = results[0]!;
  return {
    ...siteOrigin(first),
    ...summarize(results.map((r) => r.answer)),
    warnings: first.warnings,
  };
}

/** One site's summary: a two-column table, or one JSON document. */
export function formatSummary(results: QuestionResult[], options: AnswerOutputOptions): CommandText {
  const first = results[0]!;
  const doc = summaryDocument(results);
  const format = textFormat(options.format);
  const stdout =
    format === 'json'
      ? renderJson(doc)
      : renderText({ columns: [{ name: 'Check', schema: 'String' }, { name: 'Result', schema: 'String' }], rows: summaryRows(doc) }, format, options.terminal);
  const where = `${first.location.region ? `${first.location.region}/` : ''}${first.location.site}`;
  return { stdout, stderr: `netq: summary of ${where} from ${first.network}/${first.snapshot}\n`, exitCode: ExitCode.ok };
}

/** --all: one document of every site's summary document and the totals; one line per site as text. */
export function formatEverySummary(outcomes: SiteOutcome[], options: AnswerOutputOptions): CommandText {
  const format = textFormat(options.format);
  const summaries = outcomes.filter((o) => o.results && !o.error).map((o) => summarize(o.results!.map((r) => r.answer)));
  let stdout: string;
  if (format === 'json') {
    stdout = renderJson(allSitesDocument(outcomes, summaryDocument, { totals: { ...sumSummaries(summaries) } }));
  } else {
    const rows = outcomes.map((o) => {
      const region = o.source.kind === 'site' ? o.source.region : null;
      const site = o.source.kind === 'site' ? o.source.site : sourceName(o.source);
      if (o.error || !o.results) return { Region: region, Site: site, Files: null, Nodes: null, BGP: null, Undefined_Refs: null, Duplicate_IPs: null, Error: o.error?.message ?? null };
      const s = summarize(o.results.map((r) => r.answer));
      return {
        Region: region,
        Site: site,
        Files: `${s.files.passed}/${s.files.total} passed`,
        Nodes: s.nodes,
        BGP: `${s.bgpSessions.ok} ok, ${s.bgpSessions.external} external, ${s.bgpSessions.broken} broken`,
        Undefined_Refs: s.undefinedReferences,
        Duplicate_IPs: s.duplicateIps,
        Error: null,
      };
    });
    const integer = new Set(['Nodes', 'Undefined_Refs', 'Duplicate_IPs']);
    const columns = ['Region', 'Site', 'Files', 'Nodes', 'BGP', 'Undefined_Refs', 'Duplicate_IPs', 'Error'].map((name) => ({ name, schema: integer.has(name) ? 'Integer' : 'String' }));
    stdout = renderText({ columns, rows }, format, options.terminal);
  }
  return { stdout, stderr: siteErrorsText(outcomes, options.verbose), exitCode: allSitesExitCode(outcomes) };
}

/** The summary's formats: the four of any table (pictures are refused before anything is asked). */
function textFormat(format: AnswerOutputOptions['format']): OutputFormat {
  if (format === 'dot' || format === 'mermaid') throw new InputError(`--format ${format} draws a graph, and a summary is none`);
  return format;
}
