/** OSPF adjacencies. */
import { evidence, given, keyTexts, need, text, vrfSuffix } from './helpers.js';
import { variables, type CheckKind } from './types.js';

export const ospfSessionsCompatible: CheckKind = {
  kind: 'ospf-sessions-compatible',
  description: 'OSPF adjacencies that would not come up (ospfSessionCompatibility status other than ESTABLISHED)',
  defaultSeverity: 'error',
  template: 'ospfSessionCompatibility',
  options: variables(['nodes', 'remoteNodes']),
  pybatfish: 'assert_no_incompatible_ospf_sessions',
  rule: { short: 'OSPF adjacencies are configured compatibly' },
  questions: (spec) => ({ compatibility: { question: 'ospfSessionCompatibility', parameters: given(spec, ['nodes', 'remoteNodes']) } }),
  evaluate: (_spec, { compatibility: answer }) => {
    if (!answer) return [];
    need(answer, 'Session_Status', 'ospfSessionCompatibility');
    // pybatfish asks for statuses matching /^(?!ESTABLISHED).*$/; the same filter, applied here.
    return answer.rows
      .filter((row) => !text(answer, row, 'Session_Status').startsWith('ESTABLISHED'))
      .map((row) => {
        const local = text(answer, row, 'Interface');
        const remote = text(answer, row, 'Remote_Interface') || text(answer, row, 'Remote_IP');
        const area = text(answer, row, 'Area');
        return {
          message: `OSPF session ${local}${vrfSuffix(text(answer, row, 'VRF'))}${remote ? ` → ${remote}` : ''}${area ? ` (area ${area})` : ''} is ${text(answer, row, 'Session_Status')}`,
          row: evidence(answer, row),
          location: null,
          keyValues: keyTexts(answer, row, ['Interface', 'VRF', 'IP', 'Area']),
        };
      });
  },
};
