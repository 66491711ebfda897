import type { SessionEdge } from '../render/graph.js';

/**
 * The data model of `netq check`: what a checks file says, what a check found, and the report
 * every output format (table, json, junit, sarif, markdown, github, gitlab) is rendered from.
 * Everything here is plain data; no I/O.
 */

export type Severity = 'error' | 'warning';
/** pass: nothing found; fail: findings at error severity; warn: findings at warning severity;
 * error: the check could not run (question rejected, work failed); skipped: not for this site. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skipped';
export type FailOn = 'error' | 'warning' | 'never';
export type BaselineState = 'new' | 'existing';

/** Where a piece of a checks file is, for error messages and SARIF (1-based line and column). */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** One entry of `checks:` in a checks file, validated and with defaults applied. */
export interface CheckSpec {
  /** Unique name, as the user wrote it. */
  name: string;
  /** The check kind, e.g. `bgp-sessions-established`. */
  check: string;
  severity: Severity;
  /** The kind's parameters: question variables plus the kind's own options. */
  with: Record<string, unknown>;
  /** Region/site globs (`north_america/*`); undefined means every site. */
  sites?: string[];
  tags: string[];
  /** For the `question` kind: how many rows are expected. */
  expect?: { rows?: number; minRows?: number };
  position?: SourcePosition;
}

/** A known finding, accepted for a while. */
export interface Waiver {
  /** A check name. */
  check: string;
  /** Column = value of the finding's row (the value as text, compared as the table shows it). */
  where: Record<string, string>;
  reason: string;
  /** ISO date (YYYY-MM-DD); after that day the waiver stops waiving and says so. */
  expires?: string;
  position?: SourcePosition;
}

export interface ChecksFile {
  version: 1;
  checks: CheckSpec[];
  waivers: Waiver[];
  /** Where it came from: a path, or `built-in` for the default set. */
  source: string;
}

/** What a fork of the site's snapshot deactivates (Batfish's ForkSnapshotBean lists). */
export interface ForkSpec {
  deactivateNodes?: string[];
  deactivateInterfaces?: Array<{ hostname: string; interface: string }>;
  deactivateLinks?: Array<{ node1: string; node1interface: string; node2: string; node2interface: string }>;
}

/** A question to ask Batfish on a site's snapshot. */
export interface QuestionAsk {
  question: string;
  parameters: Record<string, unknown>;
  /** Asked differentially: the snapshot against the base's (what the change does). */
  against?: 'base';
  /** Asked of a fork of the snapshot with this deactivated, against the snapshot itself. */
  fork?: ForkSpec;
}

/**
 * Where a finding is: a path relative to the root of the git repository that holds the site
 * (else to the current folder), `/`-separated and never with `..` segments; an absolute path
 * when the file is outside that folder (a `--snapshot-dir` elsewhere, without git).
 */
export interface FindingLocation {
  file: string;
  /** 1-based line, or null when only the file is known. */
  line: number | null;
}

export interface Finding {
  /** The check's name (from the checks file). */
  check: string;
  /** The check's kind. */
  kind: string;
  /** `region/site`, or the snapshot folder as given. */
  site: string;
  severity: Severity;
  /** One line a person reads: what is wrong, on what. */
  message: string;
  /** The evidence: the answer row, cells as JSON values (as `--format json` prints them). */
  row: Record<string, unknown>;
  location: FindingLocation | null;
  /** Stable across unrelated edits: check, site and the row's key columns, never line numbers. */
  fingerprint: string;
  /** With a base (--base-dir/--base-ref): new or existing; null without one. */
  baseline: BaselineState | null;
  /** Set when a waiver accepts this finding; waived findings never count toward the exit code. */
  waiver: { reason: string; expires: string | null } | null;
}

export interface CheckResult {
  name: string;
  kind: string;
  site: string;
  status: CheckStatus;
  severity: Severity;
  /** Findings of this check on this site, waived ones included. */
  findings: number;
  durationMs: number;
  /** Why the check could not run (status `error`) or was skipped. */
  error: { message: string; exitCode: number } | null;
  /** The question(s) the check asked. */
  questions: string[];
}

export interface SiteReport {
  /** `region/site`, or the snapshot folder as given. */
  site: string;
  region: string | null;
  /** The site folder as report paths give it (see FindingLocation): `regions/north_america/nyc`. */
  dir: string;
  /**
   * The site's first config file (under `configs/` when it has one), as report paths give it:
   * where readers that need a file and a line (SARIF, Code Quality) put a finding that names no
   * file. Null or absent when the site has no device file or was not scanned.
   */
  firstConfig?: string | null;
  network: string | null;
  snapshot: string | null;
  /** Why nothing could be checked on this site (no configs, Batfish failed), or null. */
  error: { message: string; exitCode: number } | null;
  /** The site's BGP sessions, when a BGP check asked for them (for the markdown report's graph). */
  sessions: SessionEdge[] | null;
}

/** One BGP session (or link) for a picture; the graph renderer owns its shape. */
export type { SessionEdge } from '../render/graph.js';

/** A problem of the checks file, at its place (the path as report paths give it). */
export interface ChecksFileProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/**
 * Why the gate could not run at all (exit 2: a bad checks file or flag; 3: Batfish unreachable;
 * 4: Docker): the report then holds this and no results, so every requested report file is still
 * written and says what went wrong.
 */
export interface RunError {
  message: string;
  exitCode: number;
  hint: string | null;
  /** Every mistake of the checks file, when that is what failed. */
  problems: ChecksFileProblem[];
}

export interface CheckReport {
  netqVersion: string;
  batfishVersion: string | null;
  failOn: FailOn;
  /** --fail-on-existing: with a base, existing findings fail the gate too. */
  failOnExisting: boolean;
  /** The checks file as report paths give it, or null for the built-in checks. */
  checksFile: string | null;
  /** Set when the gate could not run; then sites, checks and findings are empty. */
  error: RunError | null;
  /** A base was given: findings carry new/existing, and `fixed` lists what disappeared. */
  baseline: { kind: 'dir' | 'ref'; value: string } | null;
  sites: SiteReport[];
  checks: CheckResult[];
  /** New findings first, then existing; within each, by site, check and location. */
  findings: Finding[];
  /** Findings of the base that the change made disappear. */
  fixed: Finding[];
  /** Waivers whose date has passed (they no longer waive anything). */
  expiredWaivers: Waiver[];
  summary: {
    checks: Record<CheckStatus, number>;
    findings: { error: number; warning: number; waived: number; new: number; existing: number; fixed: number };
  };
  /** The exit code the gate ends with (0, 1, 2, 3 or 4). */
  exitCode: number;
}
