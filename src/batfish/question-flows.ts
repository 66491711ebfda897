/**
 * BatfishSession's question flows: a question checked against its template, its stable name, the
 * answer Batfish stored for it, sending questions ahead, and asking (upload only when missing,
 * queue and await the answer work, ask again when another client's upload orphans the answer).
 */
import { createHash } from 'node:crypto';
import { BatfishError, BatfishHttpError } from '../errors.js';
import { parseTableAnswer, type TableAnswer } from './answer.js';
import type { BatfishClient } from './client.js';
import { definedParameters, instantiateQuestion, serializeQuestion, type QuestionParameters, type QuestionTemplate } from './question.js';
import { validName, type SessionFlow } from './session-flow.js';
import type { ServerTemplates } from './templates.js';
import { awaitWork, runWork } from './work.js';

/** How many times a question is asked when its answer is lost to another client's upload of the question. */
const MAX_ANSWER_ROUNDS = 4;

/** A question checked against its template, ready to upload under a throw-away name. */
export interface PreparedQuestion {
  template: QuestionTemplate;
  /** The parameters that are sent (the ones given, without undefined). */
  parameters: QuestionParameters;
  /** The instantiated question; each ask gives it a fresh instance name before uploading it. */
  question: Record<string, unknown>;
}

export interface AskRequest {
  network: string;
  snapshot: string;
  question: PreparedQuestion;
  referenceSnapshot?: string;
  deadline: number;
  /** Ask again even if Batfish has stored an answer to this question about this snapshot. */
  fresh?: boolean;
  /**
   * This run uploaded the snapshot: Batfish holds no answer about it yet (answers are kept with
   * the snapshot), so netq does not look for one.
   */
  uploadedNow?: boolean;
}

/** Questions sent ahead (sendQuestionsAhead), by `network/name`: true once the server has them. */
export type SentQuestions = Map<string, Promise<boolean>>;

/** See BatfishSession.prepareQuestion. */
export async function prepareQuestion(templates: ServerTemplates, name: string, parameters: QuestionParameters, deadline?: number): Promise<PreparedQuestion> {
  const template = await templates.get(name, deadline);
  const given = definedParameters(parameters);
  return { template, parameters: given, question: instantiateQuestion(template, given, template.name) };
}

/** See BatfishSession.ask; `batfishVersion` is the server's, part of the question's name. */
export async function ask(flow: SessionFlow, sent: SentQuestions, batfishVersion: string, request: AskRequest): Promise<TableAnswer> {
  const { network, snapshot, referenceSnapshot } = request;
  const { template } = request.question;
  const client = flow.client.withDeadline(request.deadline);
  const questionName = stableQuestionName(template.name, batfishVersion, request.question.question, snapshot, referenceSnapshot);
  // Whether the server holds the question: true, false, or undefined when netq does not know yet.
  let onServer: boolean | undefined;
  if (!request.fresh && !request.uploadedNow) {
    const stored = await storedAnswer(client, network, questionName, snapshot, referenceSnapshot);
    if (stored.answer) return stored.answer;
    // `Answer not found`: the name is there, and its text is ours, since the name is its hash.
    onServer = stored.questionExists;
  }
  const ahead = sent.get(`${network}/${questionName}`);
  if (ahead && (await ahead)) onServer = true;
  if (onServer === false) await putQuestion(client, network, questionName, request.question);
  else if (onServer === undefined) await putQuestionIfMissing(client, network, questionName, request.question);
  const requestParams: Record<string, string> = { answer: '', questionname: questionName, testrig: snapshot };
  if (referenceSnapshot) Object.assign(requestParams, { deltatestrig: referenceSnapshot, differential: '' });
  const label = `answering ${template.name} on ${snapshot}`;
  const pollOptions = flow.pollOptions(network, label, request.deadline, `asking ${template.name}`);
  for (let round = 1; ; round++) {
    flow.options.onPhase?.(label);
    const item = { containerName: network, id: flow.options.newId(), requestParams, testrigName: snapshot };
    try {
      await runWork(client, item, pollOptions);
    } catch (error) {
      // Another netq asks the same question about the same snapshot right now: Batfish refuses a
      // second identical work item and names the first, whose answer serves both.
      const first = error instanceof BatfishHttpError && error.status === 400 ? /duplicate of existing WorkID: '([^']+)'/.exec(error.body)?.[1] : undefined;
      if (!first) throw error;
      await awaitWork(client, { ...item, id: first }, pollOptions);
    }
    try {
      return parseTableAnswer(await client.answer(network, questionName, snapshot, referenceSnapshot));
    } catch (error) {
      const lost = error instanceof BatfishHttpError && error.status === 404 ? answerLoss(error.body) : undefined;
      if (!lost) throw error;
      if (round >= MAX_ANSWER_ROUNDS) {
        throw new BatfishError(`the answer to ${template.name} on ${snapshot} was lost ${round} times: another client keeps uploading or deleting the question ${questionName}`, {
          cause: error,
          hint: 'another program uses netq\'s question names on this network (an older netq?); run again when it is done',
        });
      }
      if (lost === 'question deleted') await putQuestion(client, network, questionName, request.question);
      else {
        // The other run's answer may be stored under the name's new id already.
        const stored = await storedAnswer(client, network, questionName, snapshot, referenceSnapshot);
        if (stored.answer) return stored.answer;
      }
      flow.options.onPhase?.(`the answer to ${template.name} was replaced by another client's upload of its question; asking again`);
    }
  }
}

