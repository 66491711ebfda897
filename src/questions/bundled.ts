/**
 * The question templates netq ships (`questions/`, verbatim copies of Batfish's, see
 * questions/ORIGIN.md). They let netq validate a checks file's parameters and print its schema
 * before, or without, any request to Batfish.
 */
import { readdir, readFile } from 'node:fs/promises';
import { InternalError } from '../errors.js';
import { parseTemplate, type QuestionTemplate } from '../batfish/question.js';

/** Both folders, as a stock server loads them (`-templatedirs questions`). */
const FOLDERS = ['stable', 'experimental'] as const;

// The same relative path works from src/questions/ (tsx) and dist/questions/ (built package),
// since both sit two levels below the package root that holds questions/.
const QUESTIONS_DIR = new URL('../../questions/', import.meta.url);

let cached: Promise<Map<string, QuestionTemplate>> | undefined;

/**
 * Every bundled template, keyed by its lower-cased instance name (as the server keys
 * `GET /v2/question_templates`). Read once per process; later calls share the first read.
 */
export function bundledTemplates(): Promise<Map<string, QuestionTemplate>> {
  cached ??= loadTemplates().catch((error: unknown) => {
    // A failed read must not poison the cache for a later caller.
    cached = undefined;
    throw error;
  });
  return cached;
}

async function loadTemplates(): Promise<Map<string, QuestionTemplate>> {
  const templates = new Map<string, QuestionTemplate>();
  for (const folder of FOLDERS) {
    const dir = new URL(`${folder}/`, QUESTIONS_DIR);
    let files: string[];
    try {
      files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    } catch (error) {
      throw new InternalError(`netq's bundled question templates are missing (${dir.pathname})`, {
        cause: error,
        hint: 'reinstall netq; the package must contain its questions/ folder',
      });
    }
    for (const file of files) {
      const text = await readFile(new URL(file, dir), 'utf8');
      const template = parseTemplate(text, `${folder}/${file}`);
      templates.set(template.name.toLowerCase(), template);
    }
  }
  return templates;
}
