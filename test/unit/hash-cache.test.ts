import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { PIECE_BYTES } from '../../src/sites/file-pieces.js';
import { hashSnapshotFiles } from '../../src/sites/hash.js';
import { cachedSnapshotHash } from '../../src/sites/hash-cache.js';
import { scanSnapshot, type SnapshotFile } from '../../src/sites/sites.js';

// A record is only made for files at least two seconds old (see hash-cache.ts: a change within
// the time stamps' granularity would go unseen), so the sites are written once, before the
// tests, and aged two seconds; each test takes one of them for itself (a rename of the folder,
// which leaves the files' time stamps and inodes as they are).

let tmp: string;
let aged: string;
let stateDir: string;
let copies = 0;

const FILES: Record<string, string | Buffer> = {
  'configs/r1.cfg': 'hostname r1\ninterface e0\n',
  'configs/r2.cfg': 'hostname r2\n',
  'configs/empty.cfg': '',
  'configs/big.cfg': Buffer.alloc(PIECE_BYTES + 12_345, 'x'),
  'hosts/h1.json': '{"hostname": "h1"}\n',
};
const SITES = 8;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'netq-hash-'));
  aged = path.join(tmp, 'aged');
  for (let i = 0; i < SITES; i++) {
    for (const [rel, content] of Object.entries(FILES)) {
      await mkdir(path.dirname(path.join(aged, `s${i}`, rel)), { recursive: true });
      await writeFile(path.join(aged, `s${i}`, rel), content);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 2_100));
});
after(() => rm(tmp, { recursive: true, force: true }));
beforeEach(async () => {
  stateDir = await mkdtemp(path.join(tmp, 'state-'));
});

/** An aged site of its own (its files keep their old time stamps), scanned. */
async function agedSite(): Promise<{ dir: string; files: SnapshotFile[] }> {
  assert.ok(copies < SITES, 'add aged sites for more tests');
  const dir = path.join(tmp, `site${copies}`);
  await rename(path.join(aged, `s${copies++}`), dir);
  return { dir, files: (await scanSnapshot({ site: 'lab', dir })).files };
}

/** The snapshot hash as netq has always defined it, written out independently. */
function referenceHash(dir: string): string {
  const hash = createHash('sha256');
  for (const rel of Object.keys(FILES).sort()) {
    const content = readFileSync(path.join(dir, rel));
    hash.update(`${rel}\0${content.length}\0`).update(content).update('\0');
  }
  return hash.digest('hex');
}

/** A netq run's hash of the site: a new scan (which stamps each file), then cachedSnapshotHash with a compute that counts its calls. */
function counted(dir: string): { run: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    run: async () => {
      const files = (await scanSnapshot({ site: 'lab', dir })).files;
      const hash = await cachedSnapshotHash(files, stateDir, () => {
        calls++;
        return hashSnapshotFiles(files);
      });
      assert.equal(hash, referenceHash(dir));
      return hash;
    },
    calls: () => calls,
  };
}

async function recordFile(): Promise<string> {
  const names = await readdir(path.join(stateDir, 'hashes'));
  assert.equal(names.length, 1, names.join(', '));
  return path.join(stateDir, 'hashes', names[0]!);
}

