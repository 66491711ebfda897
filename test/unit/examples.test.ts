import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseChecksFile } from '../../src/check/checks-file.js';
import { CHECK_KINDS } from '../../src/check/kinds/index.js';
import { bundledTemplates } from '../../src/questions/bundled.js';
import { REPO_ROOT } from '../support/harness.js';

describe('examples/netq-checks.yaml', () => {
  it('is a valid checks file that uses every check kind once', async () => {
    const file = path.join(REPO_ROOT, 'examples', 'netq-checks.yaml');
    const checks = parseChecksFile(await readFile(file, 'utf8'), 'examples/netq-checks.yaml', await bundledTemplates());
    assert.deepEqual(checks.checks.map((c) => c.check).sort(), CHECK_KINDS.map((k) => k.kind).sort());
    assert.equal(checks.waivers.length, 1);
  });
});
