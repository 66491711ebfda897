/**
 * `npm run sim`: starts the Batfish simulator so anyone can try netq by hand.
 *
 *   npm run sim -- --port 9996
 *   npm run sim -- --fault 'POST /work$ 500 once body~"sv"'     # the first parse request fails
 *
 * Prints the URL to give netq as --batfish-url, then logs each request to stderr until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { javaStackTrace, startSimulator, type Fault } from './simulator.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9996' },
    host: { type: 'string', default: '127.0.0.1' },
    'fail-parse': { type: 'boolean', default: false },
    'fail-dataplane': { type: 'boolean', default: false },
    'worker-delay': { type: 'string', default: '0' },
    fault: { type: 'string', multiple: true, default: [] },
  },
});

/**
 * `METHOD PATH-REGEX ACTION [once|Nx] [body~REGEX]`, ACTION being an HTTP status, `drop`, `hang`,
 * `delay=MS`, `trickle=BYTES_PER_SECOND` (the real body, slowly) or `cut=BYTES[:drop|:hang]` (the
 * headers and the first BYTES of the body, then the connection closes or stalls): e.g. `POST /work$ 500 once body~"sv"` (the first parse request answers 500),
 * `POST /work$ drop once` (the first work request loses its connection), `GET /version$ hang`.
 */
function parseFault(spec: string): Fault {
  const [method, pathPattern, action, ...rest] = spec.trim().split(/\s+/);
  if (!method || !pathPattern || !action) throw new Error(`--fault '${spec}': expected METHOD PATH-REGEX ACTION [once|Nx] [body~REGEX]`);
  const fault: Fault = { method: method.toUpperCase(), path: new RegExp(pathPattern) };
  if (action === 'drop') fault.drop = true;
  else if (action === 'hang') fault.hang = true;
  else if (action.startsWith('delay=')) fault.delayMs = Number(action.slice('delay='.length));
  else if (/^trickle=\d+$/.test(action)) fault.trickle = { bytesPerSecond: Number(action.slice('trickle='.length)) };
  else if (/^cut=\d+(:drop|:hang)?$/.test(action)) {
    const [bytes, then = 'drop'] = action.slice('cut='.length).split(':');
    fault.cutBody = { bytes: Number(bytes), then: then as 'drop' | 'hang' };
  }
  else if (/^\d{3}$/.test(action)) fault.respond = { status: Number(action), body: javaStackTrace(`java.lang.RuntimeException: injected ${action}`) };
  else throw new Error(`--fault '${spec}': unknown action '${action}'`);
  for (const token of rest) {
    if (token === 'once') fault.times = 1;
    else if (/^\d+x$/.test(token)) fault.times = Number(token.slice(0, -1));
    else if (token.startsWith('body~')) fault.body = new RegExp(token.slice('body~'.length));
    else throw new Error(`--fault '${spec}': unknown token '${token}'`);
  }
  return fault;
}

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
  faults: values.fault.map(parseFault),
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
