/**
 * netq as a library: the Batfish client (the same v2 protocol as pybatfish), the answer model and
 * renderers, site discovery and the managed Batfish container.
 */
export { BatfishHttp, DEFAULT_API_KEY, normalizeBatfishUrl, type BatfishHttpOptions, type RetryPolicy } from './batfish/http.js';
export { BatfishClient, TERMINAL_WORK_CODES, type BatfishVersion, type WorkItem, type WorkStatus } from './batfish/client.js';
export { BatfishSession, summarizeParseHealth, type AskRequest, type AskResult, type ParseHealth } from './batfish/session.js';
export { parseTableAnswer, type ColumnMetadata, type TableAnswer } from './batfish/answer.js';
export { instantiateQuestion, parseTemplate, serializeQuestion, validateParameters, type QuestionTemplate } from './batfish/question.js';
export { runWork, pollWork } from './batfish/work.js';
export { BatfishContainers, LABELS, NETQ_BATFISH_IMAGE, PINNED_BATFISH_IMAGE } from './docker/lifecycle.js';
export type { DockerEngine, ContainerInfo } from './docker/engine.js';
export { LazyDockerEngine } from './docker/lazy-engine.js';
export { jsonRows, renderJson, renderText, toJsonValue, toText, OUTPUT_FORMATS, type OutputFormat, type RenderTable } from './render/index.js';
export { listRegions, listSites, resolveSite, scanSnapshot, type SiteLocation, type SnapshotScan } from './sites/sites.js';
export { packageSnapshot } from './sites/packager.js';
export { hashSnapshotFiles } from './sites/hash.js';
export { connectBatfish, runSiteQuestion, type SiteQuestionRequest, type SiteQuestionResult } from './service.js';
export { answerEnvelope, type AnswerEnvelope } from './output.js';
export * from './errors.js';
export { runCli, createCli } from './cli.js';
