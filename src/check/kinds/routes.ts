/** Routes in the routing tables. */
import { column, evidence, given, keyTexts, text, vrfSuffix } from './helpers.js';
import { variables, type CheckKind } from './types.js';

const ROUTE_VARIABLES = ['nodes', 'network', 'prefixMatchType', 'protocols', 'vrfs', 'rib'];

export function routeKind(kind: 'route-present' | 'route-absent'): CheckKind {
  const present = kind === 'route-present';
  return {
    kind,
    description: present
      ? 'a route that must be in the routing tables (routes: fails when none matches)'
      : 'a route that must not be in the routing tables (routes: each match fails)',
    defaultSeverity: 'error',
    template: 'routes',
    options: variables(ROUTE_VARIABLES, ['network']),
    pybatfish: present ? 'assert_has_route' : 'assert_has_no_route',
    rule: { short: present ? 'The route is in the routing table' : 'The route is not in the routing table' },
    questions: (spec) => ({ routes: { question: 'routes', parameters: given(spec, ROUTE_VARIABLES) } }),
    evaluate: (spec, { routes: answer }) => {
      if (!answer) return [];
      const asked = given(spec, ROUTE_VARIABLES);
      const str = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
      if (present) {
        if (answer.rows.length > 0) return [];
        const scope = [
          `on ${str(asked.nodes) || 'any node'}`,
          asked.vrfs !== undefined ? `vrf ${str(asked.vrfs)}` : '',
          asked.protocols !== undefined ? `via ${str(asked.protocols)}` : '',
        ].filter(Boolean);
        return [
          {
            message: `no route to ${str(asked.network)} ${scope.join(' ')}`,
            // No answer row to show: the evidence is what was looked for.
            row: { ...asked },
            location: null,
            keyValues: ['network', str(asked.network), str(asked.nodes), str(asked.vrfs), str(asked.protocols)],
          },
        ];
      }
      const nextHop = ['Next_Hop', 'Next_Hop_IP', 'Next_Hop_Interface'].filter((n) => column(answer, n));
      return answer.rows.map((row) => {
        const hop = nextHop.map((n) => text(answer, row, n)).filter(Boolean).join(' ');
        return {
          message: `${text(answer, row, 'Node')}${vrfSuffix(text(answer, row, 'VRF'))} has a route to ${text(answer, row, 'Network')} via ${text(answer, row, 'Protocol') || 'unknown protocol'}${hop ? ` (${hop})` : ''}`,
          row: evidence(answer, row),
          location: null,
          keyValues: [...keyTexts(answer, row), text(answer, row, 'Protocol'), hop],
        };
      });
    },
  };
}
