/**
 * Reads a Batfish answer body (`GET .../questions/{q}/answer`) as it arrives, without ever holding
 * its whole text. A table answer is almost all rows (`answerElements[0].rows`, 20 MB for 100 000
 * routes): those are cut out of the bytes at element boundaries, 64 KiB at a time, and
 * each block is parsed with JSON.parse; the rest (class, metadata, summary, question, status) is
 * parsed as one small document, into which the rows are put. The value is the one JSON.parse of
 * the whole body gives (the tests hold it to that on the recorded answers, in any chunking).
 *
 * The cutting only tracks strings, nesting and the keys of the first levels: it never decides what
 * a value is. Malformed JSON fails in JSON.parse as before; an answer of another shape is parsed
 * whole, as before.
 */

/**
 * Rows parsed at once: the text of a block is held, never the whole answer's. Small enough that
 * a block's text (and its copies on the way to JSON.parse) stays in V8's young generation, which
 * is collected at once: texts of a mebibyte go to the large-object space and pile up until a full
 * collection (measured: 100 000 rows, +79 MiB peak with 1 MiB blocks).
 */
const BLOCK_BYTES = 64 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** An open object or array, with the key being read or the element count (top levels only). */
interface Level {
  array: boolean;
  /** The current key of an object (raw bytes as text), when it is one of the first levels. */
  key?: string;
  /** Elements begun in an array (a comma starts the next). */
  index: number;
}

/** Nothing but JSON's own whitespace (String.trim knows more, which JSON.parse refuses). */
const JSON_SPACE = /^[ \t\n\r]*$/;

/** Keys are remembered this deep only (the rows sit at depth 3: root, answerElements, element 0). */
const KEY_DEPTH = 3;

export class AnswerBodyReader {
  readonly #skeleton: Buffer[] = [];
  #block: Buffer[] = [];
  /** Bytes in #block. */
  #blockBytes = 0;
  /** The streamed rows of the current answerElements[0].rows, or undefined when there is none. */
  #rows: unknown[] | undefined;
  readonly #levels: Level[] = [];
  #inString = false;
  #escaped = false;
  /** Bytes of a key being read (a string at an object's key position, first levels only). */
  #keyParts: Buffer[] | undefined;
  #expectKey = false;
  #pendingKey: string | undefined;
  /** Depth of the rows array while inside it (its elements are one level deeper), else -1. */
  #rowsDepth = -1;
  /** The last block ended at a comma: another row must follow. */
  #rowDue = false;

  #started = false;

