import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openSync, readSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError, toNetqError } from '../../src/errors.js';
import { hashSnapshotFiles } from '../../src/sites/hash.js';
import { listSiteSummaries } from '../../src/sites/inventory.js';
import { packageSnapshot } from '../../src/sites/packager.js';
import { listRegions, resolveSite } from '../../src/sites/discovery.js';
import { MAX_DEVICE_FILE_BYTES, scanSnapshot, type ScanFileCalls, type SnapshotScan } from '../../src/sites/sites.js';
import { zipEntries } from '../support/zip.js';

// Every test builds a real tree under one temp folder: real symbolic links, a real FIFO
// (mkfifo), a real unix socket and, where the system lets us, a real device node.

let tmp: string;
let regionsDir: string;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'netq-site-files-'));
  regionsDir = path.join(tmp, 'regions');
  await mkdir(regionsDir);
});
after(() => rm(tmp, { recursive: true, force: true }));

let siteCount = 0;

/** A site `lab/<name>` with the given files (path -> content); returns its location. */
async function makeSite(files: Record<string, string | Buffer>, name = `s${++siteCount}`) {
  const dir = path.join(regionsDir, 'lab', name);
  await mkdir(path.join(dir, 'configs'), { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
  return { region: 'lab', site: name, dir };
}

const relPaths = (scan: SnapshotScan): string[] => scan.files.map((f) => f.relPath);

/** Asserts an InputError (exit 2) and returns it for further checks. */
async function rejectsWithInputError(promise: Promise<unknown>, message: string | RegExp): Promise<InputError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof InputError, `expected an InputError, got ${String(caught)}`);
  assert.equal(toNetqError(caught).exitCode, 2);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else assert.match(caught.message, message);
  return caught;
}

/** File calls for scanSnapshot whose open fails with `code` for one file and opens every other. */
function failingOpen(failPath: string, code: string): Partial<ScanFileCalls> {
  return {
    open: (absPath) => {
      if (absPath === failPath) throw Object.assign(new Error(`${code}: simulated, open '${absPath}'`), { code });
      return openSync(absPath, 'r');
    },
  };
}

