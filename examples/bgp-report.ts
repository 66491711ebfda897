/**
 * netq as a library: open a site on Batfish, ask two questions at once, and print a one-line
 * verdict per BGP session. Exit code 1 when a session will not come up.
 *
 *   NETQ_BATFISH_URL=http://127.0.0.1:9996 npx tsx examples/bgp-report.ts north_america nyc
 *
 * Without NETQ_BATFISH_URL it starts (or reuses) netq's managed Batfish container.
 */
import { NetqError, site, toText, type NetqEvent } from 'netq';

const [region = 'north_america', siteName = 'nyc'] = process.argv.slice(2);
const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));

function onEvent(event: NetqEvent): void {
  if (event.type === 'upload') console.error(`uploading ${event.snapshot} (${event.files} files, ${event.sizeBytes} bytes)`);
  if (event.type === 'parse') console.error(event.reused ? `reusing ${event.snapshot}` : `parsed ${event.snapshot}: ${event.health ?? ''}`);
  if (event.type === 'warning') console.error(`warning: ${event.text}`);
}

try {
  const run = await site(
    { region, site: siteName },
    { ...(process.env.NETQ_BATFISH_URL ? { batfishUrl: process.env.NETQ_BATFISH_URL } : {}), signal: controller.signal, timeoutMs: 120_000, onEvent },
  );
  try {
    const [sessions, compatibility] = await run.askAll([
      { question: 'bgpSessionStatus', parameters: {} },
      { question: 'bgpSessionCompatibility', parameters: {} },
    ]);
    let down = 0;
    for (const row of sessions!.answer.rows) {
      const status = toText('String', row.Established_Status);
      if (status !== 'ESTABLISHED') down++;
      console.log(`${toText('Node', row.Node)} -> ${toText('SelfDescribing', row.Remote_IP)}: ${status}`);
    }
    console.log(`${region}/${siteName}: ${sessions!.answer.rows.length} sessions, ${down} not established, ${compatibility!.answer.rows.length} configured peerings (Batfish ${run.batfishVersion}, snapshot ${run.snapshot})`);
    process.exitCode = down ? 1 : 0;
  } finally {
    await run.close();
  }
} catch (error) {
  if (!(error instanceof NetqError)) throw error;
  console.error(`error: ${error.message}${error.hint ? `\nhint: ${error.hint}` : ''}`);
  process.exitCode = error.exitCode;
}
