/**
 * Starts the bench's simulator (bench/sim-process.ts) in a child process on loopback and drives it:
 * work delays, canned answers, forgetting every snapshot, and what it saw (requests, work time).
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One finished work item and the time the server spent on it (its own start to end). */
export interface WorkTime {
  kind: string;
  ms: number;
  /** How long it waited, ready and with the worker free, for the server to start it (its scheduling). */
  waitMs: number;
}

export type SimCommand =
  | {
      cmd: 'configure';
      delays: { parseMs: number; dataplaneMs: number; answerMs: number };
      /** Answers served as they are from a file, for requests whose path matches (a RegExp source). */
      faults?: Array<{ method?: string; path: string; bodyFile: string }>;
    }
  | { cmd: 'reset' }
  | { cmd: 'stats' };

export type SimReply = { ok: true; url?: string; requests?: number; work?: WorkTime[] } | { ok: false; error: string };

/** What the simulator saw between two `stats()` calls. */
export interface SimDelta {
  requests: number;
  /** Work items finished (answers among them), and the server's own time on them. */
  items: number;
  answers: number;
  workMs: number;
  /** The server's own scheduling delays on those items (see WorkTime.waitMs). */
  scheduleMs: number;
}

export class SimControl {
  #nextId = 1;
  #pending = new Map<number, (reply: SimReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (message: { id: number; reply: SimReply }) => {
      this.#pending.get(message.id)?.(message.reply);
      this.#pending.delete(message.id);
    });
  }

  static async start(): Promise<SimControl> {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sim-process.ts');
    const child = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('message', (message: { reply: SimReply }) =>
        message.reply.ok && message.reply.url ? resolve(message.reply.url) : reject(new Error('the simulator did not start')),
      );
      child.once('exit', (code) => reject(new Error(`the simulator exited with ${code}`)));
    });
    return new SimControl(child, url);
  }

  async send(command: SimCommand): Promise<SimReply & { ok: true }> {
    const id = this.#nextId++;
    const reply = await new Promise<SimReply>((resolve) => {
      this.#pending.set(id, resolve);
      this.child.send({ id, command });
    });
    if (!reply.ok) throw new Error(`simulator: ${reply.error}`);
    return reply;
  }

  configure(
    delays: { parseMs: number; dataplaneMs: number; answerMs: number },
    faults: Array<{ method?: string; path: string; bodyFile: string }> = [],
  ): Promise<unknown> {
    return this.send({ cmd: 'configure', delays, faults });
  }

  reset(): Promise<unknown> {
    return this.send({ cmd: 'reset' });
  }

  /** Runs `fn` and returns what the simulator saw meanwhile, with fn's result. */
  async observe<T>(fn: () => Promise<T>): Promise<{ result: T; seen: SimDelta }> {
    const before = await this.send({ cmd: 'stats' });
    const result = await fn();
    const after = await this.send({ cmd: 'stats' });
    const items = (after.work ?? []).slice((before.work ?? []).length);
    return {
      result,
      seen: {
        requests: (after.requests ?? 0) - (before.requests ?? 0),
        items: items.length,
        answers: items.filter((w) => w.kind.includes('ANSWERING')).length,
        workMs: items.reduce((sum, w) => sum + w.ms, 0),
        scheduleMs: items.reduce((sum, w) => sum + w.waitMs, 0),
      },
    };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    await exited;
  }
}
