/**
 * `npm run sim`: starts the Batfish simulator so anyone can try netq by hand.
 *
 *   npm run sim -- --port 9996
 *
 * Prints the URL to give netq as --batfish-url, then logs each request to stderr until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { startSimulator } from './simulator.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9996' },
    host: { type: 'string', default: '127.0.0.1' },
    'fail-parse': { type: 'boolean', default: false },
    'fail-dataplane': { type: 'boolean', default: false },
    'worker-delay': { type: 'string', default: '0' },
  },
});

// Switches for the Batfish stand-in image (test/support/standin-image.ts), set through its ENV:
// a slow start like the JVM's, or a crash at start with some log lines.
const startupDelayMs = Number(process.env.NETQ_SIM_STARTUP_DELAY_MS ?? 0);
if (process.env.NETQ_SIM_CRASH) {
  process.stderr.write('Exception in thread "main" java.lang.IllegalStateException: simulated start failure\n');
  process.stderr.write('\tat org.batfish.allinone.Main.main(Main.java:1)\n');
  process.exit(3);
}
// Like a JVM whose heap does not fit the container's memory limit.
const ballast: Buffer[] = [];
for (let mb = 0; mb < Number(process.env.NETQ_SIM_ALLOCATE_MB ?? 0); mb++) ballast.push(Buffer.alloc(1024 * 1024, 1));
if (startupDelayMs > 0) {
  process.stderr.write(`starting (simulated JVM start, ${startupDelayMs} ms)\n`);
  await new Promise((resolve) => setTimeout(resolve, startupDelayMs));
}
if (process.env.JAVA_TOOL_OPTIONS) process.stderr.write(`Picked up JAVA_TOOL_OPTIONS: ${process.env.JAVA_TOOL_OPTIONS}\n`);

const sim = await startSimulator({
  host: values.host,
  port: Number(values.port),
  failParse: values['fail-parse'],
  failDataplane: values['fail-dataplane'],
  workerStartDelayMs: Number(values['worker-delay']) * 1000,
});
process.stdout.write(`${sim.url}\n`);
process.stderr.write(
  `Batfish simulator listening on ${sim.url} (Ctrl-C stops it)\n` +
    `try: netq bgp-sessions -r north_america -s nyc --batfish-url ${sim.url}\n`,
);
let logged = 0;
const ticker = setInterval(() => {
  for (const r of sim.requests.slice(logged)) process.stderr.write(`${r.status} ${r.method} ${r.path}\n`);
  logged = sim.requests.length;
}, 200);
const stop = (): void => {
  clearInterval(ticker);
  void sim.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
