/** `netq check --plan`: what a run costs on Batfish, site by site, as text. */
import type { SitePlan } from '../../app/check-ask.js';
import { printable } from '../../text.js';

export function formatCheckPlan(plans: Array<SitePlan | { site: string; error: string }>): string {
  const lines: string[] = [];
  let questions = 0;
  let forks = 0;
  for (const plan of plans) {
    if ('error' in plan) {
      lines.push(`${printable(plan.site)}: not planned: ${printable(plan.error)}`);
      continue;
    }
    const forkQuestions = plan.forks.reduce((n, f) => n + f.questions.length, 0);
    questions += plan.questions.length + forkQuestions;
    forks += plan.forks.length;
    lines.push(`${printable(plan.site)}${plan.role === 'base' ? ' base' : ''} (snapshot ${printable(plan.snapshot)}): ${plan.questions.length} question(s), ${plan.forks.length} fork(s) × their questions = ${forkQuestions}`);
    for (const q of plan.questions) lines.push(`  ask ${printable(q)}`);
    for (const f of plan.forks) {
      lines.push(`  fork ${printable(f.snapshot)}: ${printable(f.deactivates)} down`);
      for (const q of f.questions) lines.push(`    ask ${printable(q)}`);
    }
  }
  lines.push(`total: ${questions} question(s), ${forks} fork(s) (each fork is a snapshot Batfish parses; they are deleted when the run ends)`);
  return `${lines.join('\n')}\n`;
}
