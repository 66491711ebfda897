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
