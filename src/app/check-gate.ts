/**
 * The use cases of `netq check` around the run itself (`runChecks` in check-run.ts): which checks
 * file is read and how, which sites a merge request touches, and writing every report file. The
 * command turns flags into these calls and prints; a service calls them the same way.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { QuestionTemplate } from '../batfish/question.js';
import { DEFAULT_CHECKS, checksFileSchema, parseChecksFile } from '../check/checks-file.js';
import { checksForSite, type CheckFilter } from '../check/engine.js';
import { CHECK_KINDS, kindParameters } from '../check/kinds/index.js';
import type { CheckReport, ChecksFile } from '../check/model.js';
import { renderCheckReport, type CheckFormat } from '../check/report/index.js';
import { InputError, toNetqError } from '../errors.js';
import { InputFileError, readInputFile } from '../input-file.js';
import { changedSince } from '../sites/git.js';
import { printable } from '../text.js';
import { writeReportFile } from './report-files.js';
import type { SnapshotSource } from './site-run.js';

export { DEFAULT_CHECKS, checksFileSchema };
export { checkRef } from '../sites/git.js';

/** The checks file netq reads from the current folder when none is named. */
export const DEFAULT_CHECKS_FILE = 'netq-checks.yaml';

/** A checks file is a page of YAML: 4 MiB is far more than any needs, and bounds what is read. */
const MAX_CHECKS_FILE_BYTES = 4 * 1024 * 1024;

/** The server-independent templates the checks file is validated against (bundled with netq). */
export type Templates = ReadonlyMap<string, QuestionTemplate>;

/** The checks file to read: the one named, else ./netq-checks.yaml when it exists; undefined for the built-in set. */
export async function checksFilePath(named: string | undefined, cwd: string): Promise<string | undefined> {
  if (named === '') throw new InputError('--checks is empty', { hint: 'give the checks file, or leave --checks out to use ./netq-checks.yaml or the built-in checks' });
  if (named !== undefined) return path.resolve(cwd, named);
  const file = path.resolve(cwd, DEFAULT_CHECKS_FILE);
  return (await access(file).then(() => true, () => false)) ? file : undefined;
}

/**
 * The checks: the file (validated in full), else the built-in set. `named` is what the user
 * gave (undefined: the default file, whose absence is no error).
 */
export async function loadChecks(file: string | undefined, named: string | undefined, cwd: string, signal: AbortSignal, templates: Templates): Promise<ChecksFile> {
  if (file === undefined) return DEFAULT_CHECKS;
  let text: string;
  try {
    text = await readInputFile(file, MAX_CHECKS_FILE_BYTES, signal);
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    if (named === undefined && error.code === 'ENOENT') return DEFAULT_CHECKS;
    throw new InputError(`cannot read the checks file ${printable(named ?? DEFAULT_CHECKS_FILE)}: ${error.reason}`, {
      hint: 'pass --checks FILE (a YAML file), or leave it out to use the built-in checks (netq check --list shows the kinds)',
    });
  }
  return parseChecksFile(text, path.relative(cwd, file) || file, templates);
}

/** Refuses a selection (`--only`, `--tag`) that no check has: a mistake of the command line, said before any site is read. */
export function checkSelection(checks: ChecksFile, filter: CheckFilter): void {
  checksForSite(checks, '', filter);
}

/**
 * The sites among `sources` whose files changed since a git ref; all of them when the checks
 * file itself changed (a new or changed check applies to every site). `note` says which.
 */
export async function changedSites(
  sources: SnapshotSource[],
  since: { ref: string; regionsDir: string; cwd: string; checksPath: string | undefined },
  note: (text: string) => void,
): Promise<SnapshotSource[]> {
  const { ref, regionsDir, cwd, checksPath } = since;
  // A checks file git does not track (outside the repository, say) has not changed as far as the base goes.
  const checksChanged = checksPath !== undefined && (await changedSince(path.dirname(checksPath), ref, path.basename(checksPath)).then((files) => files.length > 0, () => false));
  if (checksChanged) {
    note(`the checks file ${path.relative(cwd, checksPath) || checksPath} changed since ${ref}: checking all ${sources.length} site(s)`);
    return sources;
  }
  const changed = await changedSince(path.resolve(cwd, regionsDir), ref);
  const touched = new Set(changed.map((file) => file.split('/').slice(0, 2).join('/')));
  const chosen = sources.filter((s) => s.kind === 'site' && touched.has(`${s.region}/${s.site}`));
  note(`${chosen.length} of ${sources.length} site(s) changed since ${ref}${chosen.length ? `: ${chosen.map((s) => (s.kind === 'site' ? `${s.region}/${s.site}` : s.dir)).join(', ')}` : ''}`);
  return chosen;
}

/**
 * Writes every report file (atomically), whatever the report says. One that cannot be written
 * does not stop the others: the first failure is thrown after all were tried, the later ones
 * are warnings.
 */
export async function writeCheckReports(
  reports: Array<{ format: CheckFormat; file: string; given: string }>,
  report: CheckReport,
  sarifCategory: string,
  warn: (text: string) => void,
): Promise<void> {
  let first: unknown;
  for (const { format, file, given } of reports) {
    await writeReportFile(file, renderCheckReport(report, format, { sarif: { category: sarifCategory } }).text, `--report ${format}=${printable(given)}`).catch((error: unknown) => {
      if (first !== undefined) warn(toNetqError(error).message);
      first ??= error;
    });
  }
  if (first !== undefined) throw first;
}

/** The check kinds with their parameters, for `--list`. */
export function checkKindList(templates: Templates) {
  return CHECK_KINDS.map((kind) => ({ kind: kind.kind, defaultSeverity: kind.defaultSeverity, description: kind.description, parameters: kindParameters(kind, templates) }));
}
