import { Builtins, Cli, type CommandClass } from 'clipanion';
import { bindNegativeNumbers } from './commands/argv.js';
import { HelpCommand } from './commands/help.js';
import { allCommands, commandsFor } from './commands/registry.js';
import type { NetqContext } from './context.js';
import { ExitCode } from './errors.js';
import { NETQ_VERSION } from './version.js';

/** The process's streams and environment, as clipanion describes them. */
export function processContext(): typeof Cli.defaultContext {
  return Cli.defaultContext;
}

/** A clipanion CLI with the given commands (default: every command) and netq's overview and version. */
export async function createCli(colors = false, commands?: Array<CommandClass<NetqContext>>): Promise<Cli<NetqContext>> {
  const cli = new Cli<NetqContext>({
    binaryLabel: 'netq: ask Batfish about your network configs',
    binaryName: 'netq',
    binaryVersion: NETQ_VERSION,
    enableColors: colors,
  });
  for (const command of commands ?? (await allCommands())) cli.register(command);
  // netq's own overview: one line per command, grouped by category (clipanion's lists every flag).
  cli.register(HelpCommand);
  cli.register(Builtins.VersionCommand);
  return cli;
}

/**
 * Runs netq with the given arguments and context and returns the exit code. Command-line errors
 * go to stderr with exit code 2 (clipanion alone would print them to stdout and exit 1).
 */
export async function runCli(argv: string[], context: NetqContext): Promise<number> {
  const cli = await createCli(context.colorDepth > 1, await commandsFor(argv));
  let command;
  try {
    // `netq` alone shows the overview, as `netq --help` does.
    command = cli.process(argv.length === 0 ? ['--help'] : bindNegativeNumbers(argv), context);
  } catch (error) {
    context.stderr.write(cli.error(error instanceof Error ? error : new Error(String(error)), { colored: false }));
    return ExitCode.usage;
  }
  return cli.run(command, context);
}
