/** Where a snapshot's files come from, and how netq names that place in messages and reports. */

/** A site of a regions folder, or any Batfish snapshot folder. */
export type SnapshotSource =
  | { kind: 'site'; regionsDir: string; region: string; site: string }
  | { kind: 'dir'; dir: string; /** Name the snapshot after this site instead of the folder. */ name?: string };

/** `region/site`, or the snapshot folder as given. */
export function sourceName(source: SnapshotSource): string {
  return source.kind === 'site' ? `${source.region}/${source.site}` : source.dir;
}
