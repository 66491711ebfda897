/** `npm run schemas`: writes the JSON Schemas of schemas/ that are made from code (src/check/schema-files.ts). */
import { writeFile } from 'node:fs/promises';
import { derivedSchemaFiles } from '../src/check/schema-files.js';

for (const [name, text] of Object.entries(await derivedSchemaFiles())) {
  await writeFile(new URL(`../schemas/${name}`, import.meta.url), text);
  process.stdout.write(`schemas/${name}\n`);
}
