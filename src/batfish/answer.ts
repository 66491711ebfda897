import { BatfishAnswerError } from '../errors.js';

/** One column of a Batfish table answer, as `metadata.columnMetadata` describes it. */
export interface ColumnMetadata {
  name: string;
  /** Batfish schema string: `Node`, `Ip`, `Set<String>`, `List<Trace>`, ... */
  schema: string;
  description: string;
  isKey: boolean;
  isValue: boolean;
}

export interface AnswerSummary {
  notes?: string;
  numFailed: number;
  numPassed: number;
  numResults: number;
}

/** A validated TableAnswerElement: columns in server order and rows keyed by column name. */
export interface TableAnswer {
  columns: ColumnMetadata[];
  rows: Array<Record<string, unknown>>;
  textDesc?: string;
  summary: AnswerSummary;
  warnings: string[];
}

export const TABLE_ANSWER_CLASS = 'org.batfish.datamodel.table.TableAnswerElement';

/**
 * Reads the body of `GET .../questions/{q}/answer` (or a recorded `answerElements` array) into a
 * TableAnswer. A FAILURE answer, a non-table element or a malformed table is a BatfishAnswerError
 * that says what was wrong, never a cast that fails later.
 */
export function parseTableAnswer(json: unknown): TableAnswer {
  const elements = Array.isArray(json) ? json : answerElementsOf(json);
  const element = elements[0];
  if (!isObject(element)) {
    throw new BatfishAnswerError('the Batfish answer holds no answer element', {
      hint: 'the question produced no table; run again with --verbose to see the raw answer',
    });
  }
  if (element.class !== TABLE_ANSWER_CLASS) {
    throw new BatfishAnswerError(`the Batfish answer is a ${String(element.class)}, not a table`, {
      details: stackTraceText(element),
    });
  }
  const metadata = element.metadata;
  if (!isObject(metadata) || !Array.isArray(metadata.columnMetadata)) {
    throw new BatfishAnswerError('the Batfish table answer has no metadata.columnMetadata');
  }
  const columns = metadata.columnMetadata.map((raw, index) => parseColumn(raw, index));
  const rawRows = element.rows ?? [];
  if (!Array.isArray(rawRows)) throw new BatfishAnswerError('the Batfish table answer has rows that are not a list');
  const rows = rawRows.map((row, index) => {
    if (!isObject(row)) throw new BatfishAnswerError(`row ${index} of the Batfish answer is not an object`);
    // The server includes every column in every row; older recordings may leave nulls out. The
    // row is completed where it is (it was parsed for this answer): no second copy of every row.
    for (const column of columns) if (row[column.name] === undefined) row[column.name] = null;
    return row;
  });
  const warnings = Array.isArray(element.warnings) ? element.warnings.map(String) : [];
  return {
    columns,
    rows,
    ...(typeof metadata.textDesc === 'string' ? { textDesc: metadata.textDesc } : {}),
    summary: parseSummary(element.summary, rows.length),
    warnings,
  };
}

function answerElementsOf(json: unknown): unknown[] {
  if (!isObject(json)) throw new BatfishAnswerError('the Batfish answer is not a JSON object');
  const status = json.status;
  if (status !== undefined && status !== 'SUCCESS') {
    const elements = Array.isArray(json.answerElements) ? json.answerElements : [];
    const details = elements.map(stackTraceText).filter(Boolean).join('\n');
    throw new BatfishAnswerError(`Batfish could not answer the question (status ${String(status)})`, {
      ...(details ? { details } : {}),
      hint: 'the details above come from Batfish; check the question parameters, or run with --verbose',
    });
  }
  if (!Array.isArray(json.answerElements)) {
    throw new BatfishAnswerError('the Batfish answer has no answerElements list');
  }
  return json.answerElements;
}

function parseColumn(raw: unknown, index: number): ColumnMetadata {
  if (!isObject(raw) || typeof raw.name !== 'string' || typeof raw.schema !== 'string') {
    throw new BatfishAnswerError(`column ${index} of the Batfish answer has no name or schema`);
  }
  // Rows are objects keyed by column name; this one name would reach an object's prototype instead.
  if (raw.name === '__proto__') throw new BatfishAnswerError(`column ${index} of the Batfish answer is named __proto__`);
  return {
    name: raw.name,
    schema: raw.schema,
    description: typeof raw.description === 'string' ? raw.description : '',
    // Batfish defaults both flags to true when they are absent.
    isKey: raw.isKey !== false,
    isValue: raw.isValue !== false,
  };
}

function parseSummary(raw: unknown, rowCount: number): AnswerSummary {
  const summary = isObject(raw) ? raw : {};
  const num = (value: unknown, fallback: number): number => (typeof value === 'number' ? value : fallback);
  return {
    ...(typeof summary.notes === 'string' ? { notes: summary.notes } : {}),
    numFailed: num(summary.numFailed, 0),
    numPassed: num(summary.numPassed, 0),
    numResults: num(summary.numResults, rowCount),
  };
}

/** The text of a BatfishStackTrace or StringAnswerElement, so failures show what Batfish said. */
function stackTraceText(element: unknown): string {
  if (!isObject(element)) return '';
  if (isObject(element.contents)) {
    return Object.keys(element.contents)
      .sort((a, b) => Number(a) - Number(b))
      .map((key) => String((element.contents as Record<string, unknown>)[key]))
      .join('\n');
  }
  if (typeof element.answer === 'string') return element.answer;
  return '';
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
