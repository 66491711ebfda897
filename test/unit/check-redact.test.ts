/** Issue 22 item 9: secrets in config lines that findings quote, replaced; the rest of the line kept. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, redactSecrets, redactValue } from '../../src/check/redact.js';

/** [line, what must be left of it]. Every `LEAK` must go. */
const SECRETS: Array<[string, string]> = [
  ['snmp-server community LEAK1 RW', `snmp-server community ${REDACTED} RW`],
  ['enable secret 5 $1$LEAK$hash', `enable secret 5 ${REDACTED}`],
  ['username admin privilege 15 secret 9 $9$LEAK', `username admin privilege 15 secret 9 ${REDACTED}`],
  ['username bob password 7 LEAK0822', `username bob password 7 ${REDACTED}`],
  [' neighbor 10.0.0.1 password 0 a LEAK b', ` neighbor 10.0.0.1 password 0 ${REDACTED}`],
  ['ip ospf authentication-key 7 LEAK', `ip ospf authentication-key 7 ${REDACTED}`],
  ['ip ospf message-digest-key 1 md5 7 LEAK', `ip ospf message-digest-key 1 md5 7 ${REDACTED}`],
  ['ntp authentication-key 1 md5 LEAK 7', `ntp authentication-key 1 md5 ${REDACTED} 7`],
  ['tacacs-server host 10.1.1.1 key 7 LEAK', `tacacs-server host 10.1.1.1 key 7 ${REDACTED}`],
  ['radius-server key LEAK', `radius-server key ${REDACTED}`],
  ['crypto isakmp key LEAK address 0.0.0.0', `crypto isakmp key ${REDACTED} address 0.0.0.0`],
  [' key-string 7 LEAK', ` key-string 7 ${REDACTED}`],
  ['snmp-server user u1 grp v3 auth sha LEAK priv aes 128 LEAK2', `snmp-server user u1 grp v3 auth sha ${REDACTED} priv aes 128 ${REDACTED}`],
  ['snmp-server host 10.1.1.1 version 2c LEAK', `snmp-server host 10.1.1.1 version 2c ${REDACTED}`],
  ['set snmp community LEAK authorization read-only', `set snmp community ${REDACTED} authorization read-only`],
  ['community LEAK {', `community ${REDACTED} {`],
  ['authentication-key "$9$LEAK"; ## SECRET-DATA', `authentication-key ${REDACTED}; ## SECRET-DATA`],
  ['set system root-authentication encrypted-password "$6$LEAK"', `set system root-authentication encrypted-password ${REDACTED}`],
  ['pre-shared-key ascii-text "$9$LEAK"', `pre-shared-key ascii-text ${REDACTED}`],
  ['ssh-rsa "AAAALEAK user@host"', `ssh-rsa ${REDACTED}`],
  ['standby 1 authentication LEAK', `standby 1 authentication ${REDACTED}`],
  ['standby 1 authentication md5 key-string 7 LEAK', `standby 1 authentication md5 key-string 7 ${REDACTED}`],
  ['set snmp v3 usm local-engine user u authentication-sha authentication-key LEAK privacy-aes128 privacy-key LEAK2', `set snmp v3 usm local-engine user u authentication-sha authentication-key ${REDACTED} privacy-aes128 privacy-key ${REDACTED}`],
  ['set system login user u authentication plain-text-password-value LEAK', `set system login user u authentication plain-text-password-value ${REDACTED}`],
  ['snmp-community-string LEAK', `snmp-community-string ${REDACTED}`],
  ['community-name LEAK', `community-name ${REDACTED}`],
  ['secret "a\\"LEAK"', `secret ${REDACTED}`],
  ['enable secret\tLEAK', `enable secret ${REDACTED}`],
  ['password=LEAK', `password ${REDACTED}`],
  ['isis lsp-password hmac-md5 LEAK', `isis lsp-password hmac-md5 ${REDACTED}`],
  ['hello-password text LEAK', `hello-password text ${REDACTED}`],
  ['md5-key LEAK', `md5-key ${REDACTED}`],
  ['wpa-psk ascii 0 LEAK', `wpa-psk ascii 0 ${REDACTED}`],
];

/** Lines with no secret: left exactly as they are (BGP communities, key ids, key chains). */
const PLAIN = ['hostname core-rtr01', 'key 10', 'key chain KEYCHAIN', 'key-chain MYCHAIN', 'crypto key generate rsa', 'set community 65000:100 additive', 'then community add MYTAG;', 'route-map RM permit 10', 'interface Ethernet1'];

describe('secret redaction', () => {
  for (const [line, expected] of SECRETS) {
    it(`redacts ${JSON.stringify(line)}`, () => {
      const out = redactSecrets(line);
      assert.doesNotMatch(out, /LEAK/);
      assert.equal(out, expected);
    });
  }
  it('leaves lines without secrets as they are', () => {
    for (const line of PLAIN) assert.equal(redactSecrets(line), line);
  });
  it('redacts every string of a row, nested, and nothing else', () => {
    assert.deepEqual(redactValue({ Line_Text: 'enable secret 5 LEAK', Lines: [{ filename: 'configs/r1.cfg', lines: [3] }], n: 1, x: null }), {
      Line_Text: `enable secret 5 ${REDACTED}`,
      Lines: [{ filename: 'configs/r1.cfg', lines: [3] }],
      n: 1,
      x: null,
    });
  });
});
