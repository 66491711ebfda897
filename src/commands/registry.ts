import type { CommandClass } from 'clipanion';
import type { NetqContext } from '../context.js';
import { QUESTION_COMMANDS } from '../questions/catalog.js';

/** A module of commands, loaded only when one of its commands runs (or for the overview). */
interface CommandModule {
  paths: string[][];
  load: () => Promise<Array<CommandClass<NetqContext>>>;
}

/**
 * Every command netq has, by the module it lives in. A run loads and registers only the module of
 * the command it names, so `netq sites` never loads the Batfish client and `netq bgp-sessions` never
 * loads the check engine; the overview (`netq --help`, a typo) loads them all.
 */
const MODULES: CommandModule[] = [
  { paths: QUESTION_COMMANDS.map((s) => [s.command]), load: async () => (await import('./question-commands.js')).QUESTION_COMMAND_CLASSES },
  { paths: [['edges']], load: async () => [(await import('./edges.js')).EdgesCommand] },
  { paths: [['parse-status']], load: async () => [(await import('./parse-status.js')).ParseStatusCommand] },
  {
    paths: [['questions'], ['ask']],
    load: async () => {
      const m = await import('./questions.js');
      return [m.QuestionsCommand, m.AskCommand];
    },
  },
  { paths: [['sites']], load: async () => [(await import('./sites.js')).SitesCommand] },
  { paths: [['summary']], load: async () => [(await import('./summary.js')).SummaryCommand] },
  { paths: [['check']], load: async () => [(await import('./check.js')).CheckCommand] },
  { paths: [['impact']], load: async () => [(await import('./impact.js')).ImpactCommand] },
  {
    paths: ['start', 'stop', 'status', 'logs', 'build'].map((p) => ['service', p]),
    load: async () => {
      const m = await import('./service.js');
      return [m.ServiceStartCommand, m.ServiceStopCommand, m.ServiceStatusCommand, m.ServiceLogsCommand, m.ServiceBuildCommand];
    },
  },
];

/** Every command class, in overview order. */
export async function allCommands(): Promise<Array<CommandClass<NetqContext>>> {
  return (await Promise.all(MODULES.map((m) => m.load()))).flat();
}

/**
 * The commands to register for a command line: the one it names (matched on its leading words),
 * or every command when it names none (the overview, a typo clipanion should suggest a fix for).
 */
export async function commandsFor(argv: readonly string[]): Promise<Array<CommandClass<NetqContext>>> {
  const matches = (path: string[]): boolean => path.every((word, i) => argv[i] === word);
  const module = MODULES.find((m) => m.paths.some(matches));
  if (!module) return allCommands();
  const classes = await module.load();
  const named = classes.filter((c) => (c.paths ?? []).some(matches));
  return named.length ? named : classes;
}
