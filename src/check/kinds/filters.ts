/** Filters: unreachable lines, filters that permit or deny what they should not. */
import type { TableAnswer } from '../../batfish/answer.js';
import { flowText } from '../../render/flow-text.js';
import type { FindingLocation } from '../model.js';
import { column, evidence, fileLinesOf, given, json, keyTexts, listOf, locationOf, text, type FileLines } from './helpers.js';
import { variables, type CheckKind, type SiteContext } from './types.js';

/**
 * Finds where a filter named in filterLineReachability's `Sources` ("node: acl1, acl2") is
 * defined: definedStructures gives each structure's file and lines, fileParseStatus which file
 * made which node. Only a definition that can be told apart is used.
 */
function filterDefinition(
  sources: string[],
  defined: TableAnswer | undefined,
  files: TableAnswer | undefined,
  site: SiteContext,
): FindingLocation | null {
  if (!defined || !column(defined, 'Structure_Name')) return null;
  for (const source of sources) {
    const match = /^(.*?):\s*(.+)$/.exec(source);
    if (!match) continue;
    const node = match[1]!.trim();
    const nodeFiles = files
      ? new Set(
          files.rows
            .filter((r) => listOf(json(files, r, 'Nodes')).some((n) => n === node))
            .map((r) => text(files, r, 'File_Name')),
        )
      : undefined;
    for (const name of match[2]!.split(',').map((s) => s.trim())) {
      const candidates = defined.rows
        .filter((r) => text(defined, r, 'Structure_Name') === name)
        .map((r) => fileLinesOf(r.Source_Lines)[0])
        .filter((fl): fl is FileLines => fl !== undefined)
        .filter((fl) => !nodeFiles || nodeFiles.has(fl.filename));
      if (candidates.length === 1) return locationOf(site, candidates[0]);
    }
  }
  return null;
}

export const noUnreachableFilterLines: CheckKind = {
  kind: 'no-unreachable-filter-lines',
  description: 'filter (ACL) lines that can never match (filterLineReachability)',
  defaultSeverity: 'error',
  template: 'filterLineReachability',
  options: variables(['filters', 'nodes', 'ignoreComposites']),
  pybatfish: 'assert_filter_has_no_unreachable_lines',
  rule: { short: 'Every filter line can match some packet' },
  questions: (spec) => ({
    reachability: { question: 'filterLineReachability', parameters: given(spec, ['filters', 'nodes', 'ignoreComposites']) },
  }),
  // filterLineReachability names the filter but not where it is written; these two say where.
  contextQuestions: () => ({
    defined: { question: 'definedStructures', parameters: {} },
    files: { question: 'fileParseStatus', parameters: {} },
  }),
  evaluate: (_spec, { reachability: answer }, site, { defined, files }) => {
    if (!answer) return [];
    return answer.rows.map((row) => {
      const sources = listOf(json(answer, row, 'Sources')).map(String);
      const blocking = text(answer, row, 'Blocking_Lines');
      const reason = text(answer, row, 'Reason');
      return {
        message:
          `filter line '${text(answer, row, 'Unreachable_Line')}' of ${sources.join('; ') || 'a filter'} can never match` +
          `${reason ? ` (${reason}${blocking ? `: ${blocking}` : ''})` : ''}`,
        row: evidence(answer, row),
        location: filterDefinition(sources, defined, files, site),
        keyValues: keyTexts(answer, row, ['Sources', 'Unreachable_Line']),
      };
    });
  },
};

export function filterKind(kind: 'filter-permits' | 'filter-denies'): CheckKind {
  const permits = kind === 'filter-permits';
  return {
    kind,
    description: permits
      ? 'filters that deny a flow they should permit (searchFilters action=deny)'
      : 'filters that permit a flow they should deny (searchFilters action=permit)',
    defaultSeverity: 'error',
    template: 'searchFilters',
    options: variables(['filters', 'headers', 'startLocation', 'nodes'], ['filters', 'headers']),
    pybatfish: permits ? 'assert_filter_permits' : 'assert_filter_denies',
    rule: { short: permits ? 'The filter permits the traffic' : 'The filter denies the traffic' },
    questions: (spec) => ({
      search: {
        question: 'searchFilters',
        parameters: { ...given(spec, ['filters', 'headers', 'startLocation', 'nodes']), action: permits ? 'deny' : 'permit' },
      },
    }),
    evaluate: (_spec, { search: answer }) => {
      if (!answer) return [];
      return answer.rows.map((row) => {
        const line = text(answer, row, 'Line_Content');
        return {
          message: `filter ${text(answer, row, 'Filter_Name')} on ${text(answer, row, 'Node')} ${permits ? 'denies' : 'permits'} ${flowText(row.Flow)}${line ? ` (${line})` : ''}`,
          row: evidence(answer, row),
          location: null,
          // One example flow per filter; Batfish may pick another next time, so it is not key.
          keyValues: keyTexts(answer, row, ['Node', 'Filter_Name']),
        };
      });
    },
  };
}
