import { Command, Option } from 'clipanion';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describeBinding } from '../docker/endpoint.js';
import { CONTAINER_LOG, LABELS, MANAGED_BY, NETQ_BATFISH_IMAGE, PINNED_BATFISH_IMAGE, formatMemory } from '../docker/lifecycle.js';
import { ExitCode } from '../errors.js';
import { renderJson, renderText } from '../render/index.js';
import { NetqCommand, Verbose } from './base.js';
import { ContainerFlags, apiKeyOf, managedOptionsOf } from './flags.js';

const CATEGORY = 'Batfish service';

export class ServiceStartCommand extends Verbose(ContainerFlags(NetqCommand)) {
  static override paths = [['service', 'start']];
  static override usage = Command.Usage({
    category: CATEGORY,
    description: 'start the Batfish container netq manages (or report the one running)',
    details: `
      Starts Batfish in Docker on a bridge network of netq's own, published on 127.0.0.1 only, and
      waits until it answers; prints its URL. Through a Docker engine on another host (DOCKER_HOST
      tcp:// or ssh:// to an address that is not loopback, e.g. GitLab's docker:dind) the port is
      published on the one address of that host netq reaches the engine through, and a warning
      says that whatever reaches that address can use Batfish (NETQ_BATFISH_HOST_IP names another
      address). Commands then reuse it instead of starting their own. If one is already running
      it is left as it is (a warning says which flags it does not have); with --restart it is
      replaced by one started with the flags given, unless another netq is using it. One published
      where this machine cannot reach it is refused (exit 4), saying so. The container is
      labelled ${LABELS.managedBy}=${MANAGED_BY}; netq finds it by that label. Its log is json-file, rotated at ${CONTAINER_LOG.maxSize} x ${CONTAINER_LOG.maxFiles}.

      Exit codes: 0 running, 2 bad flag (or NETQ_BATFISH_HOST_IP), 4 Docker engine, image or start
      failure, or a running Batfish this machine cannot reach.
    `,
    examples: [
      ['Start Batfish with an 8 GiB memory limit', '$0 service start --memory 8g'],
      ['Start it on a fixed port', '$0 service start --port 9996'],
      ['Replace the running one by one with more memory', '$0 service start --memory 16g --restart'],
    ],
  });

  async run(): Promise<number> {
    const request = managedOptionsOf(this, false);
    const apiKey = apiKeyOf(this);
    const managed = await this.withProgress(async (onEvent) => (await this.context.batfish.containers(onEvent, apiKey)).ensure(request));
    await managed.release();
    this.context.stderr.write(`netq: Batfish ${managed.started ? 'started' : 'already running'}: ${managed.info.name} (${managed.info.image})\n`);
    this.context.stdout.write(`${managed.url}\n`);
    return ExitCode.ok;
  }
}

export class ServiceStopCommand extends Verbose(NetqCommand) {
  static override paths = [['service', 'stop']];
  static override usage = Command.Usage({
    category: CATEGORY,
    description: 'stop and remove every Batfish container netq started',
    details: `
      Removes the containers labelled ${LABELS.managedBy}=${MANAGED_BY}, running or not, and netq's
      network. Snapshots uploaded to them are lost with them. Containers netq did not start are
      never touched.

      Exit codes: 0 done (also when there was nothing to remove), 4 Docker engine failure.
    `,
    examples: [['Stop Batfish', '$0 service stop']],
  });

  async run(): Promise<number> {
    const removed = await this.withProgress(async (onEvent) => (await this.context.batfish.containers(onEvent, '')).removeAll());
    this.context.stderr.write(removed.length ? `netq: removed ${removed.length} container(s): ${removed.map((id) => id.slice(0, 12)).join(', ')}\n` : 'netq: no netq Batfish container to remove\n');
    return ExitCode.ok;
  }
}

abstract class ServiceStatusFlags extends NetqCommand {
  format = Option.String('--format,-f', 'table', { description: 'Output format: table or json' });
}

export class ServiceStatusCommand extends Verbose(ContainerFlags(ServiceStatusFlags)) {
  static override paths = [['service', 'status']];
  static override usage = Command.Usage({
    category: CATEGORY,
    description: 'show the Batfish containers netq manages',
    details: `
      One row per container: name, image, the image that one was built on (for an image made by
      netq service build), state, what the server itself reports as its version
      (GET /v2/version), the URL at which this machine reaches it (or, when it cannot, where the
      engine's host publishes it), uptime and memory limit.

      Exit codes: 0 a netq Batfish is running, 1 none is running, 4 Docker engine failure.
    `,
    examples: [
      ['Is Batfish up?', '$0 service status'],
      ['As JSON', '$0 service status --format json'],
    ],
  });

