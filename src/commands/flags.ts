/**
 * The flag groups commands are composed of, each declared once: container flags, Batfish flags,
 * site flags and output flags. A command applies the groups it needs on top of its own flags, so
 * its own flags lead its --help. The pure functions at the end turn flag values into the plain
 * request objects of the application layer.
 */
import { Option } from 'clipanion';
import * as t from 'typanion';
import { DEFAULTS, NETQ_BATFISH_IMAGE, PINNED_BATFISH_IMAGE } from '../app/defaults.js';
import type { SnapshotSettings, SnapshotSource } from '../app/site-run.js';
import type { BatfishChoice, ContainerChoice } from '../app/targets.js';
import { InputError } from '../errors.js';
import { ANSWER_FORMATS } from '../output.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../render/index.js';
import type { AbstractCommandClass, NetqCommand } from './base.js';

/** A number of seconds of at least `min`; the message names the unit and the value given. */
const seconds = (min: number) =>
  t.cascade(t.isNumber(), [
    t.makeValidator<number, number>({
      test: (value, state) => {
        if (value >= min) return true;
        state?.errors?.push(`.: must be at least ${min} (seconds), got ${value}`);
        return false;
      },
    }),
  ]);
const wholeNumber = (min: number) => t.cascade(t.isNumber(), [t.isInteger(), t.isAtLeast(min)]);

/** Flags of a Batfish container netq starts (and the API key it is probed with). */
export function ContainerFlags<TBase extends AbstractCommandClass<NetqCommand>>(Base: TBase) {
  abstract class WithContainerFlags extends Base {
    image = Option.String('--image', {
      env: 'NETQ_BATFISH_IMAGE',
      description: `Batfish image to run (env NETQ_BATFISH_IMAGE; default ${NETQ_BATFISH_IMAGE} when built, else ${PINNED_BATFISH_IMAGE})`,
    });
    port = Option.String('--port', {
      description: 'Host port for a Batfish netq starts (on 127.0.0.1, or on a remote engine host\'s address; default: a free one)',
      validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 65535)]),
    });
    memory = Option.String('--memory', {
      description: "Memory limit of a Batfish netq starts, e.g. 8g (Batfish's heap is 80% of it; default: no limit)",
    });
    jvmOpts = Option.String('--jvm-opts', { description: 'Extra JVM options for a Batfish netq starts (passed as JAVA_TOOL_OPTIONS)' });
    startupTimeout = Option.String('--startup-timeout', {
      description: `Seconds to wait for a Batfish netq starts, or another netq is starting, to answer (default ${DEFAULTS.startupTimeoutMs / 1000})`,
      validator: seconds(1),
    });
    restart = Option.Boolean('--restart', false, {
      description: 'Replace the running Batfish by one started with these flags, unless another netq is using it',
    });
    apiKeyFlag = Option.String('--api-key', {
      description: 'Batfish API key (env NETQ_BATFISH_API_KEY; default: the stock server key)',
    });

    /**
     * --api-key, else NETQ_BATFISH_API_KEY. Read here rather than with clipanion's `env`, which
     * takes an empty variable for an unset one: an empty key must be an error, not the default.
     */
    get apiKey(): string | undefined {
      return this.apiKeyFlag ?? this.context.env.NETQ_BATFISH_API_KEY;
    }
  }
  return WithContainerFlags;
}

/** Flags of commands that talk to a Batfish: a given URL, or netq's managed container. */
export function BatfishFlags<TBase extends AbstractCommandClass<NetqCommand>>(Base: TBase) {
  abstract class WithBatfishFlags extends ContainerFlags(Base) {
    batfishUrl = Option.String('--batfish-url', {
      env: 'NETQ_BATFISH_URL',
      description: "Use this running Batfish, e.g. http://10.0.0.5:9996, instead of netq's container (env NETQ_BATFISH_URL)",
    });
    ephemeral = Option.Boolean('--ephemeral', false, { description: 'Start a private Batfish for this command only, and remove it afterwards' });
    connectTimeout = Option.String('--connect-timeout', {
      env: 'NETQ_CONNECT_TIMEOUT',
      description: `Seconds to wait for a --batfish-url server that refuses connections, e.g. while it starts (default ${DEFAULTS.connectTimeoutMs / 1000}, env NETQ_CONNECT_TIMEOUT)`,
      validator: seconds(0),
    });
  }
  return WithBatfishFlags;
}

/** Flags that choose the snapshot(s) and how the server keeps them. */
export function SiteFlags<TBase extends AbstractCommandClass<NetqCommand>>(Base: TBase) {
  abstract class WithSiteFlags extends Base {
    region = Option.String('-r,--region', { description: 'Region folder under the regions directory' });
    site = Option.String('-s,--site', { description: 'Site folder within the region' });
    all = Option.Boolean('--all', false, { description: 'Every site of --region (or of every region when none is given), through one Batfish' });
    regionsDir = Option.String('--regions-dir', DEFAULTS.regionsDir, {
      env: 'NETQ_REGIONS_DIR',
      description: 'Folder that holds <region>/<site>/configs (default ./regions, env NETQ_REGIONS_DIR)',
    });
    snapshotDir = Option.String('--snapshot-dir', { description: 'Use any Batfish snapshot folder (holding configs/, hosts/, ...) instead of a site' });
    referenceDir = Option.String('--reference-dir', { description: 'Compare with this snapshot folder: answers show Snapshot_ and Reference_ columns' });
    reference = Option.String('--reference', { description: 'Compare with this site, as REGION/SITE (same regions folder)' });
    network = Option.String('--network', { description: 'Batfish network to use (default: the region name, or "netq" with --snapshot-dir)' });
    fresh = Option.Boolean('--fresh', false, { description: 'Upload and parse the snapshot again even if Batfish already has it' });
    keepSnapshots = Option.String('--keep-snapshots', String(DEFAULTS.keepSnapshots), {
      description: `How many of a site's snapshots to keep on the server (default ${DEFAULTS.keepSnapshots}; older ones are deleted)`,
      validator: wholeNumber(1),
    });
    timeout = Option.String('--timeout', String(DEFAULTS.timeoutMs / 1000), {
      description: `Seconds to wait for upload, parsing and the answer together (default ${DEFAULTS.timeoutMs / 1000})`,
      validator: seconds(1),
    });
    concurrency = Option.String('--concurrency', String(DEFAULTS.concurrency), {
      description: `With --all, how many sites are worked on at once (default ${DEFAULTS.concurrency})`,
      validator: wholeNumber(1),
    });
  }
  return WithSiteFlags;
}

