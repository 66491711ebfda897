import type { TerminalInfo } from '../../render/index.js';
import { InputError } from '../../errors.js';
import type { CheckReport } from '../model.js';
import { type GithubOptions, renderCheckGithub } from './github.js';
import { renderCheckGitlab } from './gitlab.js';
import { renderCheckJson } from './json.js';
import { renderCheckJunit } from './junit.js';
import { type CheckMarkdownOptions, renderCheckMarkdown } from './markdown.js';
import { type SarifOptions, renderCheckSarif } from './sarif.js';
import { type CheckTableOptions, renderCheckTable } from './table.js';

export { renderCheckTable } from './table.js';
export { checkReportDocument, renderCheckJson, type CheckReportDocument, type FindingDocument } from './json.js';
export { renderCheckJunit } from './junit.js';
export { DEFAULT_SARIF_CATEGORY, SARIF_MAX_GZIP_BYTES, SARIF_MAX_RESULTS, checkReportSarif, renderCheckSarif, sarifCategory } from './sarif.js';
export { renderCheckMarkdown } from './markdown.js';
export { renderCheckGithub, type GithubOutput } from './github.js';
export { codeQualityIssues, renderCheckGitlab, type CodeQualityIssue } from './gitlab.js';
export type { CheckMarkdownOptions, CheckTableOptions, GithubOptions, SarifOptions };

/** Every format `netq check` writes, for `--format` and `--report FORMAT=FILE`. */
export const CHECK_FORMATS = ['table', 'json', 'junit', 'sarif', 'markdown', 'github', 'gitlab'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export function isCheckFormat(value: string): value is CheckFormat {
  return (CHECK_FORMATS as readonly string[]).includes(value);
}

/** A format name as the user wrote it (`SARIF`, `Junit`): names are case-insensitive; undefined when unknown. */
export function checkFormatOf(value: string): CheckFormat | undefined {
  const name = value.trim().toLowerCase();
  return isCheckFormat(name) ? name : undefined;
}

export interface CheckRenderOptions {
  /** Where the table goes: its width and whether to colour (only the table format uses it). */
  terminal?: TerminalInfo;
  table?: CheckTableOptions;
  sarif?: SarifOptions;
  markdown?: CheckMarkdownOptions;
  github?: GithubOptions;
}

export interface RenderedCheckReport {
  /** What goes to stdout or into the `--report` file. */
  text: string;
  /**
   * For `github` only: the markdown the caller appends to the file `GITHUB_STEP_SUMMARY` names
   * (when that variable is set); null for every other format.
   */
  stepSummary: string | null;
}

/** Renders the report in one format. Pure: the caller prints the text or writes the file. */
export function renderCheckReport(report: CheckReport, format: CheckFormat, options: CheckRenderOptions = {}): RenderedCheckReport {
  const plain = (text: string): RenderedCheckReport => ({ text, stepSummary: null });
  switch (format) {
    case 'table':
      return plain(renderCheckTable(report, options.terminal ?? { color: false }, options.table));
    case 'json':
      return plain(renderCheckJson(report));
    case 'junit':
      return plain(renderCheckJunit(report));
    case 'sarif':
      return plain(renderCheckSarif(report, options.sarif));
    case 'markdown':
      return plain(renderCheckMarkdown(report, options.markdown));
    case 'github': {
      const { stdout, stepSummary } = renderCheckGithub(report, { ...options.github, markdown: options.github?.markdown ?? options.markdown });
      return { text: stdout, stepSummary };
    }
    case 'gitlab':
      return plain(renderCheckGitlab(report));
  }
}

/**
 * Reads one `--report FORMAT=FILE` value. A bad format or a missing file is an input error
 * (exit 2) naming the valid formats.
 */
export function parseReportOption(value: string): { format: CheckFormat; path: string } {
  const eq = value.indexOf('=');
  const name = eq < 0 ? value : value.slice(0, eq);
  const path = eq < 0 ? '' : value.slice(eq + 1);
  const format = checkFormatOf(name);
  if (!format) {
    throw new InputError(`--report ${value}: unknown format "${name}"`, { hint: `use FORMAT=FILE with one of: ${CHECK_FORMATS.join(', ')}` });
  }
  if (!path) throw new InputError(`--report ${value}: no file given`, { hint: `write it as --report ${format}=FILE` });
  return { format, path };
}
