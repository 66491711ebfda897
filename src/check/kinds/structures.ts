/** References and structures: undefined references, unused structures. */
import { evidence, fileLinesOf, given, keyTexts, rowLocation, text } from './helpers.js';
import { variables, type CheckKind } from './types.js';

export const noUndefinedReferences: CheckKind = {
  kind: 'no-undefined-references',
  description: 'references to structures that are not defined (undefinedReferences)',
  defaultSeverity: 'error',
  template: 'undefinedReferences',
  options: variables(['nodes']),
  pybatfish: 'assert_no_undefined_references',
  rule: { short: 'No reference to an undefined structure' },
  questions: (spec) => ({ references: { question: 'undefinedReferences', parameters: given(spec, ['nodes']) } }),
  evaluate: (_spec, { references: answer }, site) => {
    if (!answer) return [];
    return answer.rows.map((row) => ({
      message: `${text(answer, row, 'Struct_Type')} '${text(answer, row, 'Ref_Name')}' is used (${text(answer, row, 'Context')}) but not defined in ${text(answer, row, 'File_Name')}`,
      row: evidence(answer, row),
      location: rowLocation(answer, row, site),
      keyValues: keyTexts(answer, row, ['File_Name', 'Struct_Type', 'Ref_Name', 'Context']),
    }));
  },
};

export const noUnusedStructures: CheckKind = {
  kind: 'no-unused-structures',
  description: 'structures that are defined but never used (unusedStructures)',
  defaultSeverity: 'warning',
  template: 'unusedStructures',
  options: variables(['nodes']),
  rule: { short: 'No structure is defined but never used' },
  questions: (spec) => ({ unused: { question: 'unusedStructures', parameters: given(spec, ['nodes']) } }),
  evaluate: (_spec, { unused: answer }, site) => {
    if (!answer) return [];
    return answer.rows.map((row) => {
      const where = fileLinesOf(row.Source_Lines)[0]?.filename ?? '';
      return {
        message: `${text(answer, row, 'Structure_Type')} '${text(answer, row, 'Structure_Name')}' is defined but never used${where ? ` in ${where}` : ''}`,
        row: evidence(answer, row),
        location: rowLocation(answer, row, site),
        keyValues: keyTexts(answer, row),
      };
    });
  },
};
