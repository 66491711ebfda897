import { ExitCode } from '../errors.js';
import { wrapText } from '../render/table.js';
import { NetqCommand } from './base.js';

/** The order categories are listed in by `netq --help`: a site's answers first, the service last. */
const CATEGORY_ORDER = ['Sites', 'BGP', 'Routing', 'Configuration', 'Topology', 'Flows', 'Hygiene', 'Any question', 'CI gate', 'Batfish service'];

/** One command as the overview lists it. */
export interface CommandSummary {
  /** The command path without the binary name, e.g. `bgp-sessions` or `service start`. */
  path: string;
  category: string;
  description: string;
}

/**
 * The overview `netq --help` prints: every command with its one-line description, grouped by
 * category, and no flags (clipanion's own overview lists every flag of every command, about
 * thirty per site command). `netq <command> --help` shows a command's flags and examples.
 */
export function helpOverview(commands: CommandSummary[], header: string): string {
  const byCategory = new Map<string, CommandSummary[]>();
  for (const c of commands) byCategory.set(c.category, [...(byCategory.get(c.category) ?? []), c]);
  const rank = (category: string): number => {
    const i = CATEGORY_ORDER.indexOf(category);
    return i < 0 ? CATEGORY_ORDER.length : i;
  };
  const categories = [...byCategory.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const width = Math.max(...commands.map((c) => c.path.length));
  const lines = [header, '', '  $ netq <command> [flags]', ''];
  for (const category of categories) {
    lines.push(category);
    for (const c of byCategory.get(category)!.sort((a, b) => a.path.localeCompare(b.path))) {
      // Descriptions wrap under themselves, so the overview fits an 80-column terminal.
      const [first = '', ...rest] = wrapText(c.description, Math.max(30, 80 - width - 4)).split('\n');
      lines.push(`  ${c.path.padEnd(width)}  ${first}`, ...rest.map((line) => `${' '.repeat(width + 4)}${line}`));
    }
  }
  lines.push('', 'netq <command> --help shows its flags and examples.');
  return `${lines.join('\n')}\n`;
}

/** `netq --help` / `netq -h`: the one-screen overview of every command. */
export class HelpCommand extends NetqCommand {
  static override paths = [['-h'], ['--help']];
  verbose = false;

  async run(): Promise<number> {
    const binary = this.cli.binaryName;
    const commands = this.cli
      .definitions()
      .filter((d) => d.category !== undefined && d.description !== undefined)
      .map((d) => ({
        path: d.path.replace(new RegExp(`^${binary} `), '').replace(/ <.*$/, ''),
        category: d.category!.trim(),
        description: d.description!.trim(),
      }));
    const header = `${this.cli.binaryLabel ?? binary}${this.cli.binaryVersion ? ` - ${this.cli.binaryVersion}` : ''}`;
    return this.emit({ stdout: helpOverview(commands, header), stderr: '', exitCode: ExitCode.ok });
  }
}
