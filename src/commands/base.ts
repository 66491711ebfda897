import { Command, Option, UsageError } from 'clipanion';
import * as t from 'typanion';
import { DEFAULT_API_KEY } from '../batfish/http.js';
import type { NetqContext } from '../context.js';
import { ExitCode, InputError, formatError, toNetqError } from '../errors.js';
import { listRegions, listSites } from '../sites/sites.js';
import path from 'node:path';
import { createProgress, type Progress } from '../progress.js';
import { OUTPUT_FORMATS, renderJson, type OutputFormat, type TerminalInfo } from '../render/index.js';
import type { QuestionParameters } from '../batfish/question.js';
import { answerEnvelope, formatAnswer } from '../output.js';
import { selectColumns, sortRows } from '../render/select.js';
import { NETQ_BATFISH_IMAGE, PINNED_BATFISH_IMAGE, parseMemory } from '../docker/lifecycle.js';
import { runAllSites, runSiteQuestions, type BatfishTarget, type SiteOutcome, type SiteQuestionResult, type ManagedBatfishOptions, type QuestionAsk, type SnapshotSource } from '../service.js';

/**
 * Base of every netq command: one place that turns any failure into a message on stderr and an
 * exit code (clipanion would print errors to stdout and exit 1).
 */
export abstract class NetqCommand extends Command<NetqContext> {
  verbose = Option.Boolean('--verbose,-v', false, {
    description: 'Show each step and HTTP request, whole error details and stack traces',
  });

  /** The command's work; returns the exit code. */
  abstract run(): Promise<number>;

  async execute(): Promise<number> {
    return this.run();
  }

  override async validateAndExecute(): Promise<number> {
    try {
      return await super.validateAndExecute();
    } catch (error) {
      return this.report(error);
    }
  }

  /** Writes an error to stderr and returns its exit code. */
  protected report(error: unknown): number {
    const netqError =
      error instanceof UsageError
        ? new InputError(error.message, { hint: `see netq ${this.path.join(' ')} --help` })
        : toNetqError(error);
    this.context.stderr.write(formatError(netqError, this.verbose));
    return netqError.exitCode;
  }

  protected get env(): Record<string, string | undefined> {
    return this.context.env;
  }

  protected progress(): Progress {
    const stderr = this.context.stderr as NodeJS.WriteStream;
    return createProgress({
      stream: stderr,
      clock: this.context.clock,
      interactive: Boolean(stderr.isTTY) && !this.env.CI,
      verbose: this.verbose,
    });
  }

  /** Runs a step with a progress spinner that is always removed before output is written. */
  protected async withProgress<T>(fn: (progress: Progress) => Promise<T>): Promise<T> {
    const progress = this.progress();
    try {
      return await fn(progress);
    } finally {
      progress.stop();
    }
  }

  /** Width and colour of stdout: colour only on a terminal and never with NO_COLOR. */
  protected terminal(): TerminalInfo {
    const stdout = this.context.stdout as NodeJS.WriteStream;
    const isTTY = Boolean(stdout.isTTY);
    const envWidth = Number(this.env.COLUMNS);
    const width = isTTY ? stdout.columns || envWidth || 80 : Number.isFinite(envWidth) && envWidth > 0 ? envWidth : undefined;
    const noColor = this.env.NO_COLOR !== undefined && this.env.NO_COLOR !== '';
    return { ...(width ? { width } : {}), color: isTTY && !noColor };
  }
}

/** Flags of commands that may start netq's Batfish container. */
export abstract class ManagedCommand extends NetqCommand {
  image = Option.String('--image', {
    description: `Batfish image to run (env NETQ_BATFISH_IMAGE; default ${NETQ_BATFISH_IMAGE} when built, else ${PINNED_BATFISH_IMAGE})`,
  });
  port = Option.String('--port', {
    description: 'Host port on 127.0.0.1 for a Batfish netq starts (default: a free one)',
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 65535)]),
  });
  memory = Option.String('--memory', {
    description: "Memory limit of a Batfish netq starts, e.g. 8g (Batfish's heap is 80% of it; default: no limit)",
  });
  jvmOpts = Option.String('--jvm-opts', {
    description: 'Extra JVM options for a Batfish netq starts (passed as JAVA_TOOL_OPTIONS)',
  });
  startupTimeout = Option.String('--startup-timeout', {
    description: 'Seconds to wait for a Batfish netq starts to answer (default 180)',
    validator: t.cascade(t.isNumber(), [t.isAtLeast(1)]),
  });
  apiKey = Option.String('--api-key', {
    description: 'Batfish API key (env NETQ_BATFISH_API_KEY; default: the stock server key)',
  });

  protected managedOptions(ephemeral: boolean): ManagedBatfishOptions {
    let memoryBytes: number | undefined;
    if (this.memory !== undefined) {
      memoryBytes = parseMemory(this.memory);
      if (!memoryBytes) throw new InputError(`--memory '${this.memory}' is not a size`, { hint: 'use a size such as 4g or 512m' });
    }
    const image = this.image ?? this.env.NETQ_BATFISH_IMAGE;
    return {
      ...(image ? { image } : {}),
      ...(this.port !== undefined ? { hostPort: this.port } : {}),
      ...(memoryBytes ? { memoryBytes } : {}),
      ...(this.jvmOpts ? { jvmOpts: this.jvmOpts } : {}),
      startupTimeoutMs: (this.startupTimeout ?? 180) * 1000,
      ephemeral,
    };
  }

  protected get effectiveApiKey(): string {
    const apiKey = this.apiKey ?? this.env.NETQ_BATFISH_API_KEY ?? DEFAULT_API_KEY;
    if (apiKey === '') throw new InputError('the Batfish API key is empty', { hint: 'omit --api-key to use the default key' });
    return apiKey;
  }
}

