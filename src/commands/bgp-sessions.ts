import { Command, Option } from 'clipanion';
import { SiteCommand } from './base.js';

export class BgpSessionsCommand extends SiteCommand {
  static override paths = [['bgp-sessions']];
  static override usage = Command.Usage({
    category: 'BGP',
    description: 'show the status of every configured BGP session of a site',
    details: `
      Uploads the site's configs to Batfish as a new snapshot, parses them and asks the
      \`bgpSessionStatus\` question. Each row is one configured BGP peering: its local and remote
      node, AS numbers, addresses, session type and whether Batfish expects it to come up
      (ESTABLISHED, NOT_ESTABLISHED, NOT_COMPATIBLE). This question needs the data plane, so the
      first answer for a snapshot takes longer.

      The filters are Batfish specifiers and are passed to Batfish as they are: \`--nodes\` and
      \`--remote-nodes\` take node specifiers (a name, a regex such as \`as2.*\`, or \`/core/\`),
      \`--status\` and \`--type\` take status and session-type specifiers.

      Progress and warnings go to stderr; stdout carries only the table (or JSON, CSV, Markdown).
      Exit codes: 0 ok, 2 bad command line or site, 3 Batfish failed or is unreachable, 70 bug.
    `,
    examples: [
      ['Sessions of the nyc site', '$0 bgp-sessions -r north_america -s nyc --batfish-url http://127.0.0.1:9996'],
      ['Only sessions that will not come up, as JSON', '$0 bgp-sessions -r north_america -s nyc --status NOT_COMPATIBLE,NOT_ESTABLISHED --format json'],
      ['Sessions from as2 routers to as3 routers of a snapshot folder', "$0 bgp-sessions --snapshot-dir ./example --nodes 'as2.*' --remote-nodes 'as3.*'"],
    ],
  });

  nodes = Option.String('--nodes', { description: 'Only sessions whose local node matches this node specifier' });
  remoteNodes = Option.String('--remote-nodes', {
    description: 'Only sessions whose remote node matches this node specifier',
  });
  status = Option.String('--status', {
    description: 'Only sessions with this status: ESTABLISHED, NOT_ESTABLISHED, NOT_COMPATIBLE (comma-separated)',
  });
  type = Option.String('--type', {
    description: 'Only sessions of this type: IBGP, EBGP_SINGLEHOP, EBGP_MULTIHOP, EBGP_UNNUMBERED, IBGP_UNNUMBERED, UNSET',
  });

  async run(): Promise<number> {
    return this.askAndPrint('bgpSessionStatus', {
      nodes: this.nodes,
      remoteNodes: this.remoteNodes,
      status: this.status,
      type: this.type,
    });
  }
}
