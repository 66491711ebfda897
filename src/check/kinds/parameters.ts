/** A kind's option schema resolved against the bundled templates: what `--list` shows and validation reads. */
import type { QuestionTemplate } from '../../batfish/question.js';
import type { CheckKind, OwnOption } from './types.js';

/** One parameter a kind takes in `with`: a question variable or one of the kind's own options. */
export interface KindParameter {
  name: string;
  source: 'variable' | 'option';
  /** For variables the template's type (`nodeSpec`, `headerConstraint`, ...); for options their type. */
  type: string;
  description: string;
  required: boolean;
  default?: unknown;
  allowed?: string[];
}

/** The template whose variables a kind's `source: 'variable'` options are, when it has one. */
export function kindTemplate(kind: CheckKind, templates: ReadonlyMap<string, QuestionTemplate>): QuestionTemplate | undefined {
  return kind.template ? templates.get(kind.template.toLowerCase()) : undefined;
}

/** The kind's own option of that name. */
export function ownOption(kind: CheckKind, name: string): OwnOption | undefined {
  return kind.options.find((o): o is OwnOption => o.source !== 'variable' && o.name === name);
}

/**
 * The parameters `with` takes for a kind, in the order of its option schema: template variables
 * (described by the template; one the template lacks is left out) and its own options.
 */
export function kindParameters(kind: CheckKind, templates: ReadonlyMap<string, QuestionTemplate>): KindParameter[] {
  const template = kindTemplate(kind, templates);
  return kind.options.flatMap((o): KindParameter[] => {
    if (o.source === 'variable') {
      const v = template?.variables[o.name];
      if (!v) return [];
      return [
        {
          name: o.name,
          source: 'variable',
          type: v.type,
          description: v.description,
          required: o.required === true || (!v.optional && v.value === undefined),
          ...(v.value !== undefined ? { default: v.value } : {}),
          ...(v.allowed ? { allowed: v.allowed } : {}),
        },
      ];
    }
    return [
      {
        name: o.name,
        source: 'option',
        type: o.type,
        description: o.description,
        required: o.required === true,
        ...(o.default !== undefined ? { default: o.default } : {}),
        ...(o.allowed ? { allowed: o.allowed } : {}),
      },
    ];
  });
}
