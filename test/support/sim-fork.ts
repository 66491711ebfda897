/**
 * The simulator's `POST /v2/networks/{n}/snapshots:fork`, as Batfish's `WorkMgr.forkSnapshot`
 * does it (batfish/batfish, projects/coordinator): the base snapshot's input files copied, the
 * `zipFile` overlay (base64, one top-level folder) written over them, interfaces to deactivate
 * marked line-down in `batfish/runtime_data.json` (restored ones line-up), nodes and links added
 * to the `node_blacklist` and `edge_blacklist` files at the snapshot's root (restored ones
 * removed: restoring what the base never deactivated is a 400). The new snapshot is then
 * UNINITIALIZED and must be parsed, as after an upload; its metadata names its parent by id.
 */

/** `NodeInterfacePair` as Jackson writes it. */
export interface NodeInterface {
  hostname: string;
  interface: string;
}

/** `Edge` as Jackson writes it. */
export interface EdgeJson {
  node1: string;
  node1interface: string;
  node2: string;
  node2interface: string;
}

/** `ForkSnapshotBean` (coordinator/resources/ForkSnapshotBean.java). */
export interface ForkBean {
  snapshotBase?: string | null;
  snapshotNew?: string | null;
  deactivateInterfaces?: NodeInterface[] | null;
  deactivateLinks?: EdgeJson[] | null;
  deactivateNodes?: string[] | null;
  restoreInterfaces?: NodeInterface[] | null;
  restoreLinks?: EdgeJson[] | null;
  restoreNodes?: string[] | null;
  zipFile?: string | null;
}

export type SnapshotFiles = Array<{ relPath: string; content: Buffer }>;

/** A refusal as the resource answers it: `IllegalArgumentException` → 400, `FileNotFoundException` → 404. */
export class ForkRefusal extends Error {
  constructor(
    readonly status: 400 | 404 | 500,
    message: string,
  ) {
    super(message);
  }
}

export const RUNTIME_DATA = 'batfish/runtime_data.json';
export const NODE_BLACKLIST = 'node_blacklist';
export const EDGE_BLACKLIST = 'edge_blacklist';
export const INTERFACE_BLACKLIST = 'interface_blacklist';

const sameEdge = (a: EdgeJson, b: EdgeJson): boolean =>
  a.node1 === b.node1 && a.node1interface === b.node1interface && a.node2 === b.node2 && a.node2interface === b.node2interface;

/** The name checks of `NetworkResource.forkSnapshot` and the bean's creator. */
export function checkForkBean(value: unknown): ForkBean & { snapshotBase: string; snapshotNew: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ForkRefusal(400, 'Unable to process JSON');
  const bean = value as ForkBean;
  // The creator's checkArgument runs first (a missing key), the resource's for an empty one.
  if (typeof bean.snapshotBase !== 'string' || bean.snapshotBase === '') throw new ForkRefusal(400, 'Parameter base snapshot is required');
  if (typeof bean.snapshotNew !== 'string' || bean.snapshotNew === '') throw new ForkRefusal(400, 'Parameter new snapshot is required');
  return bean as ForkBean & { snapshotBase: string; snapshotNew: string };
}

/**
 * The fork's input files from the base's and the bean (after the name checks, which need the
 * network's snapshots and are the caller's). `overlay` is the unzipped `zipFile`, relative to its
 * one top-level folder.
 */
export function forkFiles(base: SnapshotFiles, bean: ForkBean, overlay: SnapshotFiles): SnapshotFiles {
  const files = new Map(base.map((f) => [f.relPath, f.content]));
  for (const f of overlay) files.set(f.relPath, f.content);
  const readList = <T>(name: string): T[] | undefined => {
    const content = files.get(name);
    return content === undefined ? undefined : (JSON.parse(content.toString('utf8')) as T[]);
  };
  const write = (name: string, value: unknown): void => void files.set(name, Buffer.from(JSON.stringify(value, null, 2)));

  // Interfaces: the bean's, and any in an interface blacklist (which is deleted), go line-down.
  const down = [...(bean.deactivateInterfaces ?? []), ...(readList<NodeInterface>(INTERFACE_BLACKLIST) ?? [])];
  files.delete(INTERFACE_BLACKLIST);
  const up = bean.restoreInterfaces ?? [];
  if (down.length || up.length) {
    const existing = files.get(RUNTIME_DATA);
    const data = (existing ? JSON.parse(existing.toString('utf8')) : {}) as { runtimeData?: Record<string, { interfaces?: Record<string, { lineUp?: boolean }> }> };
    const runtime = (data.runtimeData ??= {});
    const set = (i: NodeInterface, lineUp: boolean): void => {
      const node = (runtime[i.hostname] ??= {});
      const interfaces = (node.interfaces ??= {});
      interfaces[i.interface] = { ...interfaces[i.interface], lineUp };
    };
    for (const i of down) set(i, false);
    // An interface in both lists ends line-up (SnapshotRuntimeData.Builder applies up last).
    for (const i of up) set(i, true);
    write(RUNTIME_DATA, data);
  }

  const add = <T>(name: string, items: T[] | null | undefined): void => {
    if (!items?.length) return;
    write(name, [...(readList<T>(name) ?? []), ...items]);
  };
  const remove = <T>(name: string, items: T[] | null | undefined, same: (a: T, b: T) => boolean): void => {
    if (!items?.length) return;
    const list = readList<T>(name);
    if (!list) throw new ForkRefusal(400, 'Cannot remove element(s) from non-existent blacklist.');
    const missing = items.filter((i) => !list.some((l) => same(l, i)));
    if (missing.length) throw new ForkRefusal(400, `Existing blacklist does not contain element(s) specified for removal: '${JSON.stringify(missing)}'`);
    write(name, list.filter((l) => !items.some((i) => same(l, i))));
  };
  add(EDGE_BLACKLIST, bean.deactivateLinks);
  add(NODE_BLACKLIST, bean.deactivateNodes);
  remove(EDGE_BLACKLIST, bean.restoreLinks, sameEdge);
  remove(NODE_BLACKLIST, bean.restoreNodes, (a: string, b: string) => a === b);
  return [...files].map(([relPath, content]) => ({ relPath, content }));
}
