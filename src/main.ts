#!/usr/bin/env node
/**
 * The `netq` program. It answers `--version` before loading anything, and otherwise loads the
 * CLI (src/cli.ts), which loads only the command the arguments name.
 */
import type { NetqContext } from './context.js';
import { ExitCode, InterruptedError, formatError, stdoutWriteError } from './errors.js';
import { NETQ_VERSION } from './version.js';

const argv = process.argv.slice(2);

async function main(): Promise<void> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    process.stdout.write(`${NETQ_VERSION}\n`);
    return;
  }
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
  // Any other failure to write (a full disk, a device error) is said on stderr with its own exit code.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.ok);
    const failure = stdoutWriteError(error);
    process.stderr.write(formatError(failure, false));
    process.exit(failure.exitCode);
  });
  const [{ createServices }, { runCli, processContext }] = await Promise.all([import('./app/services.js'), import('./cli.js')]);
  const noColor = Boolean(process.env.NO_COLOR);
  const context: NetqContext = {
    ...processContext(),
    colorDepth: process.stdout.isTTY && !noColor ? process.stdout.getColorDepth() : 1,
    ...createServices({ signal: controller.signal, env: process.env }),
  };
  const code = await runCli(argv, context);
  // After an interrupt the command has cleaned up when it returns: nothing left (a request the
  // engine has not answered yet, say) may keep netq running.
  if (interrupted) process.exit(interrupted.exitCode);
  process.exitCode = code;
}

await main();
