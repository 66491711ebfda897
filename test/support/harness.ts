/** Runs netq in-process with captured streams and injected services. */
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli.js';
import { createServices, type ServiceOverrides } from '../../src/app/services.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// netq keeps state (its start lock, template copies, hash caches) under $XDG_RUNTIME_DIR; tests get
// a folder of their own, inherited by the netq processes they start, and removed when they end.
const TEST_STATE = mkdtempSync(path.join(os.tmpdir(), 'netq-test-state-'));
process.env.XDG_RUNTIME_DIR = TEST_STATE;
process.on('exit', () => rmSync(TEST_STATE, { recursive: true, force: true }));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions extends ServiceOverrides {
  env?: Record<string, string | undefined>;
  /** Pretend stdout is a terminal of this width. */
  ttyColumns?: number;
}

/** Runs `netq <argv>` in this process; cwd defaults to the repository root (where regions/ is). */
export async function runNetq(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const { env = {}, ttyColumns, ...services } = options;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (ttyColumns !== undefined) Object.assign(stdout, { isTTY: true, columns: ttyColumns });
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runCli(argv, {
    env: { ...env },
    stdin: process.stdin,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    colorDepth: 1,
    ...createServices({ cwd: REPO_ROOT, ...services }),
  });
  return { code, stdout: out, stderr: err };
}
