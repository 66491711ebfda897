/** The questions checks need: each asked once however many checks ask it. */
import { isObject } from '../batfish/answer.js';
import { deactivationKey } from '../batfish/fork-flows.js';
import { checkAsks, followUpAsks } from './kinds/index.js';
import type { TableAnswer } from '../batfish/answer.js';
import type { NetqError } from '../errors.js';
import type { CheckSpec, QuestionAsk } from './model.js';

/** A stable key for a question and its parameters (key order and case of the name do not matter). */
export function askKey(ask: QuestionAsk): string {
  const where = `${ask.against ? ` against ${ask.against}` : ''}${ask.fork ? ` fork ${deactivationKey(ask.fork)}` : ''}`;
  return `${ask.question.toLowerCase()} ${stableJson(ask.parameters)}${where}`;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isObject(value)) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function asksOf(check: CheckSpec): { main: QuestionAsk[]; context: QuestionAsk[] } {
  const { main, context } = checkAsks(check);
  return { main: main.map(([, ask]) => ask), context: context.map(([, ask]) => ask) };
}

/**
 * Every question the checks need, each once however many checks ask it (same name and
 * parameters), in the order they are first needed; the command queues them all together.
 */
export function planQuestions(checks: CheckSpec[]): QuestionAsk[] {
  const plan = new Map<string, QuestionAsk>();
  for (const check of checks) {
    const { main, context } = asksOf(check);
    for (const ask of [...main, ...context]) if (!plan.has(askKey(ask))) plan.set(askKey(ask), ask);
  }
  return [...plan.values()];
}


/**
 * The second round: questions checks ask once the first round's answers are in (the forks of a
 * single-failure check, one per element its scope found), each once. A check whose first-round
 * question failed asks nothing more.
 */
export function planFollowUps(checks: CheckSpec[], answerOf: (ask: QuestionAsk) => TableAnswer | NetqError | undefined): QuestionAsk[] {
  const plan = new Map<string, QuestionAsk>();
  for (const check of checks) {
    for (const [, ask] of followUpAsks(check, answerOf)) if (!plan.has(askKey(ask))) plan.set(askKey(ask), ask);
  }
  return [...plan.values()];
}