/** `--format` (one option for every command that prints answers) and the answer shaping flags. */
export function OutputFlags<TBase extends AbstractCommandClass<NetqCommand>>(Base: TBase) {
  abstract class WithOutputFlags extends Base {
    format = Option.String('--format,-f', 'table', {
      description: 'Output format: table, json, csv or markdown; dot or mermaid draw the graph of bgp-sessions, bgp-compat, ospf-sessions and edges',
      validator: t.isEnum(ANSWER_FORMATS),
    });
    columns = Option.String('--columns', { description: 'Only these columns, in this order (comma-separated names)' });
    sort = Option.String('--sort', { description: 'Sort rows by this column (col:desc, or --sort=-col, for descending)' });
  }
  return WithOutputFlags;
}

/** The values of the container flags: the app layer's `ContainerChoice` (src/app/targets.ts). */
export type ContainerFlagValues = ContainerChoice;

/** The values of the Batfish flags: the app layer's `BatfishChoice`. */
export type BatfishFlagValues = BatfishChoice;

/** The values of the site flags. */
export interface SiteFlagValues {
  region: string | undefined;
  site: string | undefined;
  all: boolean;
  regionsDir: string;
  snapshotDir: string | undefined;
  referenceDir: string | undefined;
  reference: string | undefined;
  network: string | undefined;
  fresh: boolean;
  keepSnapshots: number;
  timeout: number;
  concurrency: number;
}

/** The snapshot the flags name; exactly one of --snapshot-dir and -r/-s. */
export function snapshotSourceOf(flags: SiteFlagValues): SnapshotSource {
  if (flags.snapshotDir !== undefined) {
    if (flags.region !== undefined || flags.site !== undefined) {
      throw new InputError('--snapshot-dir cannot be combined with --region/--site', {
        hint: 'use either a site (-r REGION -s SITE) or a snapshot folder (--snapshot-dir DIR)',
      });
    }
    return { kind: 'dir', dir: flags.snapshotDir };
  }
  if (flags.region === undefined || flags.site === undefined) {
    throw new InputError(`${flags.region === undefined ? '--region' : '--site'} is missing`, {
      hint: 'name a site with -r REGION -s SITE (netq sites lists them), or pass --snapshot-dir DIR',
    });
  }
  return { kind: 'site', regionsDir: flags.regionsDir, region: flags.region, site: flags.site };
}

/** The reference snapshot of a differential question, from --reference-dir or --reference. */
export function referenceSourceOf(flags: SiteFlagValues): SnapshotSource | undefined {
  if (flags.referenceDir !== undefined && flags.reference !== undefined) {
    throw new InputError('--reference-dir and --reference both name a reference snapshot', { hint: 'give one of them' });
  }
  if (flags.referenceDir !== undefined) return { kind: 'dir', dir: flags.referenceDir };
  if (flags.reference === undefined) return undefined;
  const [region, site, ...rest] = flags.reference.split('/');
  if (!region || !site || rest.length) {
    throw new InputError(`--reference '${flags.reference}' is not REGION/SITE`, { hint: 'e.g. --reference north_america/nyc' });
  }
  return { kind: 'site', regionsDir: flags.regionsDir, region, site };
}

/** --all takes neither a site nor a reference. */
export function checkAllSitesFlags(flags: SiteFlagValues): void {
  if (flags.site !== undefined || flags.snapshotDir !== undefined) {
    throw new InputError('--all asks about every site, so it cannot be combined with --site or --snapshot-dir', {
      hint: 'use --all with or without --region',
    });
  }
  if (flags.referenceDir !== undefined || flags.reference !== undefined) {
    throw new InputError('--all cannot be combined with --reference or --reference-dir', { hint: 'compare one site at a time' });
  }
}

/** How the server's snapshots are treated, from the site flags. */
export function snapshotSettingsOf(flags: SiteFlagValues): SnapshotSettings {
  return {
    ...(flags.network !== undefined ? { network: flags.network } : {}),
    fresh: flags.fresh,
    keepSnapshots: flags.keepSnapshots,
    timeoutMs: flags.timeout * 1000,
  };
}

/** The output format flag's value, typed. */
export function formatOf(flags: { format: string }): OutputFormat {
  const format = OUTPUT_FORMATS.find((f) => f === flags.format);
  if (!format) throw new InputError(`--format '${flags.format}' is not one of ${OUTPUT_FORMATS.join(', ')}`);
  return format;
}

export { apiKeyOf, batfishTargetOf, managedOptionsOf } from '../app/targets.js';
export { bindNegativeNumbers } from './argv.js';
