import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AnswerBodyReader, readAnswerBody } from '../../src/batfish/answer-stream.js';
import { answerEnvelope, answersDocument, streamSiteAnswers, type AnswerOutputOptions } from '../../src/output.js';
import { renderCsv } from '../../src/render/csv.js';
import { ROWS_PER_CHUNK } from '../../src/render/stream.js';
import { FIXTURES_DIR } from '../support/recorded.js';
import { answerOf, recordedAnswers, resultOf } from './output-fixtures.js';

const options = (format: AnswerOutputOptions['format']): AnswerOutputOptions => ({ format, terminal: { color: false }, verbose: false });

/** A routes-like answer of `count` rows (more than one chunk's worth when count > ROWS_PER_CHUNK). */
function manyRows(count: number) {
  return answerOf(
    [['Node', 'Node'], ['Network', 'Prefix'], ['Next_Hop_IP', 'Ip'], ['Metric', 'Integer'], ['Tags', 'List<String>']],
    Array.from({ length: count }, (_, i) => ({
      Node: { id: `node-r${i % 7}`, name: `r${i % 7}` },
      Network: `10.${(i >> 8) & 255}.${i & 255}.0/24`,
      Next_Hop_IP: i % 3 ? `192.0.2.${i % 250}` : null,
      Metric: i,
      Tags: i % 2 ? ['a', 'b "quoted"', 'new\nline'] : [],
    })),
  );
}

describe('output written in chunks', () => {
  it('JSON: the chunks are exactly the document JSON.stringify prints, one answer or several, any row count', () => {
    const small = recordedAnswers();
    const big = resultOf('routes', manyRows(ROWS_PER_CHUNK * 2 + 17));
    const empty = resultOf('routes', manyRows(0));
    for (const result of [...small.map((r) => resultOf(r.question, r.answer)), big, empty]) {
      const { stdout } = streamSiteAnswers([result], options('json'));
      const chunks = [...stdout];
      assert.equal(chunks.join(''), `${JSON.stringify(answerEnvelope(result), null, 2)}\n`, result.question);
      if (result === big) assert.ok(chunks.length >= 3, `${chunks.length} chunks for ${big.answer.rows.length} rows`);
    }
    const several = [resultOf('routes', manyRows(ROWS_PER_CHUNK + 1)), resultOf('nodeProperties', manyRows(3)), empty];
    const { stdout } = streamSiteAnswers(several, options('json'));
    assert.equal([...stdout].join(''), `${JSON.stringify(answersDocument(several), null, 2)}\n`);
  });

  it('JSON: a parameter that looks like the row placeholder stays a parameter', () => {
    const result = { ...resultOf('routes', manyRows(2)), parameters: { nodes: '\u0001netq-rows-0' } };
    const { stdout } = streamSiteAnswers([result], options('json'));
    assert.equal([...stdout].join(''), `${JSON.stringify(answerEnvelope(result), null, 2)}\n`);
  });

  it('CSV: the chunks are exactly renderCsv, a block of rows at a time', () => {
    for (const answer of [manyRows(0), manyRows(5), manyRows(ROWS_PER_CHUNK * 3)]) {
      const chunks = [...streamSiteAnswers([resultOf('routes', answer)], options('csv')).stdout];
      assert.equal(chunks.join(''), renderCsv(answer));
      assert.ok(chunks.length >= Math.ceil(answer.rows.length / ROWS_PER_CHUNK), `${chunks.length} chunks`);
    }
  });
});

/** The reader fed `text` in pieces of `size` bytes. */
function readInPieces(text: string | Buffer, size: number): unknown {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const reader = new AnswerBodyReader();
  for (let i = 0; i < bytes.length; i += size) reader.write(bytes.subarray(i, i + size));
  return reader.end();
}