describe('the snapshot hash', () => {
  it('is the hash netq always gave (names of existing snapshots stay), with the cache or without', async () => {
    const { dir, files } = await agedSite();
    assert.equal(await hashSnapshotFiles(files), referenceHash(dir));
    assert.equal(await hashSnapshotFiles(files, { stateDir }), referenceHash(dir));
    assert.equal(await hashSnapshotFiles(files, { stateDir }), referenceHash(dir), 'from the record');
    assert.equal(await hashSnapshotFiles([...files].reverse(), { stateDir }), referenceHash(dir), 'in any order');
  });

  it('reads no file for an unchanged site, from a private record in the state folder', async () => {
    const { dir } = await agedSite();
    const hash = counted(dir);
    await hash.run();
    await hash.run();
    await hash.run();
    assert.equal(hash.calls(), 1);
    const record = await stat(await recordFile());
    assert.equal(record.mode & 0o777, 0o600);
    assert.equal((await stat(path.join(stateDir, 'hashes'))).mode & 0o777, 0o700);
  });

  it('reads the files again after any change: content (same size and mtime), size, mtime, a replaced file, a file more or less', async () => {
    const { dir } = await agedSite();
    const hash = counted(dir);
    await hash.run();
    assert.equal(hash.calls(), 1);
    const r1 = path.join(dir, 'configs/r1.cfg');
    const { atime, mtime } = await stat(r1);

    // Same size, mtime put back (as `cp -p` or `touch -d` would): the ctime still moves.
    await writeFile(r1, 'hostname r9\ninterface e0\n');
    await utimes(r1, atime, mtime);
    await hash.run();
    assert.equal(hash.calls(), 2, 'content with the same size and mtime');

    // Only the mtime changes (`touch`).
    await utimes(r1, atime, new Date(mtime.getTime() + 1000));
    await hash.run();
    assert.equal(hash.calls(), 3, 'mtime');

    // Replaced by another file of the same size and mtime (a new inode).
    await writeFile(`${r1}.new`, 'hostname r8\ninterface e0\n');
    await utimes(`${r1}.new`, atime, mtime);
    await rename(`${r1}.new`, r1);
    await hash.run();
    assert.equal(hash.calls(), 4, 'a new inode');

    // A new size (as the next scan sees it), then a file more, then one less.
    let computed = 0;
    const hashOf = async (list: SnapshotFile[]): Promise<void> => {
      await cachedSnapshotHash(list, stateDir, () => (computed++, hashSnapshotFiles(list)));
    };
    await writeFile(path.join(dir, 'configs/r2.cfg'), 'hostname r2\ninterface e1\n');
    await hashOf((await scanSnapshot({ site: 'lab', dir })).files);
    assert.equal(computed, 1, 'size');
    await writeFile(path.join(dir, 'configs/r3.cfg'), 'hostname r3\n');
    await hashOf((await scanSnapshot({ site: 'lab', dir })).files);
    assert.equal(computed, 2, 'a file more');
    await rm(path.join(dir, 'configs/r3.cfg'));
    await hashOf((await scanSnapshot({ site: 'lab', dir })).files);
    assert.equal(computed, 3, 'a file less');
  });

  it('does not trust a file changed within the last two seconds (its time stamp could repeat): no record is made', async () => {
    const dir = path.join(tmp, 'fresh');
    await mkdir(path.join(dir, 'configs'), { recursive: true });
    await writeFile(path.join(dir, 'configs/r1.cfg'), 'hostname r1\n');
    const files = (await scanSnapshot({ site: 'fresh', dir })).files;
    let computed = 0;
    await cachedSnapshotHash(files, stateDir, () => (computed++, hashSnapshotFiles(files)));
    await cachedSnapshotHash(files, stateDir, () => (computed++, hashSnapshotFiles(files)));
    assert.equal(computed, 2);
    assert.deepEqual(await readdir(stateDir), []);
  });

  it('ignores a corrupt, foreign or oversized record, and replaces it with a good one', async () => {
    const { dir } = await agedSite();
    const hash = counted(dir);
    await hash.run();
    const file = await recordFile();
    const good = await readFile(file, 'utf8');
    const record = JSON.parse(good) as { hash: string; files: string[] };
    const bad: Array<[string, string]> = [
      ['not JSON', '{"version": 1, "root'],
      ['no files', JSON.stringify({ ...record, files: 'all' })],
      ['another hash format', JSON.stringify({ ...record, hash: 'HASH' })],
      ['another version', JSON.stringify({ ...record, version: 0 })],
      ['another folder', JSON.stringify({ ...record, root: '/elsewhere' })],
      ['a stamp of another file', JSON.stringify({ ...record, files: record.files.map((f) => f.replace('\0', '.old\0')) })],
      ['too large for its file list', JSON.stringify({ ...record, padding: 'x'.repeat(64 * 1024) })],
      ['nested too deeply', '['.repeat(100_000)],
    ];
    let calls = hash.calls();
    for (const [why, text] of bad) {
      await writeFile(file, text, { mode: 0o600 });
      await hash.run();
      assert.equal(hash.calls(), ++calls, why);
      assert.equal(await readFile(file, 'utf8'), good, `${why}: replaced`);
    }
  });

  it('ignores a record that could have been planted: writable by others, owned by another user, or a link', async () => {
    const { dir } = await agedSite();
    const hash = counted(dir);
    await hash.run();
    const file = await recordFile();
    // A forged hash with the right stamps: taken only if the file is this user's private file.
    const forged = JSON.stringify({ ...(JSON.parse(await readFile(file, 'utf8')) as object), hash: 'f'.repeat(64) });
    await writeFile(file, forged);
    chmodSync(file, 0o666);
    await hash.run();
    assert.equal(hash.calls(), 2, 'world-writable');

    await writeFile(file, forged);
    const elsewhere = path.join(tmp, 'planted.json');
    await writeFile(elsewhere, forged, { mode: 0o600 });
    await rm(file);
    await symlink(elsewhere, file);
    await hash.run();
    assert.equal(hash.calls(), 3, 'a link');

    if (process.getuid?.() === 0) {
      await writeFile(file, forged, { mode: 0o600 });
      chownSync(file, 65534, 65534);
      await hash.run();
      assert.equal(hash.calls(), 4, "another user's file");
    }
  });

  it('keeps one whole record, and no temporary file, when several hashes of a site run at once (as concurrent netq processes do)', async () => {
    const { dir, files } = await agedSite();
    const hashes = await Promise.all(Array.from({ length: 6 }, () => hashSnapshotFiles(files, { stateDir })));
    assert.deepEqual(new Set(hashes), new Set([referenceHash(dir)]));
    const record = JSON.parse(await readFile(await recordFile(), 'utf8')) as { hash: string };
    assert.equal(record.hash, referenceHash(dir));
  });

  it('keeps working when the state folder cannot hold a record', async () => {
    const { dir, files } = await agedSite();
    await writeFile(path.join(stateDir, 'hashes'), 'a file where the folder should be');
    assert.equal(await hashSnapshotFiles(files, { stateDir }), referenceHash(dir));
  });
});
