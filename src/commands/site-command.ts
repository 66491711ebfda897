import { askEverySite, siteSources, type SiteOutcome } from '../app/all-sites.js';
import { askSite, type QuestionAsk, type SiteQuestionsRequest } from '../app/site-run.js';
import { InputError } from '../errors.js';
import { formatEverySite } from '../output-all-sites.js';
import { checkOutputOptions, streamSiteAnswers, type AnswerFormat, type AnswerOutputOptions } from '../output.js';
import { bundledTemplate } from '../questions/bundled.js';
import { isDifferentialTemplate } from '../questions/catalog.js';
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

    /** `--table NAME` of a command that answers several questions; undefined for the others. */
    tableChoice(): string | undefined {
      return undefined;
    }

    /** Asks the questions about the site the flags name (or every site with --all) and prints the answers. */
    async run(): Promise<number> {
      const questions = this.questions();
      await this.checkRequest(questions);
      if (this.all) return this.emit(formatEverySite(await this.askEverySite(questions), this.outputOptions()));
      const request = this.siteRequest(questions);
      const results = await this.withProgress((onEvent, deps) => askSite(this.context.batfish, request, deps));
      return this.emit(streamSiteAnswers(results, this.outputOptions()));
    }

    /**
     * What can be refused before anything is asked: an output choice that cannot work (a picture
     * of an answer that is no graph, CSV of several tables) and a differential question without
     * a reference snapshot (pybatfish refuses it too).
     */
    async checkRequest(questions: QuestionAsk[]): Promise<void> {
      const differential = referenceSourceOf(this) !== undefined;
      checkOutputOptions({ questions, all: this.all, differential }, this.outputOptions());
      if (differential) return;
      const templates = await Promise.all(questions.map((q) => bundledTemplate(q.question)));
      const comparing = questions.filter((_, i) => {
        const template = templates[i];
        return template !== undefined && isDifferentialTemplate(template);
      });
      if (comparing.length > 0) {
        throw new InputError(`${comparing.map((q) => q.question).join(', ')} compares two snapshots, and no reference snapshot was given`, {
          hint: 'name the snapshot to compare with: --reference-dir DIR or --reference REGION/SITE (one site at a time)',
        });
      }
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
      return {
        format: this.format as AnswerFormat,
        columns: this.columns,
        sort: this.sort,
        table: this.tableChoice(),
        terminal: this.terminal(),
        verbose: this.verbose,
      };
    }
  }
  return SiteCommandBase;
}