describe('the snapshot is exactly the site files', () => {
  it('skips a link to a file outside the site folder, naming it, and never uploads it', async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n' });
    await symlink('/etc/passwd', path.join(site.dir, 'configs/passwd'));
    const scan = await scanSnapshot(site);
    assert.deepEqual(relPaths(scan), ['configs/r1.cfg']);
    assert.ok(scan.warnings.includes('configs/passwd -> /etc/passwd is outside the site folder; not uploaded'), scan.warnings.join('\n'));
    assert.deepEqual(scan.skipped.map((s) => [s.relPath, s.reason]), [['configs/passwd', 'outside']]);
    const zip = await packageSnapshot(scan.files, 'snap', tmp);
    assert.deepEqual((await zipEntries(zip.zipPath)).filter((n) => !n.endsWith('/')), ['snap/configs/r1.cfg']);
    await zip.dispose();
  });

  it('skips a relative link that climbs out of the site folder into a sibling site', async () => {
    const other = await makeSite({ 'configs/secret.cfg': 'hostname secret\n' });
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n' });
    await symlink(`../../${other.site}/configs/secret.cfg`, path.join(site.dir, 'configs/secret.cfg'));
    const scan = await scanSnapshot(site);
    assert.deepEqual(relPaths(scan), ['configs/r1.cfg']);
    assert.deepEqual(scan.warnings, [`configs/secret.cfg -> ${path.join(other.dir, 'configs/secret.cfg')} is outside the site folder; not uploaded`]);
  });

  it('does not walk into a link to a folder outside the site', async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n' });
    await symlink('/etc', path.join(site.dir, 'configs/etc'));
    await symlink('/', path.join(site.dir, 'everything'));
    const scan = await scanSnapshot(site);
    assert.deepEqual(relPaths(scan), ['configs/r1.cfg']);
    assert.deepEqual(scan.skipped.map((s) => s.message), [
      'configs/etc -> /etc is outside the site folder; not uploaded',
      'everything -> / is outside the site folder; not uploaded',
    ]);
  });

  it('follows a link to a file inside the site folder', async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n', 'shared/ntp.cfg': 'ntp server 10.0.0.1\n' });
    await symlink('../shared/ntp.cfg', path.join(site.dir, 'configs/ntp.cfg'));
    const scan = await scanSnapshot(site);
    assert.deepEqual(relPaths(scan), ['configs/ntp.cfg', 'configs/r1.cfg', 'shared/ntp.cfg']);
    assert.deepEqual(scan.warnings, []);
    assert.equal(scan.files.find((f) => f.relPath === 'configs/ntp.cfg')?.sizeBytes, 'ntp server 10.0.0.1\n'.length);
  });

  it('follows a link to a folder inside the site folder, and uploads that folder once', async () => {
    const site = await makeSite({ 'raw/configs/r1.cfg': 'hostname r1\n', 'raw/configs/r2.cfg': 'hostname r2\n' });
    await rm(path.join(site.dir, 'configs'), { recursive: true });
    await symlink('raw/configs', path.join(site.dir, 'configs'));
    const scan = await scanSnapshot(site);
    assert.deepEqual(relPaths(scan), ['configs/r1.cfg', 'configs/r2.cfg']);
    assert.deepEqual(scan.warnings, ['raw/configs is the same folder as configs; not uploaded twice']);
    assert.equal(scan.deviceFiles.length, 2);
  });

  it('keeps configs/ when a link elsewhere in the site points into it (data folders are walked first)', async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n' });
    await mkdir(path.join(site.dir, 'archive'));
    await symlink('../configs', path.join(site.dir, 'archive/current'));
    const scan = await scanSnapshot(site);
    assert.deepEqual(relPaths(scan), ['configs/r1.cfg']);
    assert.deepEqual(scan.warnings, [`archive/current -> ${path.join(site.dir, 'configs')} is the same folder as configs; not uploaded twice`]);
  });

  it('detects a `loop -> ..` link and uploads every file once (the issue 9 reproduction: 5 entries, not 122)', async () => {
    const site = await makeSite({
      'configs/r1.cfg': 'hostname r1\n',
      'configs/r2.cfg': 'hostname r2\n',
      'configs/r3.cfg': 'hostname r3\n',
      'configs/r4.cfg': 'hostname r4\n',
    });
    await symlink('..', path.join(site.dir, 'configs/loop'));
    const scan = await scanSnapshot(site);
    assert.deepEqual(relPaths(scan), ['configs/r1.cfg', 'configs/r2.cfg', 'configs/r3.cfg', 'configs/r4.cfg']);
    assert.deepEqual(scan.skipped.map((s) => [s.relPath, s.reason]), [['configs/loop', 'loop']]);
    assert.match(scan.warnings[0]!, /^configs\/loop -> .* links to a folder that holds it \(a loop\); not uploaded$/);
    const [summary] = await listSiteSummaries(regionsDir, 'lab').then((all) => all.filter((s) => s.site === site.site));
    assert.equal(summary?.configCount, 4);
  });

  it('detects links to the folder itself and to deeper ancestors', async () => {
    const site = await makeSite({ 'configs/a/b/r1.cfg': 'hostname r1\n' });
    await symlink('.', path.join(site.dir, 'configs/self'));
    await symlink('../..', path.join(site.dir, 'configs/a/b/up'));
    await symlink('../../..', path.join(site.dir, 'configs/a/b/root'));
    const scan = await scanSnapshot(site);
    assert.deepEqual(relPaths(scan), ['configs/a/b/r1.cfg']);
    assert.deepEqual(scan.skipped.map((s) => [s.relPath, s.reason]), [
      ['configs/a/b/root', 'loop'],
      ['configs/a/b/up', 'loop'],
      ['configs/self', 'loop'],
    ]);
  });

  it('skips links that lead back to themselves', async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n' });
    await symlink('b.cfg', path.join(site.dir, 'configs/a.cfg'));
    await symlink('a.cfg', path.join(site.dir, 'configs/b.cfg'));
    const scan = await scanSnapshot(site);
    assert.deepEqual(relPaths(scan), ['configs/r1.cfg']);
    assert.deepEqual(scan.warnings, [
      'configs/a.cfg is a link that leads back to itself; not uploaded',
      'configs/b.cfg is a link that leads back to itself; not uploaded',
    ]);
  });

  it('skips a dangling link with a warning', async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n' });
    await symlink('gone.cfg', path.join(site.dir, 'configs/r2.cfg'));
    const scan = await scanSnapshot(site);
    assert.deepEqual(relPaths(scan), ['configs/r1.cfg']);
    assert.deepEqual(scan.warnings, ['configs/r2.cfg -> gone.cfg is a broken link; not uploaded']);
    assert.equal(scan.skipped[0]?.reason, 'dangling');
  });

  it('skips a FIFO (and a link to one) without opening it', { timeout: 10_000 }, async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n' });
    execFileSync('mkfifo', [path.join(site.dir, 'configs/pipe')]);
    await symlink('pipe', path.join(site.dir, 'configs/pipe-link'));
    const opened: string[] = [];
    const scan = await scanSnapshot(site, {
      files: {
        open: (absPath) => {
          opened.push(path.relative(site.dir, absPath));
          return openSync(absPath, 'r');
        },
      },
    });
    assert.deepEqual(relPaths(scan), ['configs/r1.cfg']);
    assert.deepEqual(opened, ['configs/r1.cfg']);
    assert.deepEqual(scan.warnings, [
      'configs/pipe is a FIFO, not a regular file; not uploaded',
      'configs/pipe-link is a FIFO, not a regular file; not uploaded',
    ]);
  });

  it('skips a unix socket', async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n' });
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(site.dir, 'configs/sock'), resolve));
    try {
      const scan = await scanSnapshot(site);
      assert.deepEqual(relPaths(scan), ['configs/r1.cfg']);
      assert.deepEqual(scan.warnings, ['configs/sock is a socket, not a regular file; not uploaded']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('skips a character device', async (t) => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n' });
    try {
      execFileSync('mknod', [path.join(site.dir, 'configs/null'), 'c', '1', '3'], { stdio: 'ignore' });
    } catch {
      return t.skip('mknod needs root with CAP_MKNOD');
    }
    const scan = await scanSnapshot(site);
    assert.deepEqual(relPaths(scan), ['configs/r1.cfg']);
    assert.deepEqual(scan.warnings, ['configs/null is a character device, not a regular file; not uploaded']);
  });

  it('leaves hidden entries out silently, links and all', async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n', '.git/config': '[core]\n', 'configs/.r1.cfg.swp': 'x' });
    await symlink('/etc/passwd', path.join(site.dir, 'configs/.passwd'));
    const scan = await scanSnapshot(site);
    assert.deepEqual(relPaths(scan), ['configs/r1.cfg']);
    assert.deepEqual(scan.warnings, []);
  });
});

