import { Command, Option } from 'clipanion';
import path from 'node:path';
import * as t from 'typanion';
import { ExitCode } from '../errors.js';
import { OUTPUT_FORMATS, renderJson, renderText } from '../render/index.js';
import { listSiteSummaries } from '../app/inventory.js';
import { NETQ_VERSION } from '../version.js';
import { NetqCommand, Verbose } from './base.js';

abstract class SitesFlags extends NetqCommand {
  region = Option.String('-r,--region', { description: 'Only this region' });
  regionsDir = Option.String('--regions-dir', 'regions', {
    env: 'NETQ_REGIONS_DIR',
    description: 'Folder that holds <region>/<site>/configs (default ./regions, env NETQ_REGIONS_DIR)',
  });
  format = Option.String('--format,-f', 'table', {
    description: 'Output format: table, json, csv or markdown',
    validator: t.isEnum(OUTPUT_FORMATS),
  });
}

export class SitesCommand extends Verbose(SitesFlags) {
  static override paths = [['sites']];
  static override usage = Command.Usage({
    category: 'Sites',
    description: 'list the regions and sites netq can ask about',
    details: `
      Walks the regions folder (\`<regions-dir>/<region>/<site>/configs/\`) and shows each site
      with the number of device config files and the preflight warnings netq would print before
      uploading it (for example empty files, which Batfish ignores). No Batfish server is needed.

      Exit codes: 0 ok, 2 the regions folder or region does not exist.
    `,
    examples: [
      ['Every site', '$0 sites'],
      ['The sites of one region, as JSON', '$0 sites -r north_america --format json'],
    ],
  });

  async run(): Promise<number> {
    const regionsDir = path.resolve(this.context.cwd, this.regionsDir);
    const sites = await listSiteSummaries(regionsDir, this.region);
    const format = this.format;
    if (format === 'json') {
      return this.emit({ stdout: renderJson({ netqVersion: NETQ_VERSION, regionsDir, sites }), stderr: '', exitCode: ExitCode.ok });
    }
    const table = {
      columns: [
        { name: 'Region', schema: 'String' },
        { name: 'Site', schema: 'String' },
        { name: 'Configs', schema: 'Integer' },
        { name: 'Warnings', schema: 'List<String>' },
      ],
      rows: sites.map((s) => ({ Region: s.region, Site: s.site, Configs: s.configCount, Warnings: s.warnings })),
    };
    return this.emit({ stdout: renderText(table, format, this.terminal()), stderr: '', exitCode: ExitCode.ok });
  }
}
