import { Command, Option } from 'clipanion';
import type { QuestionAsk } from '../app/site-run.js';
import { NetqCommand } from './base.js';
import { SiteCommand } from './site-command.js';

/** The three answers of parse-status, in the order they are printed (the names --table takes). */
export const PARSE_STATUS_TABLES = ['fileParseStatus', 'initIssues', 'parseWarning'] as const;

abstract class ParseStatusFlags extends NetqCommand {
  aggregate = Option.Boolean('--aggregate', {
    description: "Group identical parse warnings into one row with their Source_Lines (--no-aggregate: one row per line; default: the template's own)",
  });
  table = Option.String('--table', {
    description: `Print only this answer: ${PARSE_STATUS_TABLES.join(', ')} (required with --format csv)`,
  });
}

export class ParseStatusCommand extends SiteCommand(ParseStatusFlags) {
  static override paths = [['parse-status']];
  static override usage = Command.Usage({
    category: 'Hygiene',
    description: 'show how Batfish read each config file and what it could not read',
    details: `
      Asks three questions about one snapshot: \`fileParseStatus\` (each file's format, parse
      status and the nodes it produced), \`initIssues\` (what went wrong while loading: unrecognised
      lines, unsupported features, conversion errors) and \`parseWarning\` (each unrecognised line
      with its file and line number, as pybatfish shows them).

      Tables are printed one after another; \`--format json\` prints one document holding the
      three answers under \`answers\` (keyed by question). \`--table NAME\` prints only one of them
      in any format; CSV holds one table, so \`--format csv\` needs it.

      \`--aggregate\` asks parseWarning to group identical warnings into one row with all their
      lines (\`Source_Lines\` instead of \`Filename\` and \`Line\`); without it the template's
      default applies (one row per line).

      Exit codes: 0 ok, 2 bad command line or site, 3 Batfish, 4 Docker, 70 bug.
    `,
    examples: [
      ['How well did Batfish read nyc?', '$0 parse-status -r north_america -s nyc'],
      ['The unrecognised lines as CSV', '$0 parse-status -r north_america -s nyc --table parseWarning --format csv'],
      ['As one JSON document, identical warnings grouped', '$0 parse-status -r north_america -s nyc --format json --aggregate'],
    ],
  });

  override tableChoice(): string | undefined {
    return this.table;
  }

  questions(): QuestionAsk[] {
    return [
      { question: 'fileParseStatus', parameters: {} },
      { question: 'initIssues', parameters: {} },
      { question: 'parseWarning', parameters: { aggregateDuplicates: this.aggregate } },
    ];
  }
}
