/**
 * A server's question templates for BatfishSession: fetched once per session or read from netq's
 * kept copy (TemplateCache), each template parsed when first used, a damaged kept copy replaced by
 * the server's.
 */
import { BatfishAnswerError, InputError } from '../errors.js';
import { isObject } from './answer.js';
import type { BatfishClient } from './client.js';
import { parseTemplate, type QuestionTemplate } from './question.js';

/**
 * Where a server's question templates are kept between runs. They ship inside the server, so a
 * copy keyed by the server and its version stays true, and an unchanged re-ask skips the fetch.
 */
export interface TemplateCache {
  /** The `GET /question_templates` body kept for this server and version, or undefined. */
  load(): Promise<unknown>;
  save(json: unknown): Promise<void>;
}

/** The server's templates by lower-cased name, each parsed when first asked for. */
class TemplateSet {
  readonly #texts = new Map<string, { key: string; text: unknown }>();
  readonly #parsed = new Map<string, QuestionTemplate>();

  /** `kept`: read from netq's copy (which may be damaged), not from the server. */
  constructor(
    json: Record<string, unknown>,
    readonly kept: boolean,
  ) {
    for (const [key, text] of Object.entries(json)) this.#texts.set(key.toLowerCase(), { key, text });
  }

  keys(): string[] {
    return [...this.#texts.keys()];
  }

  /** The template, undefined when the server has none by that name; throws when it is malformed. */
  get(name: string): QuestionTemplate | undefined {
    const lower = name.toLowerCase();
    const done = this.#parsed.get(lower);
    if (done) return done;
    const entry = this.#texts.get(lower);
    if (!entry) return undefined;
    const template = parseTemplate(entry.text, entry.key);
    this.#parsed.set(lower, template);
    return template;
  }
}

/** The templates of the server a client talks to, loaded once (and again after a failed load). */
export class ServerTemplates {
  #templates: Promise<TemplateSet> | undefined;
  #templateCache: TemplateCache | undefined;

  constructor(private readonly client: BatfishClient) {}

  /** Keeps the server's templates between runs (set once the server's version is known). */
  useCache(cache: TemplateCache): void {
    this.#templateCache = cache;
  }

  /** Every template the server offers, sorted by name; fetched once per session (or read from the cache). */
  async all(deadline?: number): Promise<QuestionTemplate[]> {
    const all = await this.#withTemplates(deadline, (set) => [...set.keys()].map((key) => set.get(key)!));
    return all.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A template by instance name (case-insensitive). */
  async get(name: string, deadline?: number): Promise<QuestionTemplate> {
    const template = await this.#withTemplates(deadline, (set) => set.get(name));
    if (!template) {
      throw new InputError(`Batfish at ${this.client.baseUrl} does not offer the question '${name}'`, {
        hint: 'netq questions lists the questions this server offers',
      });
    }
    return template;
  }

  /**
   * Runs `use` on the server's templates: the kept copy when there is one, else (or when a kept
   * template turns out damaged) the server's. Templates are parsed when first used: a run that asks
   * one question parses one of the seventy-odd.
   */
  async #withTemplates<T>(deadline: number | undefined, use: (set: TemplateSet) => T): Promise<T> {
    // One load however many questions are prepared at once; a failed one is tried again next time.
    this.#templates ??= this.#loadTemplates(deadline).catch((error: unknown) => {
      this.#templates = undefined;
      throw error;
    });
    const set = await this.#templates;
    try {
      return use(set);
    } catch (error) {
      if (!set.kept) throw error;
      const fetched = this.#fetchTemplates(deadline);
      this.#templates = fetched;
      return use(await fetched);
    }
  }

  async #loadTemplates(deadline?: number): Promise<TemplateSet> {
    const cached = await this.#templateCache?.load().catch(() => undefined);
    if (isObject(cached)) return new TemplateSet(cached, true);
    return this.#fetchTemplates(deadline);
  }

  async #fetchTemplates(deadline?: number): Promise<TemplateSet> {
    const json = await this.client.withDeadline(deadline).questionTemplatesJson();
    if (!isObject(json)) throw new BatfishAnswerError('Batfish sent question templates that are not a JSON object');
    const set = new TemplateSet(json, false);
    // Every template is checked once before the copy is kept, so a kept copy parsed before.
    for (const key of set.keys()) set.get(key);
    await this.#templateCache?.save(json).catch(() => undefined);
    return set;
  }
}
