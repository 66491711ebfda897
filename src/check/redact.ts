/**
 * Secrets in config text that reaches a report. Batfish quotes config lines back (initIssues'
 * `Line_Text`, parse warnings, a filter line's text), so a line such as
 * `snmp-server community S3CR3T RW` or `enable secret 5 $1$...` would otherwise land in SARIF,
 * JUnit, a merge-request comment and the runner's log. Each rule finds a keyword that introduces
 * a secret, skips the words that only say how it is encoded (`7`, `level 15`, `md5`, `ENC`,
 * `ascii-text`, ...), and replaces the secret itself, so the line still says what it is. The
 * families are those config anonymizers (RANCID, netconan) know: passwords and secrets, keys
 * (routing-protocol authentication, TACACS+/RADIUS, IKE pre-shared keys, key strings), SNMP
 * communities and SNMPv3 user keys, SSH public keys.
 */

/** What a secret is replaced with. */
export const REDACTED = '<redacted>';

/** Words between a keyword and its secret that only say how it is encoded or which one it is. */
const MODIFIER = String.raw`(?:\d{1,3}|level \d+|ENC|sha\d*|md5|text|aes\d*|3des|des|hmac-\S+|hex(?:adecimal)?|ascii(?:-text)?|encrypted|unencrypted|clear|cleartext|plain|local|remote|inbound|outbound)`;
/** The secret: a quoted string (escaped quotes inside), or a word up to whitespace or `;` (Junos ends statements so). */
const SECRET = String.raw`("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|[^\s;"']+)`;
/** Between a keyword and what follows: any run of spaces or tabs, or `=` / `:` (key=value syntaxes). */
const GAP = String.raw`(?:[ \t]+|[ \t]*[=:][ \t]*)`;

/** A keyword (as a regex source, matched as whole words) after which the next word is a secret. */
const KEYWORDS = [
  String.raw`password`,
  String.raw`passwd`,
  String.raw`pksecret`,
  String.raw`secret`,
  String.raw`shared-secret`,
  String.raw`simple-password`,
  String.raw`encrypted-password`,
  String.raw`(?:domain|area)-password`,
  String.raw`(?:hello-)?authentication-key(?: \d+ md5)?`,
  String.raw`authentication text`,
  String.raw`authentication md5 key-string`,
  String.raw`message-digest-key \d+ md5`,
  String.raw`key-string`,
  String.raw`pre-shared-key(?: (?:address|hostname) \S+ key)?`,
  String.raw`(?:isakmp|tacacs-server(?: host \S+)?|radius-server(?: host \S+)?|failover|md5 \d+) key`,
  String.raw`wpa-psk`,
  // SNMP communities; a bare `community` (a Junos `snmp { community NAME {` line) is below.
  String.raw`snmp(?:-server)?(?: \S+)*? community`,
  String.raw`snmp-community`,
  String.raw`community-map`,
  String.raw`auth (?:md5|sha\d*)`,
  String.raw`priv(?: (?:3des|des|aes(?: \d+)?))?`,
  String.raw`(?:ssh-rsa|ssh-dss|ssh-ed25519|ecdsa-sha2-\S+)`,
  // Any other word made of a secret's name: privacy-key, authentication-password,
  // plain-text-password-value, snmp-community-string, community-name, md5-key, lsp-password ...
  String.raw`[\w-]*(?:password|passwd|passphrase|secret|psk|phash)[\w-]*`,
  String.raw`[\w-]*community-(?:name|string)|snmp-community-string`,
  String.raw`(?!key-chain\b|key-string\b)[\w-]+-key(?:-[\w-]+)?|authentication-key-[\w-]+|(?:auth|priv)-key`,
  String.raw`standby(?: \d+)? authentication(?! md5)(?: text)?`,
];

const RULES: RegExp[] = [
  ...KEYWORDS.map((keyword) => new RegExp(String.raw`(^|[\s;{])(${keyword})((?:[ \t]+${MODIFIER})*)${GAP}${SECRET}`, 'gi')),
  // A bare `key` introduces a secret too (`key 7 0822455D0A16`), but also key-chain ids (`key 10`):
  // only a value of three characters or more is taken for a secret.
  new RegExp(String.raw`(^|[\s;{])(key)((?: (?:\d|hex(?:adecimal)?|ascii(?:-text)?))?) (?!(?:chain|id|generate|zeroize|import|export|exchange|config-key|pubkey-chain)\b)("[^"]*"|'[^']*'|[^\s;"']{3,})`, 'gi'),
  // A bare `community NAME`, but not a BGP community a route policy sets or matches
  // (`set community 65000:100`, `community add TAG`, `community no-export`).
  new RegExp(
    String.raw`(^|[\s;{])(?<!set )(community)() (?!(?:add|delete|set|members|none|additive|no-export|no-advertise|local-as|internet|gshut|\d+:\d+)\b)("[^"]*"|'[^']*'|[^\s;"'{]+)`,
    'gi',
  ),
];

/** `snmp-server host HOST [informs|traps|version V|vrf VRF]... COMMUNITY`: the community is the word after the options. */
/** IOS takes the rest of a `neighbor ... password` line as the password, spaces and all. */
const NEIGHBOR_PASSWORD = /(^|[\s;{])(neighbor \S+ password)((?:[ \t]+\d)?)[ \t]+(\S.*)$/gim;

const SNMP_HOST = /(^|[\s;{])(snmp-server host \S+)((?: (?:informs|traps|version (?:1|2c|3 \S+)|vrf \S+))*) ([^\s;]+)/gi;

/** The text with every secret a config line can carry replaced by REDACTED. */
export function redactSecrets(text: string): string {
  if (text.length === 0) return text;
  let out = text.replace(NEIGHBOR_PASSWORD, (_m, lead: string, keyword: string, modifiers: string) => `${lead}${keyword}${modifiers} ${REDACTED}`);
  for (const rule of RULES) out = out.replace(rule, (_m, lead: string, keyword: string, modifiers: string) => `${lead}${keyword}${modifiers} ${REDACTED}`);
  out = out.replace(SNMP_HOST, (_m, lead: string, head: string, options: string) => `${lead}${head}${options} ${REDACTED}`);
  return out;
}

/** A finding's row (or any JSON value) with every string redacted; other values as they are. */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactValue(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactValue(v);
    return out as T;
  }
  return value;
}
