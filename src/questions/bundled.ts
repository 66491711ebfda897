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

/**
 * One bundled template by name (any case), reading its own file only (each file is named after
 * its template, as in Batfish's questions/): a question command needs one or two templates, not
 * all seventy-five. Undefined when netq ships no template by that name.
 */
export async function bundledTemplate(name: string): Promise<QuestionTemplate | undefined> {
  const key = name.toLowerCase();
  if (cached) return (await cached).get(key);
  for (const folder of FOLDERS) {
    const file = (await templateFiles(folder)).find((f) => f.toLowerCase() === `${key}.json`);
    if (file === undefined) continue;
    const template = await readTemplate(folder, file);
    if (template.name.toLowerCase() === key) return template;
  }
  return undefined;
}

async function loadTemplates(): Promise<Map<string, QuestionTemplate>> {
  const templates = new Map<string, QuestionTemplate>();
  for (const folder of FOLDERS) {
    const read = await Promise.all((await templateFiles(folder)).map((file) => readTemplate(folder, file)));
    for (const template of read) templates.set(template.name.toLowerCase(), template);
  }
  return templates;
}

/** The template files of a folder, sorted. */
async function templateFiles(folder: (typeof FOLDERS)[number]): Promise<string[]> {
  const dir = new URL(`${folder}/`, QUESTIONS_DIR);
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch (error) {
    throw new InternalError(`netq's bundled question templates are missing (${dir.pathname})`, {
      cause: error,
      hint: 'reinstall netq; the package must contain its questions/ folder',
    });
  }
}

async function readTemplate(folder: (typeof FOLDERS)[number], file: string): Promise<QuestionTemplate> {
  const text = await readFile(new URL(`${folder}/${file}`, QUESTIONS_DIR), 'utf8');
  return parseTemplate(text, `${folder}/${file}`);
}