  async run(): Promise<number> {
    const apiKey = apiKeyOf(this);
    const { batfish } = this.context;
    const now = this.context.clock.now();
    const rows = await this.withProgress(async (onEvent) => {
      const containers = await batfish.containers(onEvent, apiKey);
      const list = await containers.list();
      return Promise.all(
        list.map(async (c) => {
          const reachable = c.hostPort ? await containers.urlOf(c) : undefined;
          const url = c.running && !c.paused ? reachable : undefined;
          // Where the engine's host publishes it (docker inspect's HostIp:HostPort), reachable from here or not.
          const published = c.bindings.length ? c.bindings.map(describeBinding).join(' ') : null;
          const [version, base] = await Promise.all([
            url
              ? batfish.version(url, apiKey).then(
                  (v) => v.batfish,
                  () => 'not answering',
                )
              : undefined,
            containers.baseImageOf(c),
          ]);
          const uptimeSeconds = c.running && c.startedAt ? Math.max(0, Math.round((now - Date.parse(c.startedAt)) / 1000)) : undefined;
          return {
            name: c.name,
            id: c.id.slice(0, 12),
            image: c.image,
            baseImage: base ?? null,
            state: c.state,
            ephemeral: c.labels[LABELS.ephemeral] === 'true',
            batfishVersion: version ?? null,
            url: url ?? null,
            published,
            reachable: reachable !== undefined,
            uptimeSeconds: uptimeSeconds ?? null,
            memoryLimit: c.memoryLimitBytes ? formatMemory(c.memoryLimitBytes) : null,
          };
        }),
      );
    });
    if (this.format === 'json') {
      this.context.stdout.write(renderJson({ containers: rows }));
    } else if (rows.length === 0) {
      this.context.stderr.write('netq: no netq Batfish container (netq service start starts one)\n');
    } else {
      const table = {
        columns: ['Name', 'Image', 'Built on', 'State', 'Batfish version', 'URL', 'Uptime', 'Memory'].map((name) => ({ name, schema: 'String' })),
        rows: rows.map((r) => ({
          Name: r.ephemeral ? `${r.name} (ephemeral)` : r.name,
          Image: r.image,
          'Built on': r.baseImage,
          State: r.state,
          'Batfish version': r.batfishVersion,
          URL: r.url ?? (r.published && !r.reachable ? `${r.published} of the engine's host (not reachable from here)` : null),
          Uptime: r.uptimeSeconds === null ? null : formatDuration(r.uptimeSeconds),
          Memory: r.memoryLimit ?? 'no limit',
        })),
      };
      this.context.stdout.write(renderText(table, 'table', this.terminal()));
    }
    return rows.some((r) => r.state === 'running') ? ExitCode.ok : ExitCode.findings;
  }
}

abstract class ServiceLogsFlags extends NetqCommand {
  tail = Option.String('--tail', '100', { description: 'How many lines from the end (default 100)' });
  follow = Option.Boolean('--follow', false, { description: 'Keep printing new lines until Ctrl-C' });
}

export class ServiceLogsCommand extends Verbose(ServiceLogsFlags) {
  static override paths = [['service', 'logs']];
  static override usage = Command.Usage({
    category: CATEGORY,
    description: "print the log of netq's Batfish container",
    details: `
      Prints the last lines of the running netq Batfish container's log (stdout and stderr), or
      keeps following it with --follow.

      Exit codes: 0 printed, 1 no netq Batfish container, 4 Docker engine failure.
    `,
    examples: [
      ['The last 100 lines', '$0 service logs'],
      ['Follow the log', '$0 service logs --follow'],
    ],
  });

  async run(): Promise<number> {
    const engine = this.context.batfish.engine();
    const list = await this.withProgress(async (onEvent) => (await this.context.batfish.containers(onEvent, '')).list());
    const container = list.find((c) => c.running) ?? list.at(-1);
    if (!container) {
      this.context.stderr.write('netq: no netq Batfish container\n');
      return ExitCode.findings;
    }
    const tail = Number(this.tail) || 100;
    if (!this.follow) {
      this.context.stdout.write(await engine.logs(container.id, tail));
      return ExitCode.ok;
    }
    // The stream ends on the first Ctrl-C (the signal), and so does the command.
    const stream = await engine.followLogs(container.id, tail, this.context.signal);
    stream.pipe(this.context.stdout, { end: false });
    await new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
    });
    return ExitCode.ok;
  }
}

abstract class ServiceBuildFlags extends NetqCommand {
  baseImage = Option.String('--base-image', { description: `Base image (the BATFISH_IMAGE build argument; default ${PINNED_BATFISH_IMAGE})` });
  tag = Option.String('--tag', { description: `Tag of the built image (default ${NETQ_BATFISH_IMAGE})` });
}

export class ServiceBuildCommand extends Verbose(ServiceBuildFlags) {
  static override paths = [['service', 'build']];
  static override usage = Command.Usage({
    category: CATEGORY,
    description: `build the Batfish image netq runs (${NETQ_BATFISH_IMAGE}) from Dockerfile-batfish`,
    details: `
      Builds Dockerfile-batfish (shipped with netq) on top of the pinned ${PINNED_BATFISH_IMAGE},
      or on --base-image, and tags it ${NETQ_BATFISH_IMAGE}. Commands prefer this image when it
      exists. The image carries the label ${LABELS.baseImage} naming its base, which
      netq service status shows. The build needs the base image here or pullable (a mirror, or
      docker load of a saved copy). Errors inside the build output fail the command, and the image
      is checked afterwards.

      Exit codes: 0 built, 4 Docker engine or build failure.
    `,
    examples: [
      ['Build on the pinned upstream image', '$0 service build'],
      ['Build on an image from your registry', '$0 service build --base-image registry.example.com/batfish/batfish:2025.07.07.2423'],
    ],
  });

  async run(): Promise<number> {
    const progress = this.progress();
    try {
      const containers = await this.context.batfish.containers(() => {}, '');
      const options = { contextDir: packageRoot(), ...(this.baseImage ? { base: this.baseImage } : {}), ...(this.tag ? { tag: this.tag } : {}) };
      progress.phase(`building ${options.tag ?? containers.names.localImage} from ${options.base ?? containers.names.pinnedImage}`);
      const built = await containers.buildImage(options, (event) => {
        if (this.verbose) progress.note(`netq: build: ${event.text}`);
        progress.phase(`building: ${event.text.slice(0, 60)}`);
      });
      progress.stop();
      this.context.stderr.write(`netq: built ${built.tag} (base ${built.base})\n`);
      this.context.stdout.write(`${built.tag}\n`);
      return ExitCode.ok;
    } finally {
      progress.stop();
    }
  }
}

/** The folder holding netq's package.json and Dockerfile-batfish. */
function packageRoot(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('../../package.json'));
}

function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}
