import { Command, Option, UsageError } from 'clipanion';
import * as t from 'typanion';
import { DEFAULT_API_KEY } from '../batfish/http.js';
import type { NetqContext } from '../context.js';
import { ExitCode, InputError, formatError, toNetqError } from '../errors.js';
import { createProgress, type Progress } from '../progress.js';
import { OUTPUT_FORMATS, type OutputFormat, type TerminalInfo } from '../render/index.js';
import type { QuestionParameters } from '../batfish/question.js';
import { formatAnswer } from '../output.js';
import { runSiteQuestion, type SnapshotSource } from '../service.js';

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

/** Flags shared by every command that asks Batfish about a site. */
export abstract class SiteCommand extends NetqCommand {
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
  batfishUrl = Option.String('--batfish-url', {
    description: 'Address of a running Batfish server, e.g. http://127.0.0.1:9996 (env NETQ_BATFISH_URL)',
  });
  apiKey = Option.String('--api-key', {
    description: 'Batfish API key (env NETQ_BATFISH_API_KEY; default: the stock server key)',
  });
  timeout = Option.String('--timeout', {
    description: 'Seconds to wait for upload, parsing and the answer together (default 600)',
    validator: t.cascade(t.isNumber(), [t.isAtLeast(1)]),
  });
  connectTimeout = Option.String('--connect-timeout', {
    description: 'Seconds to wait for a Batfish server that refuses connections, e.g. while it starts (default 5)',
    validator: t.cascade(t.isNumber(), [t.isAtLeast(0)]),
  });
  format = Option.String('--format,-f', 'table', {
    description: 'Output format: table, json, csv or markdown',
    validator: t.isEnum(OUTPUT_FORMATS),
  });

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

  protected batfishTarget(): { url: string; apiKey: string } {
    const url = this.batfishUrl ?? this.env.NETQ_BATFISH_URL;
    if (!url) {
      throw new InputError('no Batfish server given', {
        hint: 'pass --batfish-url http://HOST:9996 or set NETQ_BATFISH_URL (start one with: docker run -p 127.0.0.1:9996:9996 batfish/batfish)',
      });
    }
    const apiKey = this.apiKey ?? this.env.NETQ_BATFISH_API_KEY ?? DEFAULT_API_KEY;
    if (apiKey === '') throw new InputError('the Batfish API key is empty', { hint: 'omit --api-key to use the default key' });
    return { url, apiKey };
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
    const progress = this.progress();
    let result;
    try {
      result = await runSiteQuestion(this.context, progress, {
        source: this.snapshotSource(),
        ...(this.network !== undefined ? { network: this.network } : {}),
        batfish: this.batfishTarget(),
        question,
        parameters,
        timeoutMs: this.timeoutMs,
        connectTimeoutMs: (this.connectTimeout ?? 5) * 1000,
        verbose: this.verbose,
      });
    } finally {
      progress.stop();
    }
    this.context.stdout.write(formatAnswer(result, this.outputFormat, this.terminal()));
    const rows = result.answer.rows.length;
    this.context.stderr.write(`netq: ${rows} row${rows === 1 ? '' : 's'} from ${result.question} on ${result.network}/${result.snapshot}\n`);
    return ExitCode.ok;
  }
}

export { ExitCode };