describe('one file list for netq sites, the preflight, the hash and the zip', () => {
  it('counts, hashes and zips exactly the scanned files', async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n', 'configs/r2.cfg': 'hostname r2\n', 'hosts/h1.json': '{}' });
    const before = await scanSnapshot(site);
    const hashBefore = await hashSnapshotFiles(before.files);
    await symlink('/etc/passwd', path.join(site.dir, 'configs/passwd'));
    await symlink('..', path.join(site.dir, 'hosts/loop'));
    execFileSync('mkfifo', [path.join(site.dir, 'configs/pipe')]);
    await symlink('missing', path.join(site.dir, 'configs/dangling'));

    const scan = await scanSnapshot(site);
    assert.deepEqual(relPaths(scan), ['configs/r1.cfg', 'configs/r2.cfg', 'hosts/h1.json']);
    assert.equal(scan.warnings.length, 4);
    const summary = (await listSiteSummaries(regionsDir, 'lab')).find((s) => s.site === site.site);
    assert.equal(summary?.configCount, scan.deviceFiles.length);
    assert.deepEqual(summary?.warnings, scan.warnings);
    assert.equal(await hashSnapshotFiles(scan.files), hashBefore, 'skipped entries must not change the snapshot hash');
    const zip = await packageSnapshot(scan.files, 'snap', tmp);
    assert.deepEqual(
      (await zipEntries(zip.zipPath)).filter((n) => !n.endsWith('/')).sort(),
      scan.files.map((f) => `snap/${f.relPath}`),
    );
    await zip.dispose();
  });
});

