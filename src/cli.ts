#!/usr/bin/env node
import { Builtins, Cli } from 'clipanion';
import { CheckCommand } from './commands/check.js';
import { bindNegativeNumbers } from './commands/flags.js';
import { EdgesCommand } from './commands/edges.js';
import { HelpCommand } from './commands/help.js';
import { ParseStatusCommand } from './commands/parse-status.js';
import { QUESTION_COMMAND_CLASSES } from './commands/question-commands.js';
import { AskCommand, QuestionsCommand } from './commands/questions.js';
import { ServiceBuildCommand, ServiceLogsCommand, ServiceStartCommand, ServiceStatusCommand, ServiceStopCommand } from './commands/service.js';
import { SitesCommand } from './commands/sites.js';
import { SummaryCommand } from './commands/summary.js';
import { createServices } from './app/services.js';
import type { NetqContext } from './context.js';
import { ExitCode, InterruptedError } from './errors.js';
import { NETQ_VERSION } from './version.js';

/** Every command netq has. */
export const COMMANDS = [
  ...QUESTION_COMMAND_CLASSES,
  EdgesCommand,
  ParseStatusCommand,
  QuestionsCommand,
  AskCommand,
  SitesCommand,
  SummaryCommand,
  CheckCommand,
  ServiceStartCommand,
  ServiceStopCommand,
  ServiceStatusCommand,
  ServiceLogsCommand,
  ServiceBuildCommand,
];

export function createCli(colors = false): Cli<NetqContext> {
  const cli = new Cli<NetqContext>({
    binaryLabel: 'netq: ask Batfish about your network configs',
    binaryName: 'netq',
    binaryVersion: NETQ_VERSION,
    enableColors: colors,
  });
  for (const command of COMMANDS) cli.register(command);
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
  const cli = createCli(context.colorDepth > 1);
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

async function main(): Promise<void> {
  const controller = new AbortController();
  let interrupted: InterruptedError | undefined;
  let cleaningUp = false;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (interrupted) {
      // A second signal must not skip the clean-up, or a half-started container would be left behind.
      if (!cleaningUp) process.stderr.write('netq: cleaning up first (removing what this run started); netq exits when that is done\n');
      cleaningUp = true;
      return;
    }
    interrupted = new InterruptedError(signal);
    controller.abort(interrupted);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A reader that stops early (`netq routes ... | head -1`) closes stdout: netq has nothing more
  // to say to it, so it ends quietly with exit 0 (answers are written after Batfish work is done).
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.ok);
    throw error;
  });
  const noColor = Boolean(process.env.NO_COLOR);
  const context: NetqContext = {
    ...Cli.defaultContext,
    colorDepth: process.stdout.isTTY && !noColor ? process.stdout.getColorDepth() : 1,
    ...createServices({ signal: controller.signal, env: process.env }),
  };
  const code = await runCli(process.argv.slice(2), context);
  // After an interrupt the command has cleaned up when it returns: nothing left (a request the
  // engine has not answered yet, say) may keep netq running.
  if (interrupted) process.exit(interrupted.exitCode);
  process.exitCode = code;
}

// Run only as a program, not when imported by tests.
if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL((await import('node:fs')).realpathSync(process.argv[1])).href) {
  await main();
}
