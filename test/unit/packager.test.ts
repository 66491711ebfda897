import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { InputError } from '../../src/errors.js';
import { PIECE_BYTES } from '../../src/sites/file-pieces.js';
import { hashSnapshotFiles } from '../../src/sites/hash.js';
import { packageSnapshot } from '../../src/sites/packager.js';
import { scanSnapshot, type SnapshotScan } from '../../src/sites/sites.js';

// The zip is what Batfish unpacks, so these tests read it back the ways servers and tools do:
// yauzl as the simulator does (fromBuffer, lazy entries), Java as Batfish's UnzipUtility does
// (java.util.zip.ZipFile to vet it, then ZipInputStream, which reads the local headers and checks
// every CRC), Info-ZIP's `unzip -t` and Python's zipfile (pybatfish's zip library), and compare
// with the files on disk. The tools that are not installed are left out.

let tmp: string;
let site: { site: string; dir: string };
let scan: SnapshotScan;

/** Files of the test site: nested folders, an empty file, a UTF-8 name, and files of several pieces. */
const SITE_FILES = siteFiles();

function siteFiles(): Record<string, Buffer> {
  const text = Buffer.from('interface GigabitEthernet0/1\n ip address 10.0.0.1 255.255.255.0\n!\n'.repeat(40_000));
  return {
    'configs/r1.cfg': Buffer.from('hostname r1\n'),
    'configs/empty.cfg': Buffer.alloc(0),
    'configs/core/spine-ü1.cfg': Buffer.from('hostname spine\n'),
    // Over two pieces: text that compresses, then bytes that do not (deflate stores them).
    'configs/core/big.cfg': Buffer.concat([text, randomBytes(PIECE_BYTES / 2)]),
    // Exactly one piece long, and exactly two.
    'hosts/h1.json': Buffer.alloc(PIECE_BYTES, 'a'),
    'hosts/h2.json': Buffer.alloc(2 * PIECE_BYTES, 'b'),
    'batfish/isp_config.json': Buffer.from('{"borderInterfaces": []}\n'),
  };
}

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'netq-packager-'));
  site = { site: 'lab', dir: path.join(tmp, 'lab') };
  for (const [rel, content] of Object.entries(SITE_FILES)) {
    await mkdir(path.dirname(path.join(site.dir, rel)), { recursive: true });
    await writeFile(path.join(site.dir, rel), content);
  }
  scan = await scanSnapshot(site);
});
after(() => rm(tmp, { recursive: true, force: true }));

interface ZipEntryRead {
  name: string;
  content: Buffer;
  crc32: number;
  method: number;
}