/** Flags of commands that talk to a Batfish: a given URL, or netq's managed container. */
export abstract class BatfishCommand extends ManagedCommand {
  batfishUrl = Option.String('--batfish-url', {
    description: 'Use this running Batfish, e.g. http://10.0.0.5:9996, instead of netq\'s container (env NETQ_BATFISH_URL)',
  });
  ephemeral = Option.Boolean('--ephemeral', false, {
    description: 'Start a private Batfish for this command only, and remove it afterwards',
  });
  connectTimeout = Option.String('--connect-timeout', {
    description: 'Seconds to wait for a --batfish-url server that refuses connections, e.g. while it starts (default 5)',
    validator: t.cascade(t.isNumber(), [t.isAtLeast(0)]),
  });

  protected batfishTarget(): BatfishTarget {
    const url = this.batfishUrl ?? this.env.NETQ_BATFISH_URL;
    if (url !== undefined && this.ephemeral) {
      throw new InputError('--ephemeral starts a Batfish of its own and cannot be combined with --batfish-url', {
        hint: 'drop one of them (NETQ_BATFISH_URL counts as --batfish-url)',
      });
    }
    return {
      ...(url !== undefined ? { url } : {}),
      apiKey: this.effectiveApiKey,
      connectTimeoutMs: (this.connectTimeout ?? 5) * 1000,
      managed: this.managedOptions(this.ephemeral),
    };
  }
}

