/**
 * The speed bench's Batfish: the test simulator (test/support/simulator.ts) in its own process, so
 * its work (unzipping a 250 MB upload, serving a 40 MB answer) never stalls the bench's clock.
 * Forked by bench/sim-control.ts, which drives it over the IPC channel.
 */
import { readFileSync } from 'node:fs';
import { startSimulator, type Fault, type SimulatorOptions } from '../test/support/simulator.js';
import type { SimCommand, SimReply, WorkTime } from './sim-control.js';

/** The API key of the process's own requests (work times), so request counts leave them out. */
const OWN_KEY = 'netq-bench-own-requests';

const sim = await startSimulator({ parseMs: 0, dataplaneMs: 0, answerMs: 0 });
/** Work items already counted, with what they took on the server. */
const counted = new Map<string, WorkTime>();
/** Every counted item's times on the server (ms since the epoch), to tell its scheduling waits. */
const spans: Array<{ id: string; created: number; start: number; end: number }> = [];

async function workTimes(): Promise<WorkTime[]> {
  const fresh = new Set<string>();
  // Deleted snapshots too: a run that deletes its forks at the end did that work all the same.
  const done = [
    ...[...sim.networks.values()].flatMap((network) => [...network.snapshots.values()].map((snapshot) => ({ network: network.name, completed: snapshot.completed }))),
    ...sim.deletedSnapshots,
  ];
  for (const network of done) {
    // The simulator keeps each item's status with its start (task.obtained) and end; ask for it as a client would.
    for (const item of network.completed) {
      if (counted.has(item.id)) continue;
      const response = await fetch(`${sim.url}/v2/networks/${encodeURIComponent(network.network)}/work/${item.id}`, {
        headers: { 'X-Batfish-Apikey': OWN_KEY, 'X-Batfish-Version': '2025.07.07.2423' },
      });
      const status = (await response.json()) as { task?: { obtained?: string; terminated?: string } };
      const start = Date.parse(status.task?.obtained ?? '');
      const end = Date.parse(status.task?.terminated ?? '');
      const ok = Number.isFinite(start) && Number.isFinite(end);
      counted.set(item.id, { kind: item.workType, ms: ok ? end - start : 0, waitMs: 0 });
      if (ok) spans.push({ id: item.id, created: Date.parse(item.dateCreated), start, end });
      fresh.add(item.id);
    }
  }
  // The worker takes one item at a time. An item that was queued while the worker was free (or
  // queued behind the one before) and still not started is waiting on the server's own scheduling
  // (the simulator assigns work on a 10 ms tick, Batfish on a 100 ms one): that wait is the server's.
  spans.sort((a, b) => a.start - b.start);
  let previousEnd = -Infinity;
  for (const span of spans) {
    const ready = Math.max(previousEnd, Number.isFinite(span.created) ? span.created : span.start);
    if (fresh.has(span.id)) counted.get(span.id)!.waitMs = Math.max(0, span.start - ready);
    previousEnd = Math.max(previousEnd, span.end);
  }
  return [...counted.values()];
}

async function handle(command: SimCommand): Promise<SimReply> {
  switch (command.cmd) {
    case 'configure': {
      const faults: Fault[] = (command.faults ?? []).map((f) => ({
        ...(f.method ? { method: f.method } : {}),
        path: new RegExp(f.path),
        respond: { status: 200, body: readFileSync(f.bodyFile, 'utf8'), contentType: 'application/json' },
      }));
      const options: SimulatorOptions = { ...sim.options, ...command.delays, faults };
      sim.options = options;
      return { ok: true };
    }
    case 'reset':
      // Forget every network: the next run of any site is a cold one (upload and parse).
      sim.networks.clear();
      return { ok: true };
    case 'stats':
      return { ok: true, requests: sim.requests.filter((r) => r.headers['x-batfish-apikey'] !== OWN_KEY).length, work: await workTimes() };
  }
}

process.on('message', (message: { id: number; command: SimCommand }) => {
  void handle(message.command).then(
    (reply) => process.send?.({ id: message.id, reply }),
    (error: unknown) => process.send?.({ id: message.id, reply: { ok: false, error: String(error) } }),
  );
});
process.on('disconnect', () => void sim.stop().then(() => process.exit(0)));
process.send?.({ id: 0, reply: { ok: true, url: sim.url } });