/** See BatfishSession.sendQuestionsAhead. */
export function sendQuestionsAhead(
  flow: SessionFlow,
  sent: SentQuestions,
  batfishVersion: string,
  about: { network: string; snapshot: string; referenceSnapshot?: string },
  questions: PreparedQuestion[],
  deadline: number,
): void {
  const { network, snapshot, referenceSnapshot } = about;
  if (!validName(network)) return;
  const client = flow.client.withDeadline(deadline);
  for (const prepared of questions) {
    const name = stableQuestionName(prepared.template.name, batfishVersion, prepared.question, snapshot, referenceSnapshot);
    const key = `${network}/${name}`;
    if (sent.has(key)) continue;
    sent.set(
      key,
      putQuestionIfMissing(client, network, name, prepared).then(
        () => true,
        () => false,
      ),
    );
  }
}

/**
 * PUTs the question under its name unless the server already holds that name with the same
 * text: a PUT moves the name to a new id, and the answers other runs wait for under the old one
 * could no longer be read.
 */
async function putQuestionIfMissing(client: BatfishClient, network: string, name: string, prepared: PreparedQuestion): Promise<void> {
  if ((await client.questionText(network, name)) === questionText(name, prepared)) return;
  await putQuestion(client, network, name, prepared);
}

/** PUTs the question: only for a name the server is known not to hold (or holds with another text). */
async function putQuestion(client: BatfishClient, network: string, name: string, prepared: PreparedQuestion): Promise<void> {
  await client.putQuestion(network, name, questionText(name, prepared));
}

/**
 * The name a question is kept under: its template and a hash of the server's version, of the
 * question as uploaded (parameters included) and of the snapshot (and reference) it is asked
 * about. Equal questions about one snapshot share one stored answer; two sites of a network, or a
 * site and its base, never share a name, so one never moves the name another is reading.
 */
export function stableQuestionName(
  template: string,
  batfishVersion: string,
  question: Record<string, unknown>,
  snapshot: string,
  referenceSnapshot?: string,
): string {
  const body = structuredClone(question);
  (body.instance as Record<string, unknown>).instanceName = '';
  const hash = createHash('sha256')
    .update(`${batfishVersion}\0${snapshot}\0${referenceSnapshot ?? ''}\0${serializeQuestion(body)}`)
    .digest('hex')
    .slice(0, 20);
  return `__netq_${template}_${hash}`;
}

/** The text netq uploads for a question under a name (the name is also its instance name, as pybatfish does). */
function questionText(name: string, prepared: PreparedQuestion): string {
  const question = structuredClone(prepared.question);
  (question.instance as Record<string, unknown>).instanceName = name;
  return serializeQuestion(question);
}

/**
 * Why an answer read after its work finished is not there: the name now points at another id
 * (`Answer not found`: another client PUT the question while the work ran) or at nothing (the
 * question was deleted); undefined for any other 404 (the snapshot is gone), which is an error.
 */
function answerLoss(body: string): 'replaced' | 'question deleted' | undefined {
  const text = body.trim();
  if (/^Answer not found/i.test(text)) return 'replaced';
  if (/^Question '.*' does not exist/i.test(text)) return 'question deleted';
  return undefined;
}

/**
 * The answer Batfish stored for this question about this snapshot, if any. A stored FAILURE (or a
 * body netq cannot read) is not reused: the question is asked again.
 */
async function storedAnswer(
  client: BatfishClient,
  network: string,
  question: string,
  snapshot: string,
  referenceSnapshot: string | undefined,
): Promise<{ answer?: TableAnswer; questionExists: boolean }> {
  let json: unknown;
  try {
    json = await client.answer(network, question, snapshot, referenceSnapshot);
  } catch (error) {
    if (!(error instanceof BatfishHttpError && error.status === 404)) throw error;
    // `Answer not found …`: the question is there, not yet answered about this snapshot.
    return { questionExists: /^Answer not found/i.test(error.body.trim()) };
  }
  try {
    return { answer: parseTableAnswer(json), questionExists: true };
  } catch {
    return { questionExists: true };
  }
}
