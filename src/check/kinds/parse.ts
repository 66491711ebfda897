/** Parse health: files Batfish could not read, nodes it could not convert. */
import { evidence, fileLinesOf, fileLocation, firstLineOf, locationOf, need, option, rowLocation, text, type FileLines } from './helpers.js';
import type { CheckKind, FindingDraft } from './types.js';

const PARSE_WARNING = 'Parse warning';
const PARSE_ERROR = 'Parse error';
const CONVERT_ERROR = 'Convert error';

export const parseClean: CheckKind = {
  kind: 'parse-clean',
  description:
    'config files Batfish could not parse (FAILED), or only partly (PARTIALLY_UNRECOGNIZED, warnings), and nodes it could not convert',
  defaultSeverity: 'error',
  options: [
    { name: 'allow-partial', type: 'boolean', description: 'accept partially recognised files', default: false },
  ],
  rule: { short: 'Batfish reads every configuration file completely' },
  questions: () => ({
    files: { question: 'fileParseStatus', parameters: {} },
    issues: { question: 'initIssues', parameters: {} },
  }),
  evaluate: (spec, { files, issues }, site) => {
    if (!files || !issues) return [];
    need(files, 'Status', 'fileParseStatus');
    need(files, 'File_Name', 'fileParseStatus');
    const allowPartial = option(spec, 'allow-partial', false);
    // initIssues rows that name a file, so a file's finding can point at the offending line.
    const issuesOf = (file: string, type: string): Array<{ row: Record<string, unknown>; lines: FileLines }> =>
      issues.rows.flatMap((row) => {
        if (text(issues, row, 'Type') !== type) return [];
        const lines = fileLinesOf(row.Source_Lines).find((fl) => fl.filename === file);
        return lines ? [{ row, lines }] : [];
      });
    const drafts: FindingDraft[] = [];
    for (const row of files.rows) {
      const file = text(files, row, 'File_Name');
      const status = text(files, row, 'Status');
      if (status === 'FAILED') {
        const error = issuesOf(file, PARSE_ERROR)[0];
        const details = error ? firstLineOf(text(issues, error.row, 'Details')) : '';
        drafts.push({
          message: `${file} failed to parse${details ? `: ${details}` : ''}`,
          row: evidence(files, row),
          location: locationOf(site, error?.lines) ?? fileLocation(site, file, null),
          keyValues: ['FAILED', file],
        });
      } else if (status === 'PARTIALLY_UNRECOGNIZED' && !allowPartial) {
        const warnings = issuesOf(file, PARSE_WARNING);
        if (warnings.length === 0) {
          drafts.push({
            message: `${file} is only partially recognised`,
            row: evidence(files, row),
            location: fileLocation(site, file, null),
            keyValues: ['PARTIALLY_UNRECOGNIZED', file],
            severity: 'warning',
          });
        }
        for (const { row: issue, lines } of warnings) {
          const lineText = text(issues, issue, 'Line_Text');
          drafts.push({
            message: `${file}: Batfish does not recognise '${firstLineOf(lineText, 100)}'`,
            row: evidence(issues, issue),
            location: locationOf(site, lines),
            keyValues: ['PARTIALLY_UNRECOGNIZED', file, lineText],
            severity: 'warning',
          });
        }
      }
    }
    // A node that failed to convert is missing from every other answer: as bad as a failed parse.
    for (const row of issues.rows) {
      if (text(issues, row, 'Type') !== CONVERT_ERROR) continue;
      const nodes = text(issues, row, 'Nodes');
      const details = text(issues, row, 'Details');
      drafts.push({
        message: `${nodes || 'a node'} could not be converted: ${firstLineOf(details)}`,
        row: evidence(issues, row),
        location: rowLocation(issues, row, site),
        keyValues: ['CONVERT_ERROR', nodes, firstLineOf(details)],
      });
    }
    return drafts;
  },
};

/**
 * Parse coverage: every line Batfish did not understand, and every issue it had initialising the
 * snapshot, as a finding on its line. Meant for a gate with a base (`--base-ref`, `--base-dir`):
 * an issue is known by its type, file and line text (never its line number, which moves when
 * lines are added above it), so only the ones the change introduced are new and fail.
 */
export const parseCoverage: CheckKind = {
  kind: 'parse-coverage',
  description:
    'lines Batfish does not recognise and other parse or conversion issues, each on its line; with a base, only the ones the change introduced fail',
  defaultSeverity: 'error',
  options: [
    { name: 'include-convert-warnings', type: 'boolean', description: "also report conversion warnings (Batfish's red flags)", default: false },
  ],
  rule: { short: 'A change adds no configuration Batfish does not understand' },
  questions: () => ({ issues: { question: 'initIssues', parameters: {} } }),
  evaluate: (spec, { issues }, site) => {
    if (!issues) return [];
    need(issues, 'Type', 'initIssues');
    const convertWarnings = option(spec, 'include-convert-warnings', false);
    const drafts: FindingDraft[] = [];
    for (const row of issues.rows) {
      const type = text(issues, row, 'Type');
      if (/^Convert warning/.test(type) && !convertWarnings) continue;
      const lineText = text(issues, row, 'Line_Text');
      const details = firstLineOf(text(issues, row, 'Details'));
      const files = fileLinesOf(row.Source_Lines).filter((fl) => fl.filename !== '');
      if (files.length === 0) {
        const nodes = text(issues, row, 'Nodes');
        drafts.push({
          message: `${type}${nodes ? ` on ${nodes}` : ''}: ${details || lineText}`,
          row: evidence(issues, row),
          location: null,
          keyValues: [type, nodes, details],
        });
        continue;
      }
      for (const lines of files) {
        const what = lineText ? `'${firstLineOf(lineText, 100)}'` : details;
        drafts.push({
          message: `${lines.filename}: ${type === PARSE_WARNING ? `Batfish does not recognise ${what}` : `${type.toLowerCase()}: ${what}`}`,
          row: evidence(issues, row),
          location: locationOf(site, lines),
          keyValues: [type, lines.filename, lineText || details],
        });
      }
    }
    return drafts;
  },
};
