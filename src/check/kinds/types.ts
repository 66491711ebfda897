/**
 * What a check kind is: the questions it asks (by name), the one option schema of its `with`
 * (validation, `--list`, the checks-file JSON Schema and the docs all read it), its SARIF rule
 * text, what it draws, and how it turns answers into finding drafts.
 */
import type { TableAnswer } from '../../batfish/answer.js';
import type { CheckSpec, FindingLocation, QuestionAsk, Severity } from '../model.js';

/** The site a check runs on, and where its files are as report paths give them. */
export interface SiteContext {
  /** `region/site`, or the snapshot folder as given. */
  site: string;
  /**
   * The site folder as report paths give it, `/`-separated: relative to the root of the git
   * repository that holds the site, else to the current folder (`regions/north_america/nyc`,
   * `.` for the root itself), or absolute when the folder is outside that root, so no report
   * path ever has a `..` segment. (The name is from when it was always relative to the current
   * folder; app/check-run.ts computes it.)
   */
  dirFromCwd: string;
  /** The snapshot's device files (snapshot-relative), for finding a node's config by its name. */
  files?: string[];
  /** A device file's lines (snapshot-relative name), to find a line by its text; undefined when unknown. */
  lines?: (file: string) => string[] | undefined;
  /** Whether the run has a base to compare with (--base-ref, --base-dir). */
  hasBase?: boolean;
}

/** What a kind reports for one failing row; the engine adds check, site, fingerprint, baseline. */
export interface FindingDraft {
  /** One line: what is wrong, on what. */
  message: string;
  /** The evidence row, cells as JSON values. */
  row: Record<string, unknown>;
  location: FindingLocation | null;
  /** The values that identify the finding across runs (never line numbers). */
  keyValues: string[];
  /** Only ever lowers the check's severity (partially recognised files are warnings). */
  severity?: Severity;
}

/**
 * A variable of the kind's `template` that `with` may set and the kind passes on to Batfish:
 * its type, description and default are the template's.
 */
export interface VariableOption {
  name: string;
  source: 'variable';
  /** Required although the template makes it optional. */
  required?: boolean;
}

/** An option the kind reads itself (kebab-case, never sent to Batfish as it is). */
export interface OwnOption {
  name: string;
  source?: 'option';
  type: 'boolean' | 'integer' | 'string' | 'string[]' | 'map';
  description: string;
  default?: unknown;
  required?: boolean;
  /** For `string` and `string[]`: the values accepted (compared case-insensitively). */
  allowed?: string[];
  /** For `string`: the value names a question template (checked against the bundled ones). */
  template?: true;
  /** For `map`: the parameters of the template that this other option names, checked against it. */
  parametersOf?: string;
}

/** One entry of a kind's option schema. */
export type KindOption = VariableOption | OwnOption;

/** The questions a kind asks for one check, by name (`evaluate` gets the answers by these names). */
export type NamedAsks = Record<string, QuestionAsk>;

/** Answers by the names the kind gave its questions. */
export type NamedAnswers = Record<string, TableAnswer>;

/** What a kind's findings can be drawn as in the reports. */
export type Drawing = 'bgp-sessions';

export interface CheckKind {
  kind: string;
  description: string;
  defaultSeverity: Severity;
  /** The template whose variables the `source: 'variable'` options are; none when it has no such options. */
  template?: string;
  /** The option schema of `with`, in the order `--list` and the JSON Schema show it. */
  options: KindOption[];
  /** Whether checks of this kind take `expect` (rows the answer may have). */
  expect?: boolean;
  /** The pybatfish function the verdict matches, for docs and `--list`. */
  pybatfish?: string;
  /** The SARIF rule: `short` is the shortDescription; fullDescription is `full`, else made from `short`. */
  rule: { short: string; full?: string };
  /** What a failure of this kind draws in the reports (the BGP session graph). */
  draws?: Drawing;
  /** The questions to ask, by name. */
  questions(spec: CheckSpec): NamedAsks;
  /**
   * The kind judges what the change does: its questions with `against: 'base'` compare the head
   * with the base. It needs a base (without one the check cannot run), is not run on the base,
   * and every finding it makes is new.
   */
  needsBase?: boolean;
  /** Questions to ask once the first round's answers are in (the forks of a single-failure check). */
  followUp?(spec: CheckSpec, answers: NamedAnswers): NamedAsks;
  /** Questions that only add locations: when one fails the check still runs, without them. */
  contextQuestions?(spec: CheckSpec): NamedAsks;
  evaluate(spec: CheckSpec, answers: NamedAnswers, site: SiteContext, context: Partial<NamedAnswers>): FindingDraft[];
}

/** The variables of `with` a kind passes on (`source: 'variable'` options), by name. */
export function variableNames(kind: Pick<CheckKind, 'options'>): string[] {
  return kind.options.filter((o): o is VariableOption => o.source === 'variable').map((o) => o.name);
}

/** The template variables as options, in order; `required` lists those the kind needs. */
export function variables(names: readonly string[], required: readonly string[] = []): VariableOption[] {
  return names.map((name) => ({ name, source: 'variable', ...(required.includes(name) ? { required: true } : {}) }));
}