  /** Takes the next piece of the body. */
  write(piece: Buffer): void {
    let chunk = piece;
    if (!this.#started && chunk.length > 0) {
      this.#started = true;
      // A byte-order mark, as axios's text reading dropped it before.
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    const levels = this.#levels;
    /** Where the bytes not yet given to the skeleton or the block begin. */
    let start = 0;
    /** Where the key being read begins in this chunk. */
    let keyFrom = 0;
    /** The next backslash and quote at or after i (-1: none left in this chunk). */
    let backslash = chunk.indexOf(BACKSLASH);
    let quote = chunk.indexOf(QUOTE);
    for (let i = 0; i < chunk.length; i++) {
      if (this.#inString) {
        // Most of an answer is inside strings: jump to the string's end (or to an escape).
        if (this.#escaped) {
          this.#escaped = false;
          continue;
        }
        if (backslash >= 0 && backslash < i) backslash = chunk.indexOf(BACKSLASH, i);
        if (quote >= 0 && quote < i) quote = chunk.indexOf(QUOTE, i);
        if (backslash >= 0 && (quote < 0 || backslash < quote)) {
          i = backslash;
          this.#escaped = true;
          continue;
        }
        if (quote < 0) break;
        i = quote;
        this.#inString = false;
        if (this.#keyParts) {
          this.#keyParts.push(chunk.subarray(keyFrom, i));
          this.#pendingKey = keyText(Buffer.concat(this.#keyParts).toString('utf8'));
          this.#keyParts = undefined;
        }
        continue;
      }
      const byte = chunk[i]!;
      switch (byte) {
        case QUOTE:
          this.#inString = true;
          if (this.#expectKey && levels.length <= KEY_DEPTH) {
            this.#keyParts = [];
            keyFrom = i + 1;
          }
          this.#expectKey = false;
          break;
        case COLON: {
          const top = levels.at(-1);
          if (top && !top.array && levels.length <= KEY_DEPTH) {
            top.key = this.#pendingKey;
            // A key seen again replaces its value, as in JSON.parse: so it does the rows.
            if (levels.length === 1 && top.key === 'answerElements') this.#rows = undefined;
            if (this.#atRowsKey()) this.#rows = undefined;
          }
          this.#pendingKey = undefined;
          break;
        }
        case OPEN_ARRAY:
          if (this.#rowsDepth < 0 && this.#atRowsKey()) {
            // The rows begin: the skeleton keeps `[`, the rows go to blocks.
            this.#skeleton.push(chunk.subarray(start, i + 1));
            start = i + 1;
            levels.push({ array: true, index: 0 });
            this.#rowsDepth = levels.length;
            this.#rows = [];
            this.#rowDue = false;
            break;
          }
          levels.push({ array: true, index: 0 });
          break;
        case OPEN_OBJECT:
          levels.push({ array: false, index: 0 });
          this.#expectKey = true;
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          if (levels.length === this.#rowsDepth) {
            // The rows end: the last block is parsed, the skeleton gets `]`.
            this.#block.push(chunk.subarray(start, i));
            this.#flushBlock(false);
            this.#rowsDepth = -1;
            start = i;
          }
          levels.pop();
          break;
        case COMMA: {
          const top = levels.at(-1);
          if (!top) break;
          top.index++;
          this.#expectKey = !top.array;
          // Between two rows, a full block is parsed (the comma left out).
          if (levels.length === this.#rowsDepth && this.#blockBytes + (i - start) >= BLOCK_BYTES) {
            this.#block.push(chunk.subarray(start, i));
            this.#flushBlock(true);
            start = i + 1;
          }
          break;
        }
      }
    }
    if (this.#keyParts) this.#keyParts.push(chunk.subarray(keyFrom));
    const rest = chunk.subarray(start);
    if (this.#rowsDepth >= 0) {
      this.#block.push(rest);
      this.#blockBytes += rest.length;
    } else this.#skeleton.push(rest);
  }

  /** The parsed answer, once the whole body was written; throws a SyntaxError for malformed JSON. */
  end(): unknown {
    if (this.#rowsDepth >= 0) {
      // Cut short inside the rows: JSON.parse says so the way it does for any unfinished text.
      return JSON.parse(Buffer.concat([...this.#skeleton, ...this.#block]).toString('utf8'));
    }
    const value = JSON.parse(Buffer.concat(this.#skeleton).toString('utf8')) as unknown;
    if (this.#rows === undefined) return value;
    // Where the rows were cut out, the document holds the `[]` left in their place.
    const element = (value as { answerElements?: unknown[] }).answerElements?.[0] as { rows?: unknown } | undefined;
    if (!element || !Array.isArray(element.rows) || element.rows.length !== 0) throw new SyntaxError('the rows of the Batfish answer are not where they were read');
    element.rows = this.#rows;
    return value;
  }

  /** True at `{"answerElements": [{"rows":` (the first element): where the rows are streamed. */
  #atRowsKey(): boolean {
    const levels = this.#levels;
    return (
      levels.length === 3 &&
      !levels[0]!.array &&
      levels[0]!.key === 'answerElements' &&
      levels[1]!.array &&
      levels[1]!.index === 0 &&
      !levels[2]!.array &&
      levels[2]!.key === 'rows'
    );
  }

  /** Parses the rows of the block; `atComma`: it ended at a comma, so more rows follow. */
  #flushBlock(atComma: boolean): void {
    const text = Buffer.concat(this.#block).toString('utf8');
    this.#block = [];
    this.#blockBytes = 0;
    // `[]` is empty rows; `[,` `,,` and `,]` are not JSON, as JSON.parse would say.
    if (JSON_SPACE.test(text)) {
      if (atComma || this.#rowDue) throw new SyntaxError('Unexpected token \',\' in the rows of the Batfish answer');
      return;
    }
    const rows = JSON.parse(`[${text}]`) as unknown[];
    for (const row of rows) this.#rows!.push(row);
    this.#rowDue = atComma;
  }
}

/** A key as JSON.parse reads it: escapes decoded (`"r\\u006fws"` is `rows`); undefined when it is not valid. */
function keyText(raw: string): string | undefined {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}

/** Reads a whole answer body from its chunks (see AnswerBodyReader). */
export async function readAnswerBody(chunks: AsyncIterable<Buffer | string>): Promise<unknown> {
  const reader = new AnswerBodyReader();
  for await (const chunk of chunks) reader.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return reader.end();
}