describe('an answer body read as it arrives', () => {
  const files = readdirSync(path.join(FIXTURES_DIR, 'answers')).filter((f) => f.endsWith('.json'));

  it('gives what JSON.parse gives for every recorded answer, cut into pieces of any size', () => {
    for (const file of files) {
      const text = readFileSync(path.join(FIXTURES_DIR, 'answers', file));
      const expected = JSON.parse(text.toString('utf8')) as unknown;
      for (const size of [1, 2, 3, 7, 64, 4096, text.length]) assert.deepEqual(readInPieces(text, size), expected, `${file} in pieces of ${size}`);
    }
  });

  it('parses a large answer\'s rows a block at a time and puts them back in place', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => ({ Node: { id: `n${i}`, name: `r${i}` }, Text: `a "quote" \\ back, [bracket] {brace} ${i}`, List: [i, { x: '}' }] }));
    const answer = {
      answerElements: [{ class: 'org.batfish.datamodel.table.TableAnswerElement', metadata: { columnMetadata: [] }, rows, summary: { numResults: rows.length } }],
      status: 'SUCCESS',
    };
    const text = JSON.stringify(answer, null, 1);
    assert.ok(text.length > 20 * 64 * 1024, 'many blocks');
    assert.deepEqual(readInPieces(text, 65536), answer);
    assert.deepEqual(await readAnswerBody((async function* () {
      for (let i = 0; i < text.length; i += 10_000) yield Buffer.from(text.slice(i, i + 10_000));
    })()), answer);
  });

  it('follows JSON.parse on other shapes, repeated keys, escapes and unicode', () => {
    const cases = [
      '[]',
      '{"status":"FAILURE","answerElements":[{"class":"x","error":"boom"}]}',
      '{"answerElements":[{"rows":[]}]}',
      '{"answerElements":[{"rows":[1,2]},{"rows":[3]}]}',
      '{"answerElements":[{"rows":[1,2],"rows":[3]}]}',
      '{"answerElements":[{"rows":[1,2],"rows":{"a":1}}]}',
      '{"answerElements":[{"rows":[1]}],"answerElements":[{"x":1}]}',
      '{"answerElements":[{"ro\\u0077s":[1]}]}',
      '{"answerElements":[{"rows":["\\"],[", "\\\\", "é 中 😀", {"k\\"":"]"}]}],"rows":[9]}',
      ' \n {\n "answerElements" : [ { "rows" : [ 1 , { "a" : [ ] } ] } ] }\n',
      // Keys written with escapes are the same keys: the last one wins, as in JSON.parse.
      '{"answerElements":[{"rows":[1],"r\\u006fws":[2]}]}',
      '{"answerElements":[{"rows":[1],"r\\u006fws":null}]}',
      '{"answerElements":[{"rows":[1]}],"answerElement\\u0073":[{"rows":[2]}]}',
      '{"answerElements":[{"rows":[1]}],"answerElement\\u0073":5}',
      '{"answerElements":[{"rows":[1]}],"answerElement\\u0073":[]}',
    ];
    for (const text of cases) {
      for (const size of [1, 5, text.length]) assert.deepEqual(readInPieces(text, size), JSON.parse(text), `${text} in pieces of ${size}`);
    }
  });

  it('drops a byte-order mark before the body, as reading it as text did', () => {
    const text = '{"answerElements":[{"rows":[1,2]}],"status":"SUCCESS"}';
    const withMark = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    for (const size of [4, withMark.length]) assert.deepEqual(readInPieces(withMark, size), JSON.parse(text));
  });

  it('refuses what JSON.parse refuses', () => {
    const cases = [
      '{"answerElements":[{"rows":[1,,2]}]}',
      '{"answerElements":[{"rows":[1,]}]}',
      '{"answerElements":[{"rows":[,1]}]}',
      '{"answerElements":[{"rows":[1 2]}]}',
      '{"answerElements":[{"rows":[1,2}]}',
      '{"answerElements":[{"rows":[1,2]',
      '{"answerElements":[{"rows":[{"a":"unterminated',
      'not json',
      '',
      // Whitespace JSON does not allow (String.trim would take it).
      '{"answerElements":[{"rows":[\u00a0]}]}',
      '{"answerElements":[{"rows":[\f]}]}',
      '{"answerElements":[{"rows":[\ufeff]}]}',
      // Rows larger than a block (64 KiB): every comma ends a block, so the empty ones are seen between blocks.
      `{"answerElements":[{"rows":["${'x'.repeat(1 << 17)}",,"y"]}]}`,
      `{"answerElements":[{"rows":["${'x'.repeat(1 << 17)}",]}]}`,
      `{"answerElements":[{"rows":["${'x'.repeat(1 << 17)}", ]}]}`,
    ];
    for (const text of cases) {
      assert.throws(() => JSON.parse(text), SyntaxError, `JSON.parse refuses ${text}`);
      for (const size of [1, 3, Math.max(1, text.length)]) assert.throws(() => readInPieces(text, size), SyntaxError, `${text} in pieces of ${size}`);
    }
  });
});
