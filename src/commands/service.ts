import { Command, Option } from 'clipanion';
import { CONTAINER_LOG, LABELS, MANAGED_BY, buildServiceImage, serviceLogs, serviceStatus, startService, stopService } from '../app/containers.js';
import { NETQ_BATFISH_IMAGE, PINNED_BATFISH_IMAGE } from '../app/defaults.js';
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
    const managed = await this.withProgress((onEvent) => startService(this.context.batfish, request, apiKey, onEvent));
    this.note(`netq: Batfish ${managed.started ? 'started' : 'already running'}: ${managed.name} (${managed.image})`);
    return this.emit({ stdout: `${managed.url}\n`, stderr: '', exitCode: ExitCode.ok });
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
    const removed = await this.withProgress((onEvent) => stopService(this.context.batfish, onEvent));
    this.note(removed.length ? `netq: removed ${removed.length} container(s): ${removed.map((id) => id.slice(0, 12)).join(', ')}` : 'netq: no netq Batfish container to remove');
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
    const rows = await this.withProgress((onEvent) => serviceStatus(this.context.batfish, apiKey, this.context.clock.now(), onEvent));
    const exitCode = rows.some((r) => r.state === 'running') ? ExitCode.ok : ExitCode.findings;
    if (this.format === 'json') return this.emit({ stdout: renderJson({ containers: rows }), stderr: '', exitCode });
    if (rows.length === 0) return this.emit({ stdout: '', stderr: 'netq: no netq Batfish container (netq service start starts one)\n', exitCode });
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
    return this.emit({ stdout: renderText(table, 'table', this.terminal()), stderr: '', exitCode });
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
    const tail = Number(this.tail) || 100;
    // Followed, the log ends on the first Ctrl-C (the signal), and so does the command.
    const options = { tail, follow: this.follow, signal: this.context.signal };
    const log = await this.withProgress((onEvent) => serviceLogs(this.context.batfish, options, onEvent));
    if (log === undefined) return this.emit({ stdout: '', stderr: 'netq: no netq Batfish container\n', exitCode: ExitCode.findings });
    return this.emit({ stdout: log, stderr: '', exitCode: ExitCode.ok });
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
      const options = { ...(this.baseImage ? { base: this.baseImage } : {}), ...(this.tag ? { tag: this.tag } : {}) };
      const built = await buildServiceImage(
        this.context.batfish,
        options,
        (text) => progress.phase(text),
        (text) => {
          if (this.verbose) progress.note(`netq: build: ${text}`);
          progress.phase(`building: ${text.slice(0, 60)}`);
        },
      );
      progress.stop();
      this.note(`netq: built ${built.tag} (base ${built.base})`);
      return this.emit({ stdout: `${built.tag}\n`, stderr: '', exitCode: ExitCode.ok });
    } finally {
      progress.stop();
    }
  }
}

function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}
