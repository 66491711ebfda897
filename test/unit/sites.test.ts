import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { packageSnapshot } from '../../src/sites/packager.js';
import { listRegions, resolveSite } from '../../src/sites/discovery.js';
import { scanSnapshot } from '../../src/sites/sites.js';
import { zipEntries } from '../support/zip.js';

let root: string;

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'netq-sites-'));
  await mkdir(path.join(root, 'regions/emea/lon/configs'), { recursive: true });
  await mkdir(path.join(root, 'regions/emea/par/configs'), { recursive: true });
  await mkdir(path.join(root, 'regions/apac/syd'), { recursive: true });
  await writeFile(path.join(root, 'regions/emea/lon/configs/r1.cfg'), 'hostname r1\n');
  await writeFile(path.join(root, 'regions/emea/lon/configs/r2.cfg'), '');
  await writeFile(path.join(root, 'regions/emea/lon/configs/.r1.cfg.swp'), 'junk');
});
after(() => rm(root, { recursive: true, force: true }));

describe('sites', () => {
  it('lists regions', async () => {
    assert.deepEqual(await listRegions(path.join(root, 'regions')), ['apac', 'emea']);
  });

  it('names the known regions when the region is unknown', async () => {
    await assert.rejects(resolveSite(path.join(root, 'regions'), 'amer', 'nyc'), (e: unknown) =>
      e instanceof InputError && e.message === `unknown region 'amer' in ${path.join(root, 'regions')}` && e.hint === 'known regions: apac, emea',
    );
  });

  it("names the region's sites when the site is unknown", async () => {
    await assert.rejects(resolveSite(path.join(root, 'regions'), 'emea', 'ber'), (e: unknown) =>
      e instanceof InputError && e.hint === 'sites of emea: lon, par',
    );
  });

  it('says where to put configs when a site has none', async () => {
    const location = await resolveSite(path.join(root, 'regions'), 'emea', 'par');
    await assert.rejects(scanSnapshot(location), /has an empty configs\/ folder/);
    const syd = await resolveSite(path.join(root, 'regions'), 'apac', 'syd');
    await assert.rejects(scanSnapshot(syd), /has no device configs/);
  });

  it('warns about empty files and leaves hidden files out', async () => {
    const scan = await scanSnapshot(await resolveSite(path.join(root, 'regions'), 'emea', 'lon'));
    assert.deepEqual(scan.files.map((f) => f.relPath), ['configs/r1.cfg', 'configs/r2.cfg']);
    assert.deepEqual(scan.emptyFiles, ['configs/r2.cfg']);
    assert.match(scan.warnings[0]!, /1 empty file .*which Batfish ignores: configs\/r2.cfg/);
  });
});

describe('snapshot packaging', () => {
  it('zips the files under exactly one top-level folder and removes the zip on dispose', async () => {
    const scan = await scanSnapshot(await resolveSite(path.join(root, 'regions'), 'emea', 'lon'));
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'netq-zip-'));
    const zip = await packageSnapshot(scan.files, 'lon-snap', tmp);
    const names = await zipEntries(zip.zipPath);
    assert.deepEqual(names.sort(), ['lon-snap/', 'lon-snap/configs/', 'lon-snap/configs/r1.cfg', 'lon-snap/configs/r2.cfg']);
    await zip.dispose();
    assert.deepEqual(await readdir(tmp), []);
    await rm(tmp, { recursive: true });
  });
});
