import { askEverySite, siteSources, type SiteOutcome } from '../app/all-sites.js';
import { askSite, type QuestionAsk, type SiteQuestionsRequest } from '../app/site-run.js';
import { formatEverySite, formatSiteAnswers, type AnswerOutputOptions } from '../output.js';
import { Verbose, type AbstractCommandClass, type NetqCommand } from './base.js';
import { BatfishFlags, OutputFlags, SiteFlags, batfishTargetOf, checkAllSitesFlags, referenceSourceOf, snapshotSettingsOf, snapshotSourceOf } from './flags.js';

/**
 * A command that asks Batfish about a site: its own flags (in `Base`) first, then the site, output
 * and Batfish flag groups. `questions()` turns the flags into questions, the application layer
 * answers them, and output.ts turns the answers into text.
 */
export function SiteCommand<TBase extends AbstractCommandClass<NetqCommand>>(Base: TBase) {
  abstract class SiteCommandBase extends Verbose(BatfishFlags(OutputFlags(SiteFlags(Base)))) {
    /** The questions the flags ask for: a pure function of the flags. */
    abstract questions(): QuestionAsk[];

    /** Asks the questions about the site the flags name (or every site with --all) and prints the answers. */
    async run(): Promise<number> {
      const questions = this.questions();
      if (this.all) return this.emit(formatEverySite(await this.askEverySite(questions), questions.length, this.outputOptions()));
      const request = this.siteRequest(questions);
      const results = await this.withProgress((onEvent, deps) => askSite(this.context.batfish, request, deps));
      return this.emit(formatSiteAnswers(results, this.outputOptions()));
    }

    /** The site (and reference) the flags name, as a request to the application layer. */
    siteRequest(questions: QuestionAsk[]): SiteQuestionsRequest {
      return {
        source: snapshotSourceOf(this),
        reference: referenceSourceOf(this),
        batfish: batfishTargetOf(this),
        questions,
        ...snapshotSettingsOf(this),
      };
    }

    /** --all: asks the questions about every site, through one Batfish. */
    async askEverySite(questions: QuestionAsk[]): Promise<SiteOutcome[]> {
      checkAllSitesFlags(this);
      const sources = await siteSources(this.regionsDir, this.region, this.context.cwd);
      const request = { sources, batfish: batfishTargetOf(this), questions, concurrency: this.concurrency, ...snapshotSettingsOf(this) };
      return this.withProgress((onEvent, deps) => askEverySite(this.context.batfish, request, deps));
    }

    outputOptions(): AnswerOutputOptions {
      return { format: this.format, columns: this.columns, sort: this.sort, terminal: this.terminal(), verbose: this.verbose };
    }
  }
  return SiteCommandBase;
}