/** Every entry of a zip, in zip order, read with yauzl exactly as the simulator reads an upload. */
function readZip(body: Buffer): Promise<ZipEntryRead[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(body, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const entries: ZipEntryRead[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.push({ name: entry.fileName, content: Buffer.concat(chunks), crc32: entry.crc32, method: entry.compressionMethod });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Batfish's unzip (org.batfish.common.util.UnzipUtility): ZipFile first, then ZipInputStream. */
const JAVA_UNZIP = `
import java.util.zip.*;
import java.io.*;
public class BatfishUnzip {
  public static void main(String[] args) throws Exception {
    new ZipFile(args[0]).close();
    try (ZipInputStream in = new ZipInputStream(new FileInputStream(args[0]))) {
      byte[] buffer = new byte[65536];
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        long size = 0;
        for (int n; (n = in.read(buffer)) > 0; ) size += n;
        System.out.println(entry.getName() + " " + size);
      }
    }
  }
}
`;

function hasTool(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** Checks a packaged site against the files on disk, with every reader at hand. */
async function assertValidSnapshot(zipPath: string, top: string): Promise<void> {
  const entries = await readZip(readFileSync(zipPath));
  const expected = SITE_FILES;
  const files = Object.keys(expected).sort();
  const folders = ['', 'batfish', 'configs', 'configs/core', 'hosts'];
  // Folders first (as before: yazl got them first), each once, then the files in path order.
  assert.deepEqual(
    entries.map((e) => e.name),
    [...folders.map((f) => (f ? `${top}/${f}/` : `${top}/`)), ...files.map((f) => `${top}/${f}`)],
  );
  for (const entry of entries) {
    if (entry.name.endsWith('/')) {
      assert.equal(entry.content.length, 0, entry.name);
      assert.equal(entry.method, 0, `${entry.name} is stored`);
      continue;
    }
    const content = expected[entry.name.slice(top.length + 1)]!;
    assert.ok(entry.content.equals(content), `${entry.name}: content differs`);
    assert.equal(entry.crc32, zlib.crc32(content), `${entry.name}: CRC`);
    assert.equal(entry.method, 8, `${entry.name} is deflated`);
  }
  if (hasTool('unzip', ['-v'])) {
    // unzip -t inflates every entry and checks its CRC and sizes against the headers.
    const tested = execFileSync('unzip', ['-t', zipPath], { encoding: 'utf8' });
    assert.match(tested, /No errors detected/);
    const big = execFileSync('unzip', ['-p', zipPath, `${top}/configs/core/big.cfg`], { maxBuffer: 64 * 1024 * 1024 });
    assert.ok(big.equals(expected['configs/core/big.cfg']!), 'unzip -p big.cfg');
  }
  if (hasTool('java', ['-version'])) {
    const source = path.join(tmp, 'BatfishUnzip.java');
    await writeFile(source, JAVA_UNZIP);
    const listed = execFileSync('java', [source, zipPath], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(
      listed,
      entries.map((e) => `${e.name} ${e.content.length}`),
    );
  }
  if (hasTool('python3', ['-c', 'import zipfile'])) {
    const script = 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(z.testzip())\nprint(len(z.read(sys.argv[2])))';
    const out = execFileSync('python3', ['-c', script, zipPath, `${top}/hosts/h2.json`], { encoding: 'utf8' });
    assert.deepEqual(out.trim().split('\n'), ['None', String(2 * PIECE_BYTES)]);
  }
}

describe('the snapshot zip', () => {
  it('is a Batfish snapshot: one top folder, a stored entry per folder, every file deflated with its bytes and CRC', async () => {
    const zip = await packageSnapshot(scan.files, 'lab-0123456789abcdef', tmp);
    try {
      await assertValidSnapshot(zip.zipPath, 'lab-0123456789abcdef');
      assert.equal(zip.sizeBytes, (await readFile(zip.zipPath)).length);
    } finally {
      await zip.dispose();
    }
  });

  it('writes the same entries with ZIP64 records, which readers take as well', async () => {
    const zip = await packageSnapshot(scan.files, 'lab64', tmp, { forceZip64: true });
    try {
      const body = readFileSync(zip.zipPath);
      // The ZIP64 end of central directory record and its locator are there.
      assert.ok(body.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06])), 'ZIP64 end record');
      assert.ok(body.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07])), 'ZIP64 locator');
      await assertValidSnapshot(zip.zipPath, 'lab64');
    } finally {
      await zip.dispose();
    }
  });

  it('is deterministic: packaging twice gives the same size and the same entries', async () => {
    const a = await packageSnapshot(scan.files, 'same', tmp);
    const b = await packageSnapshot(scan.files, 'same', tmp);
    try {
      const [x, y] = [readFileSync(a.zipPath), readFileSync(b.zipPath)];
      assert.equal(x.length, y.length);
      assert.deepEqual(await readZip(x), await readZip(y));
    } finally {
      await a.dispose();
      await b.dispose();
    }
  });

  it('exits 2 when a file of several pieces shrinks before the zip, and leaves no temp files', async () => {
    const dir = path.join(tmp, 'shrinks');
    await mkdir(path.join(dir, 'configs'), { recursive: true });
    const file = path.join(dir, 'configs/big.cfg');
    await writeFile(file, Buffer.alloc(3 * PIECE_BYTES, 'x'));
    const shrinking = await scanSnapshot({ site: 'shrinks', dir });
    await truncate(file, 2 * PIECE_BYTES + 10);
    const zipTmp = await mkdtemp(path.join(tmp, 'zip-'));
    await assert.rejects(packageSnapshot(shrinking.files, 'snap', zipTmp), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.message, `cannot read ${file}: it changed while netq was zipping it`);
      return true;
    });
    assert.deepEqual(await readdir(zipTmp), []);
  });

  it('exits 2 when a file grows after the scan, an empty one too, whether hashing or zipping', async () => {
    for (const [name, before] of [['grows.cfg', 'hostname r1\n'], ['was-empty.cfg', '']] as const) {
      const dir = path.join(tmp, `grows-${name}`);
      await mkdir(path.join(dir, 'configs'), { recursive: true });
      const file = path.join(dir, 'configs', name);
      await writeFile(file, before);
      await writeFile(path.join(dir, 'configs/r0.cfg'), 'hostname r0\n');
      const growing = await scanSnapshot({ site: 'grows', dir });
      await writeFile(file, `${before}interface e0\n`);
      for (const [activity, attempt] of [
        ['hashing', () => hashSnapshotFiles(growing.files)],
        ['zipping', () => packageSnapshot(growing.files, 'snap', tmp)],
      ] as const) {
        await assert.rejects(attempt(), (error: unknown) => {
          assert.ok(error instanceof InputError, String(error));
          assert.equal(error.message, `cannot read ${file}: it changed while netq was ${activity} it`);
          return true;
        });
      }
    }
  });
});
