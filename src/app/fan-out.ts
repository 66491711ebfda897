/**
 * The one fan-out over sites, behind `--all`, `summary --all` and `netq check`: every site is
 * prepared (checked, scanned, named) first, then worked on through its Batfish, `concurrency`
 * sites at a time, with one error policy:
 *
 * - a site that cannot be prepared (no configs, a bad name) is that site's error, and costs no
 *   request; when no site can be, nothing connects;
 * - a NetqError while a site is worked on (a parse failure, an answer that did not come in time,
 *   a check that cannot run) is that site's error, and the others go on;
 * - a Batfish that refuses connections stops the sites not started yet on it (their error is that
 *   one), and keeps what is done;
 * - an interrupt, an output failure and a bug stop everything (thrown).
 *
 * The Batfish of each site comes from one function (`targetOf`); sites on one target share one
 * connection, made when its first site needs it and released at the end.
 */
import pLimit from 'p-limit';
import { BatfishTimeoutError, BatfishUnreachableError, ExitCode, NetqError } from '../errors.js';
import type { BatfishConnection, BatfishProvider, BatfishTarget } from './provider.js';
import { sourceName, type RunDeps, type SnapshotSource } from './site-run.js';
import { prepareSnapshot, type PreparedSnapshot } from './site-snapshots.js';
import type { TargetChooser } from './targets.js';

/** What happened to one site: the work's value, or the error that stopped it. */
export interface SiteOutcome<T> {
  source: SnapshotSource;
  /** `region/site`, or the snapshot folder. */
  name: string;
  /** Undefined when the site could not be prepared. */
  site?: PreparedSnapshot;
  value?: T;
  error?: NetqError;
}

export interface FanOutRequest {
  sources: SnapshotSource[];
  /** The Batfish network (default: each site's region). */
  network?: string;
  targetOf: TargetChooser;
  concurrency: number;
}

export interface FanOutResult<T> {
  outcomes: Array<SiteOutcome<T>>;
  /** The Batfish versions of the servers asked (empty when none was). */
  batfishVersions: string[];
}

/** The errors that stop the whole fan-out instead of one site. */
function stopsEverything(error: unknown): boolean {
  return !(error instanceof NetqError) || error.exitCode === ExitCode.internal || error.exitCode === ExitCode.output || error.exitCode === ExitCode.interrupted || error.exitCode === ExitCode.terminated;
}

/**
 * Runs `work` for every site through its Batfish. `onConnect` runs once per connection before
 * its first site (e.g. preparing the questions every site asks on that server).
 */
export async function fanOut<T, C>(
  provider: Pick<BatfishProvider, 'connect'>,
  request: FanOutRequest,
  deps: RunDeps,
  onConnect: (connection: BatfishConnection) => Promise<C>,
  work: (site: PreparedSnapshot, connection: BatfishConnection, prepared: C) => Promise<T>,
): Promise<FanOutResult<T>> {
  const outcomes = await Promise.all(
    request.sources.map(async (source): Promise<SiteOutcome<T>> => {
      const name = sourceName(source);
      try {
        return { source, name, site: await prepareSnapshot(source, request.network, deps) };
      } catch (error) {
        if (!(error instanceof NetqError) || error.exitCode !== ExitCode.usage) throw error;
        return { source, name, error };
      }
    }),
  );
  const servers = new Map<string, { connection: Promise<BatfishConnection>; prepared: Promise<C>; unreachable?: NetqError }>();
  const serverOf = (target: BatfishTarget) => {
    const key = JSON.stringify(target);
    let server = servers.get(key);
    if (!server) {
      const connection = provider.connect(target, deps.onEvent);
      server = { connection, prepared: connection.then(onConnect) };
      // Awaited where used; a failed connect must not also be an unhandled rejection here.
      server.prepared.catch(() => undefined);
      servers.set(key, server);
    }
    return server;
  };
  try {
    const limit = pLimit(Math.max(1, request.concurrency));
    await Promise.all(
      outcomes.map((outcome) =>
        limit(async () => {
          if (!outcome.site) return;
          const server = serverOf(request.targetOf(outcome.source));
          if (server.unreachable) {
            outcome.error = server.unreachable;
            return;
          }
          const [connection, prepared] = await Promise.all([server.connection, server.prepared]);
          try {
            outcome.value = await work(outcome.site, connection, prepared);
          } catch (failure) {
            if (stopsEverything(failure)) throw failure;
            // A request that timed out is this site's (the server took it and did not answer);
            // no connection at all means no site can be asked there any more.
            if (failure instanceof BatfishUnreachableError && !(failure instanceof BatfishTimeoutError)) server.unreachable ??= failure;
            outcome.error = failure as NetqError;
          }
        }),
      ),
    );
    const connected = await Promise.all([...servers.values()].map((s) => s.connection));
    return { outcomes, batfishVersions: [...new Set(connected.map((c) => c.version.batfish))] };
  } finally {
    await Promise.all([...servers.values()].map((s) => s.connection.then((c) => c.release(), () => undefined)));
  }
}
