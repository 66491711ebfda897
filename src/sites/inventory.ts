import { NetqError } from '../errors.js';
import { listRegions, listSites } from './discovery.js';
import { scanSnapshot } from './sites.js';

export interface SiteSummary {
  region: string;
  site: string;
  /** Device files (configs/, hosts/, ...) that would be uploaded. */
  configCount: number;
  /** What preflight would warn about, or the error that would stop an upload. */
  warnings: string[];
}

/** Every site of every region (or of one region), with its preflight result. */
export async function listSiteSummaries(regionsDir: string, onlyRegion?: string): Promise<SiteSummary[]> {
  const regions = onlyRegion === undefined ? await listRegions(regionsDir) : [onlyRegion];
  const summaries: SiteSummary[] = [];
  for (const region of regions) {
    for (const site of await listSites(regionsDir, region)) {
      const location = { region, site, dir: `${regionsDir}/${region}/${site}` };
      try {
        const scan = await scanSnapshot(location);
        summaries.push({ region, site, configCount: scan.deviceFiles.length, warnings: scan.warnings });
      } catch (error) {
        if (!(error instanceof NetqError)) throw error;
        summaries.push({ region, site, configCount: 0, warnings: [error.message] });
      }
    }
  }
  return summaries;
}
