/**
 * netq as a library: open a site on Batfish and ask it questions, with typed progress events,
 * cancellation and the same errors (and exit-code classes) as the command line.
 *
 *     import { site } from 'netq';
 *     const run = await site({ region: 'north_america', site: 'nyc' }, { batfishUrl: 'http://127.0.0.1:9996' });
 *     const { answer } = await run.ask('bgpSessionStatus', { nodes: 'core.*' });
 *     await run.close();
 */
export { site, type NetqSite, type SiteOptions, type SiteSpec } from './app/api.js';
export type { NetqEvent, NetqEventListener } from './app/events.js';
export type { ManagedBatfishOptions } from './app/provider.js';
export type { QuestionAsk, QuestionResult } from './app/site-run.js';
export type { ColumnMetadata, TableAnswer, AnswerSummary } from './batfish/answer.js';
export type { BatfishVersion } from './batfish/client.js';
export type { QuestionParameters } from './batfish/question.js';
export { jsonRows, toJsonValue, toText } from './render/index.js';
export { answerEnvelope, type AnswerEnvelope } from './output.js';
export {
  ExitCode,
  NetqError,
  InputError,
  BatfishError,
  BatfishUnreachableError,
  BatfishHttpError,
  BatfishWorkError,
  BatfishAnswerError,
  DockerError,
  InterruptedError,
  InternalError,
} from './errors.js';