describe('input errors are input errors', () => {
  // Root (as in CI) reads a chmod 000 file anyway, so these tests inject an openFile that fails
  // the way open(2) does for an ordinary user: scanSnapshot detects unreadable files by opening them.
  it('exits 2 naming a config that cannot be opened (EACCES)', async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n', 'configs/r2.cfg': 'hostname r2\n' });
    const file = path.join(site.dir, 'configs/r1.cfg');
    const error = await rejectsWithInputError(scanSnapshot(site, { files: failingOpen(file, 'EACCES') }), `cannot read ${file}: permission denied`);
    assert.match(error.hint ?? '', /make it readable .*ls -l .*r1\.cfg/);
  });

  it('names the first unreadable file in path order and counts the others', async () => {
    const site = await makeSite({ 'configs/a.cfg': 'hostname a\n', 'configs/b.cfg': 'hostname b\n', 'configs/c.cfg': 'hostname c\n' });
    const denied = new Set(['configs/c.cfg', 'configs/b.cfg'].map((f) => path.join(site.dir, f)));
    const open = (absPath: string): number => {
      if (denied.has(absPath)) throw Object.assign(new Error('EACCES: simulated'), { code: 'EACCES' });
      return openSync(absPath, 'r');
    };
    await rejectsWithInputError(
      scanSnapshot(site, { files: { open } }),
      `cannot read ${path.join(site.dir, 'configs/b.cfg')}: permission denied (and 1 more file netq cannot read)`,
    );
  });

  it('exits 2 for EPERM too, and for a file outside the data folders', async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n', 'batfish/isp_config.json': '{}' });
    const file = path.join(site.dir, 'batfish/isp_config.json');
    await rejectsWithInputError(scanSnapshot(site, { files: failingOpen(file, 'EPERM') }), `cannot read ${file}: permission denied`);
  });

  it('exits 2 for a real chmod 000 config', async (t) => {
    if (process.getuid?.() === 0) return t.skip('root reads chmod 000 files; the injected-open tests cover this');
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n' });
    const file = path.join(site.dir, 'configs/r1.cfg');
    await chmod(file, 0o000);
    await rejectsWithInputError(scanSnapshot(site), `cannot read ${file}: permission denied`);
    await chmod(file, 0o644);
  });

  it('netq sites shows a site that would stop the upload with its error, and counts nothing for it', async () => {
    const site = await makeSite({ 'configs/r1.cfg': '' }, 'only-empty');
    const summary = (await listSiteSummaries(regionsDir, 'lab')).find((s) => s.site === site.site);
    assert.deepEqual(summary, {
      region: 'lab',
      site: 'only-empty',
      configCount: 0,
      warnings: [`nothing to analyse: every config file of site lab/only-empty (${site.dir}) is empty`],
    });
  });

  it('exits 2 naming a file that cannot be read while hashing', async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n', 'configs/r2.cfg': 'hostname r2\n' });
    const scan = await scanSnapshot(site);
    const file = path.join(site.dir, 'configs/r2.cfg');
    await rm(file);
    await mkdir(file);
    await rejectsWithInputError(hashSnapshotFiles(scan.files), `cannot read ${file}: it is a folder`);
    await rm(file, { recursive: true });
    await rejectsWithInputError(hashSnapshotFiles(scan.files), `cannot read ${file}: no such file or folder`);
  });

  it('exits 2 naming a file that cannot be read while zipping, and leaves no temp files', { timeout: 10_000 }, async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n', 'configs/r2.cfg': 'hostname r2\n' });
    const scan = await scanSnapshot(site);
    const file = path.join(site.dir, 'configs/r2.cfg');
    await rm(file);
    await mkdir(file);
    const zipTmp = await mkdtemp(path.join(tmp, 'zip-'));
    await rejectsWithInputError(packageSnapshot(scan.files, 'snap', zipTmp), `cannot read ${file}: it is a folder`);
    assert.deepEqual(await readdir(zipTmp), []);
    await rm(file, { recursive: true });
    await rejectsWithInputError(packageSnapshot(scan.files, 'snap', zipTmp), `cannot read ${file}: no such file or folder`);
    assert.deepEqual(await readdir(zipTmp), []);
  });

  it('exits 2 when a file changes size between the scan and the zip', { timeout: 10_000 }, async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n' });
    const scan = await scanSnapshot(site);
    await writeFile(path.join(site.dir, 'configs/r1.cfg'), 'hostname r1\ninterface e0\n');
    await rejectsWithInputError(packageSnapshot(scan.files, 'snap', tmp), /configs\/r1\.cfg: it changed while netq was zipping it$/);
  });

  it('exits 2 "nothing to analyse" when every config file is empty', async () => {
    const site = await makeSite({ 'configs/r1.cfg': '', 'configs/r2.cfg': '', 'notes.txt': 'not a device' }, 'all-empty');
    const error = await rejectsWithInputError(
      scanSnapshot(site),
      `nothing to analyse: every config file of site lab/all-empty (${site.dir}) is empty`,
    );
    assert.equal(error.hint, `Batfish ignores empty files; put the device configs in ${path.join(site.dir, 'configs')}/`);
  });

  it('still only warns when some config files are empty', async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n', 'configs/r2.cfg': '' });
    const scan = await scanSnapshot(site);
    assert.deepEqual(scan.emptyFiles, ['configs/r2.cfg']);
  });

  it('warns, naming them, about config files with a NUL byte in their first 8 KiB', async () => {
    const late = Buffer.concat([Buffer.from('hostname r3\n'.repeat(1000)), Buffer.from([0])]);
    assert.ok(late.indexOf(0) >= 8192);
    const site = await makeSite({
      'configs/r1.cfg': 'hostname r1\n',
      'configs/r2.cfg': Buffer.from([0x68, 0x00, 0x6f, 0x00]),
      'configs/r3.cfg': late,
      'configs/r4.cfg': Buffer.from('\xff\xfeh\0o\0s\0t\0', 'latin1'),
    });
    const scan = await scanSnapshot(site);
    assert.deepEqual(scan.binaryFiles, ['configs/r2.cfg', 'configs/r4.cfg']);
    assert.deepEqual(scan.warnings, [
      `2 binary files in site lab/${site.site} (${site.dir}) (a NUL byte in the first 8 KiB), which Batfish cannot parse: configs/r2.cfg, configs/r4.cfg`,
    ]);
    assert.deepEqual(relPaths(scan), ['configs/r1.cfg', 'configs/r2.cfg', 'configs/r3.cfg', 'configs/r4.cfg']);
  });

  it(`exits 2 naming a device file over ${MAX_DEVICE_FILE_BYTES / 2 ** 20} MiB, and accepts one at the limit`, async () => {
    const site = await makeSite({ 'configs/r1.cfg': 'hostname r1\n', 'configs/big.cfg': 'hostname big\n' });
    const big = path.join(site.dir, 'configs/big.cfg');
    await truncate(big, MAX_DEVICE_FILE_BYTES); // sparse: no disk used
    assert.equal((await scanSnapshot(site)).files.find((f) => f.relPath === 'configs/big.cfg')?.sizeBytes, MAX_DEVICE_FILE_BYTES);
    await truncate(big, MAX_DEVICE_FILE_BYTES + 1);
    const error = await rejectsWithInputError(scanSnapshot(site), `${big} is larger than 256 MiB (${MAX_DEVICE_FILE_BYTES + 1} bytes), netq's limit for one device file`);
    assert.match(error.hint ?? '', /remove it from the site folder/);
  });

  it('opens each file once and reads at most 8 KiB of it', async () => {
    const site = await makeSite({
      'configs/r1.cfg': 'x'.repeat(100_000),
      'configs/r2.cfg': 'hostname r2\n',
      'notes.md': 'y'.repeat(100_000),
    });
    const opened: string[] = [];
    let bytesAsked = 0;
    const scan = await scanSnapshot(site, {
      files: {
        open: (absPath) => {
          opened.push(path.relative(site.dir, absPath));
          return openSync(absPath, 'r');
        },
        read: (fd, buffer, offset, length, position) => {
          bytesAsked += length;
          return readSync(fd, buffer, offset, length, position);
        },
      },
    });
    assert.equal(scan.files.length, 3);
    assert.deepEqual(opened.sort(), ['configs/r1.cfg', 'configs/r2.cfg', 'notes.md']);
    assert.equal(bytesAsked, 8192 + 'hostname r2\n'.length);
  });

  it('scans a 5 000-file site quickly', { timeout: 60_000 }, async () => {
    const site = await makeSite({});
    for (let i = 0; i < 5000; i++) writeFileSync(path.join(site.dir, `configs/r${i}.cfg`), `hostname r${i}\n`);
    const started = performance.now();
    const scan = await scanSnapshot(site);
    const elapsedMs = performance.now() - started;
    assert.equal(scan.deviceFiles.length, 5000);
    // The scan took about 0.3 s on a laptop before and after the link checks; 10 s catches a
    // walk gone quadratic without failing on a slow CI runner.
    assert.ok(elapsedMs < 10_000, `scan took ${Math.round(elapsedMs)} ms`);
  });
});

describe('--regions-dir', () => {
  it('says when the regions folder is a file', async () => {
    const file = path.join(tmp, 'regions.txt');
    await writeFile(file, 'not a folder');
    const message = `the regions folder ${file} is a file, not a folder`;
    await rejectsWithInputError(listRegions(file), message);
    await rejectsWithInputError(resolveSite(file, 'lab', 's1'), message);
    await rejectsWithInputError(listSiteSummaries(file), message);
    await rejectsWithInputError(listSiteSummaries(file, 'lab'), message);
  });

  it('keeps the message for a missing regions folder', async () => {
    const missing = path.join(tmp, 'no-such-regions');
    await rejectsWithInputError(listRegions(missing), `the regions folder ${missing} does not exist`);
    await rejectsWithInputError(resolveSite(missing, 'lab', 's1'), `the regions folder ${missing} does not exist`);
  });
});
