import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkg = require('../package.json') as { version: string };

/** netq's own version, from package.json. */
export const NETQ_VERSION: string = pkg.version;
