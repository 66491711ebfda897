import type { QuestionTemplate } from '../batfish/question.js';
import type { NetqEventListener } from './events.js';
import type { BatfishProvider, BatfishTarget } from './provider.js';

/** The question templates a Batfish serves, sorted by name, and its version. */
export async function serverTemplates(
  provider: BatfishProvider,
  target: BatfishTarget,
  onEvent: NetqEventListener,
): Promise<{ batfishVersion: string; templates: QuestionTemplate[] }> {
  const batfish = await provider.connect(target, onEvent);
  try {
    return { batfishVersion: batfish.version.batfish, templates: await batfish.session.templates() };
  } finally {
    await batfish.release();
  }
}

/** One template by instance name (case-insensitive); an input error names the way to list them. */
export async function serverTemplate(provider: BatfishProvider, target: BatfishTarget, name: string, onEvent: NetqEventListener): Promise<QuestionTemplate> {
  const batfish = await provider.connect(target, onEvent);
  try {
    return await batfish.session.template(name);
  } finally {
    await batfish.release();
  }
}