/** Flags shared by every command that asks Batfish about a site. */
export abstract class SiteCommand extends BatfishCommand {
  region = Option.String('-r,--region', { description: 'Region folder under the regions directory' });
  site = Option.String('-s,--site', { description: 'Site folder within the region' });
  regionsDir = Option.String('--regions-dir', {
    description: 'Folder that holds <region>/<site>/configs (default ./regions, env NETQ_REGIONS_DIR)',
  });
  snapshotDir = Option.String('--snapshot-dir', {
    description: 'Use any Batfish snapshot folder (holding configs/, hosts/, ...) instead of a site',
  });
  network = Option.String('--network', {
    description: 'Batfish network to use (default: the region name, or "netq" with --snapshot-dir)',
  });
  fresh = Option.Boolean('--fresh', false, {
    description: 'Upload and parse the snapshot again even if Batfish already has it',
  });
  keepSnapshots = Option.String('--keep-snapshots', {
    description: "How many of a site's snapshots to keep on the server (default 5; older ones are deleted)",
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isAtLeast(1)]),
  });
  timeout = Option.String('--timeout', {
    description: 'Seconds to wait for upload, parsing and the answer together (default 600)',
    validator: t.cascade(t.isNumber(), [t.isAtLeast(1)]),
  });
  format = Option.String('--format,-f', 'table', {
    description: 'Output format: table, json, csv or markdown',
    validator: t.isEnum(OUTPUT_FORMATS),
  });
  all = Option.Boolean('--all', false, {
    description: 'Every site of --region (or of every region when none is given), through one Batfish',
  });
  concurrency = Option.String('--concurrency', {
    description: 'With --all, how many sites are worked on at once (default 2)',
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isAtLeast(1)]),
  });
  referenceDir = Option.String('--reference-dir', {
    description: 'Compare with this snapshot folder: answers show Snapshot_ and Reference_ columns',
  });
  reference = Option.String('--reference', {
    description: 'Compare with this site, as REGION/SITE (same regions folder)',
  });
  columns = Option.String('--columns', { description: 'Only these columns, in this order (comma-separated names)' });
  sort = Option.String('--sort', { description: 'Sort rows by this column (col:desc, or --sort=-col, for descending)' });

  /** The snapshot the flags name; exactly one of --snapshot-dir and -r/-s. */
  protected snapshotSource(): SnapshotSource {
    if (this.snapshotDir !== undefined) {
      if (this.region !== undefined || this.site !== undefined) {
        throw new InputError('--snapshot-dir cannot be combined with --region/--site', {
          hint: 'use either a site (-r REGION -s SITE) or a snapshot folder (--snapshot-dir DIR)',
        });
      }
      return { kind: 'dir', dir: this.snapshotDir };
    }
    if (this.region === undefined || this.site === undefined) {
      throw new InputError(`${this.region === undefined ? '--region' : '--site'} is missing`, {
        hint: `name a site with -r REGION -s SITE (netq sites lists them), or pass --snapshot-dir DIR`,
      });
    }
    return {
      kind: 'site',
      regionsDir: this.regionsDir ?? this.env.NETQ_REGIONS_DIR ?? 'regions',
      region: this.region,
      site: this.site,
    };
  }

  /** Applies --sort and --columns to an answer. */
  protected shapeAnswer(result: SiteQuestionResult): SiteQuestionResult {
    let answer = result.answer;
    if (this.sort) answer = sortRows(answer, this.sort);
    if (this.columns) answer = selectColumns(answer, this.columns.split(','));
    return { ...result, answer };
  }

  /** The settings every site run shares, from the flags. */
  private runSettings() {
    return {
      ...(this.network !== undefined ? { network: this.network } : {}),
      batfish: this.batfishTarget(),
      timeoutMs: this.timeoutMs,
      fresh: this.fresh,
      keepSnapshots: this.keepSnapshots ?? 5,
      verbose: this.verbose,
    };
  }

  /** Asks the questions about the site (and reference) the flags name. */
  protected runQuestions(questions: QuestionAsk[]): Promise<SiteQuestionResult[]> {
    return this.withProgress((progress) =>
      runSiteQuestions(this.context, progress, { source: this.snapshotSource(), questions, ...this.referenceSource(), ...this.runSettings() }),
    );
  }

  /** --all: asks the questions about every site, through one Batfish. */
  protected async runEverySite(questions: QuestionAsk[]): Promise<SiteOutcome[]> {
    const sources = await this.allSources();
    return this.withProgress((progress) =>
      runAllSites(this.context, progress, { sources, questions, concurrency: this.concurrency ?? 2, ...this.runSettings() }),
    );
  }

  /** `region/site` of a snapshot source, for headings and messages. */
  protected sourceName(source: SnapshotSource): string {
    return source.kind === 'site' ? `${source.region}/${source.site}` : source.dir;
  }

  /** Writes each failed site's error to stderr, prefixed with the site. */
  protected reportSiteErrors(outcomes: SiteOutcome[]): void {
    for (const outcome of outcomes) {
      if (outcome.error) {
        this.context.stderr.write(formatError(outcome.error, this.verbose).replace(/^netq: error: /, `netq: error: ${this.sourceName(outcome.source)}: `));
      }
    }
  }

  /** With --all: every site of --region, or of every region. */
  protected async allSources(): Promise<SnapshotSource[]> {
    if (this.site !== undefined || this.snapshotDir !== undefined) {
      throw new InputError('--all asks about every site, so it cannot be combined with --site or --snapshot-dir', {
        hint: 'use --all with or without --region',
      });
    }
    if (this.referenceDir !== undefined || this.reference !== undefined) {
      throw new InputError('--all cannot be combined with --reference or --reference-dir', { hint: 'compare one site at a time' });
    }
    const regionsDir = path.resolve(this.context.cwd, this.regionsDir ?? this.env.NETQ_REGIONS_DIR ?? 'regions');
    const regions = this.region !== undefined ? [this.region] : await listRegions(regionsDir);
    const sources: SnapshotSource[] = [];
    for (const region of regions) {
      for (const site of await listSites(regionsDir, region)) sources.push({ kind: 'site', regionsDir, region, site });
    }
    if (sources.length === 0) throw new InputError(`no sites under ${regionsDir}${this.region ? `/${this.region}` : ''}`);
    return sources;
  }

  /** --all: the questions about every site; tables grouped per site with a roll-up line, JSON as a list. */
  protected async askEverySiteAndPrint(questions: QuestionAsk[]): Promise<number> {
    const outcomes = await this.runEverySite(questions);
    const name = (source: SnapshotSource): string => this.sourceName(source);
    const shape = (result: SiteQuestionResult): SiteQuestionResult => this.shapeAnswer(result);
    this.reportSiteErrors(outcomes);
    if (this.outputFormat === 'json') {
      const list = outcomes.map((o) =>
        o.error
          ? { site: name(o.source), error: { message: o.error.message, exitCode: o.error.exitCode, hint: o.error.hint ?? null } }
          : (o.results ?? []).map(shape).map(answerEnvelope),
      );
      this.context.stdout.write(renderJson(list.flat()));
    } else {
      let first = true;
      for (const outcome of outcomes) {
        for (const result of (outcome.results ?? []).map(shape)) {
          const title = questions.length > 1 ? `${name(outcome.source)}: ${result.question}` : name(outcome.source);
          this.context.stdout.write(`${first ? '' : '\n'}${sectionTitle(title, this.outputFormat)}\n`);
          this.context.stdout.write(formatAnswer(result, this.outputFormat, this.terminal()));
          first = false;
        }
      }
      const answered = outcomes.filter((o) => o.results);
      const failed = outcomes.filter((o) => o.error);
      const rows = answered.flatMap((o) => o.results!.map((r) => `${name(o.source)} ${r.answer.rows.length}`));
      const rollUp = `${outcomes.length} site${outcomes.length === 1 ? '' : 's'}: ${answered.length} answered${rows.length ? ` (rows: ${rows.join(', ')})` : ''}${failed.length ? `, ${failed.length} failed (${failed.map((o) => name(o.source)).join(', ')})` : ''}`;
      // CSV stays one parseable stream per table; the roll-up goes to stderr there.
      if (this.outputFormat === 'csv') this.context.stderr.write(`netq: ${rollUp}\n`);
      else this.context.stdout.write(`\n${rollUp}\n`);
    }
    const firstFailure = outcomes.find((o) => o.error)?.error;
    return firstFailure ? firstFailure.exitCode : ExitCode.ok;
  }

  /** The reference snapshot of a differential question, from --reference-dir or --reference. */
  protected referenceSource(): { reference?: SnapshotSource } {
    if (this.referenceDir !== undefined && this.reference !== undefined) {
      throw new InputError('--reference-dir and --reference both name a reference snapshot', { hint: 'give one of them' });
    }
    if (this.referenceDir !== undefined) return { reference: { kind: 'dir', dir: this.referenceDir } };
    if (this.reference === undefined) return {};
    const [region, site, ...rest] = this.reference.split('/');
    if (!region || !site || rest.length) {
      throw new InputError(`--reference '${this.reference}' is not REGION/SITE`, { hint: 'e.g. --reference north_america/nyc' });
    }
    return { reference: { kind: 'site', regionsDir: this.regionsDir ?? this.env.NETQ_REGIONS_DIR ?? 'regions', region, site } };
  }

  protected get timeoutMs(): number {
    return (this.timeout ?? 600) * 1000;
  }

  protected get outputFormat(): OutputFormat {
    return this.format as OutputFormat;
  }

  /**
   * Asks a question about the site the flags name and writes the answer to stdout in the chosen
   * format. Returns the exit code.
   */
  protected async askAndPrint(question: string, parameters: QuestionParameters): Promise<number> {
    return this.askAllAndPrint([{ question, parameters }]);
  }

  /**
   * Asks several questions about one snapshot and prints each answer: tables one after another
   * under a title, JSON as one envelope (one question) or a list of envelopes.
   */
  protected async askAllAndPrint(questions: QuestionAsk[]): Promise<number> {
    if (this.all) return this.askEverySiteAndPrint(questions);
    const results = await this.runQuestions(questions);
    const shaped = results.map((result) => this.shapeAnswer(result));
    if (this.outputFormat === 'json') {
      const envelopes = shaped.map(answerEnvelope);
      this.context.stdout.write(renderJson(envelopes.length === 1 ? envelopes[0] : envelopes));
    } else {
      shaped.forEach((result, index) => {
        if (shaped.length > 1) this.context.stdout.write(`${index ? '\n' : ''}${sectionTitle(result.question, this.outputFormat)}\n`);
        this.context.stdout.write(formatAnswer(result, this.outputFormat, this.terminal()));
      });
    }
    for (const result of shaped) {
      const rows = result.answer.rows.length;
      this.context.stderr.write(`netq: ${rows} row${rows === 1 ? '' : 's'} from ${result.question} on ${result.network}/${result.snapshot}\n`);
    }
    return ExitCode.ok;
  }
}

export { ExitCode };

/** The heading above each answer when a command prints several. */
function sectionTitle(question: string, format: OutputFormat): string {
  return format === 'markdown' ? `## ${question}\n` : format === 'csv' ? `# ${question}` : `== ${question} ==`;
}
