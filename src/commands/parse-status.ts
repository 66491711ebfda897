import { Command, Option } from 'clipanion';
import type { QuestionAsk } from '../app/site-run.js';
import { NetqCommand } from './base.js';
import { SiteCommand } from './site-command.js';

abstract class ParseStatusFlags extends NetqCommand {
  aggregate = Option.Boolean('--aggregate', true, {
    description: 'Group identical parse warnings (default; --no-aggregate lists each)',
  });
}

export class ParseStatusCommand extends SiteCommand(ParseStatusFlags) {
  static override paths = [['parse-status']];
  static override usage = Command.Usage({
    category: 'Hygiene',
    description: 'show how Batfish read each config file, and what it could not read',
    details: `
      Asks three questions about one snapshot: \`fileParseStatus\` (each file's format, parse
      status and the nodes it produced), \`initIssues\` (what went wrong while loading: unrecognised
      lines, unsupported features, conversion errors) and \`parseWarning\` (each unrecognised line
      with its file and line number). Tables are printed one after another; \`--format json\`
      prints a list of three answers.

      Exit codes: 0 ok, 2 bad command line or site, 3 Batfish, 4 Docker, 70 bug.
    `,
    examples: [
      ['How well did Batfish read nyc?', '$0 parse-status -r north_america -s nyc'],
      ['As JSON, warnings not grouped', '$0 parse-status -r north_america -s nyc --format json --no-aggregate'],
    ],
  });


  questions(): QuestionAsk[] {
    return [
      { question: 'fileParseStatus', parameters: {} },
      { question: 'initIssues', parameters: {} },
      { question: 'parseWarning', parameters: { aggregateDuplicates: this.aggregate } },
    ];
  }
}
