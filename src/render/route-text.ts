/**
 * The text of routing values as pybatfish prints them: next hops (NextHop), BGP routes (BgpRoute)
 * and their differences (BgpRouteDiffs).
 */
import { isObject } from '../batfish/answer.js';
import { compactJson, py, pythonRepr, quoteName, str } from './pytext.js';

/** `ip 10.0.0.1`, `interface Ethernet1 ip 10.0.0.1`, `discard`, `vrf X`, `vni 5 vtep 1.1.1.1` (NextHop). */
export function nextHopText(value: unknown): string {
  if (!isObject(value)) return compactJson(value);
  switch (value.type) {
    case 'ip':
      return `ip ${str(value.ip)}`;
    case 'interface':
      return value.ip ? `interface ${quoteName(str(value.interface))} ip ${str(value.ip)}` : `interface ${quoteName(str(value.interface))}`;
    case 'discard':
      return 'discard';
    case 'vrf':
      return `vrf ${quoteName(str(value.vrf))}`;
    case 'vtep':
      return `vni ${str(value.vni)} vtep ${str(value.vtep)}`;
    default:
      return compactJson(value);
  }
}

/**
 * A BGP route as the lines pybatfish shows it (its `_repr_html_`): every attribute, with
 * pybatfish's defaults for the ones the answer leaves out.
 */
export function bgpRouteText(value: unknown): string {
  if (!isObject(value)) return compactJson(value);
  const or = (v: unknown, fallback: unknown): unknown => (v === undefined ? fallback : v);
  const communities = Array.isArray(value.communities) ? value.communities : [];
  return [
    `Network: ${py(value.network)}`,
    `AS Path: ${pythonRepr(or(value.asPath, []))}`,
    `Communities: [${communities.map(py).join(', ')}]`,
    `Local Preference: ${py(or(value.localPreference, 0))}`,
    `Metric: ${py(or(value.metric, 0))}`,
    `Next Hop IP: ${py(value.nextHopIp)}`,
    `Originator IP: ${py(value.originatorIp)}`,
    `Origin Type: ${py(value.originType)}`,
    `Protocol: ${py(value.protocol)}`,
    `Source Protocol: ${py(value.srcProtocol)}`,
    `Tag: ${py(or(value.tag, 0))}`,
    `Weight: ${py(or(value.weight, 0))}`,
  ].join('\n');
}

/** pybatfish's names for the fields of a BGP route difference; others are capitalised. */
const BGP_DIFF_NAMES: Record<string, string> = {
  asPath: 'AS Path',
  localPreference: 'Local Preference',
  metric: 'Metric',
  nextHopIp: 'Next Hop IP',
  originatorIp: 'Originator IP',
  originType: 'Origin Type',
  sourceProtocol: 'Source Protocol',
  tag: 'Tag',
  weight: 'Weight',
};

/** One `Field: old --> new` line per difference (BgpRouteDiffs). */
export function bgpRouteDiffsText(value: unknown): string {
  if (!isObject(value) || !Array.isArray(value.diffs)) return compactJson(value);
  return value.diffs
    .filter(isObject)
    .map((d) => {
      const field = str(d.fieldName);
      // Python's str.capitalize(): first letter upper case, the rest lower case.
      const name = BGP_DIFF_NAMES[field] ?? field.charAt(0).toUpperCase() + field.slice(1).toLowerCase();
      return `${name}: ${str(d.oldValue)} --> ${str(d.newValue)}`;
    })
    .join('\n');
}
