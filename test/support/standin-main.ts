/**
 * The program of the Batfish stand-in image (test/support/standin-image.ts): the simulator on
 * 0.0.0.0:9996, shaped by the image's environment like a Batfish container would be by its JVM:
 *
 *   NETQ_SIM_VERSION           what GET /v2/version reports (the image says it is a stand-in)
 *   NETQ_SIM_STARTUP_DELAY_MS  a slow start, like the JVM's: the port answers only after this
 *   NETQ_SIM_CRASH             exit 3 at start with a Java-like stack trace
 *   NETQ_SIM_ALLOCATE_MB       hold this much memory, like a heap that does not fit --memory
 *   NETQ_SIM_PARSE_MS          time a snapshot parse takes
 *
 * It logs every request to stderr (every 200 ms), so tests can read `docker logs`.
 */
import { startSimulator } from './simulator.js';

// As PID 1 the process gets no default signal handling: without these, `docker stop` would wait
// its whole timeout, also during the simulated start. A stand-in has nothing to save: it just exits.
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

if (process.env.NETQ_SIM_CRASH) {
  process.stderr.write('Exception in thread "main" java.lang.IllegalStateException: simulated start failure\n');
  process.stderr.write('\tat org.batfish.allinone.Main.main(Main.java:1)\n');
  process.exit(3);
}
const ballast: Buffer[] = [];
for (let mb = 0; mb < Number(process.env.NETQ_SIM_ALLOCATE_MB ?? 0); mb++) ballast.push(Buffer.alloc(1024 * 1024, 1));
const startupDelayMs = Number(process.env.NETQ_SIM_STARTUP_DELAY_MS ?? 0);
if (startupDelayMs > 0) {
  process.stderr.write(`starting (simulated JVM start, ${startupDelayMs} ms)\n`);
  await new Promise((resolve) => setTimeout(resolve, startupDelayMs));
}
if (process.env.JAVA_TOOL_OPTIONS) process.stderr.write(`Picked up JAVA_TOOL_OPTIONS: ${process.env.JAVA_TOOL_OPTIONS}\n`);

const sim = await startSimulator({
  host: '0.0.0.0',
  port: 9996,
  version: { Batfish: process.env.NETQ_SIM_VERSION ?? 'standin', api_version: '2.1.0' },
  ...(process.env.NETQ_SIM_PARSE_MS ? { parseMs: Number(process.env.NETQ_SIM_PARSE_MS) } : {}),
});
process.stderr.write(`Batfish stand-in (simulator) listening on ${sim.url}\n`);
let logged = 0;
setInterval(() => {
  for (const r of sim.requests.slice(logged)) process.stderr.write(`${r.status} ${r.method} ${r.path}\n`);
  logged = sim.requests.length;
}, 200);
