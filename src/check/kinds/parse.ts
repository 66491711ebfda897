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
