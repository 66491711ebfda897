/**
 * `netq sites`: the regions and sites under a regions folder, each with its config count, as the
 * site layer finds them (src/sites/inventory.ts: no file is read, nothing is sent to Batfish).
 */
export { listSiteSummaries, type SiteSummary } from '../sites/inventory.js';
