/**
 * The JSON Schemas in schemas/ that are made from code, by file name: `npm run schemas` writes
 * them, a test says when a committed copy is stale. (The other schemas there describe outputs
 * and are kept by hand, checked against the outputs by the tests.)
 */
import { bundledTemplates } from '../questions/bundled.js';
import { renderJson } from '../render/index.js';
import { checksFileSchema } from './checks-schema.js';

/** Each derived schema's file name in schemas/ and its text, as `netq check --schema` prints it. */
export async function derivedSchemaFiles(): Promise<Record<string, string>> {
  const templates = await bundledTemplates();
  return { 'netq-checks.schema.json': renderJson(checksFileSchema(templates)) };
}
