import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import type { QuestionAsk } from '../app/site-run.js';
import { NetqCommand } from './base.js';
import { SiteCommand } from './site-command.js';

/** `--layer` → the edges question Batfish answers it with. */
export const EDGE_QUESTIONS = { '1': 'layer1Edges', '3': 'layer3Edges', bgp: 'bgpEdges', ospf: 'ospfEdges' } as const;

abstract class EdgesFlags extends NetqCommand {
  layer = Option.String('--layer', '3', {
    description: 'Which edges: 1, 3, bgp or ospf (default 3)',
    validator: t.isEnum(Object.keys(EDGE_QUESTIONS) as Array<keyof typeof EDGE_QUESTIONS>),
  });
  nodes = Option.String('--nodes', { description: 'Only edges from nodes matching this node specifier' });
  remoteNodes = Option.String('--remote-nodes', { description: 'Only edges to nodes matching this node specifier' });
}

export class EdgesCommand extends SiteCommand(EdgesFlags) {
  static override paths = [['edges']];
  static override usage = Command.Usage({
    category: 'Topology',
    description: 'show the links or adjacencies of a site',
    details: `
      \`--layer 3\` (the default) asks \`layer3Edges\`: interfaces that share a subnet. \`--layer 1\`
      asks \`layer1Edges\` (useful only with a batfish/layer1_topology.json in the snapshot),
      \`--layer bgp\` asks \`bgpEdges\` and \`--layer ospf\` asks \`ospfEdges\`.

      \`--format dot\` (Graphviz) and \`--format mermaid\` draw the edges as a graph of nodes;
      \`--format markdown\` puts the Mermaid graph above the table. BGP adjacencies are grouped
      by AS number.

      These questions need the data plane: the first answer for a snapshot waits while Batfish
      computes routes (the spinner shows that phase).

      Exit codes: 0 ok, 2 bad command line or site, 3 Batfish, 4 Docker, 70 bug.
    `,
    examples: [
      ['Layer-3 links at nyc', '$0 edges -r north_america -s nyc'],
      ['BGP adjacencies of the core routers', "$0 edges -r north_america -s nyc --layer bgp --nodes 'core.*'"],
      ['The BGP adjacencies as a picture', '$0 edges -r north_america -s nyc --layer bgp --format dot | dot -Tsvg > nyc-bgp.svg'],
    ],
  });

  questions(): QuestionAsk[] {
    return [{ question: EDGE_QUESTIONS[this.layer], parameters: { nodes: this.nodes, remoteNodes: this.remoteNodes } }];
  }
}
