/**
 * The top-level commands of `svd`, in the order the help lists them, each with the loader of its
 * module: a command line that names one command imports that module only, so `svd --version`,
 * `svd ingest --help` and the like do not pay for every other command (and what they import) at
 * start-up. A new command is registered here.
 */
import type { Command } from 'commander';
import type { CliIo } from './io.js';

export type CommandFactory = (io: CliIo) => Command;

export interface RegisteredCommand {
  /** The command's name, as typed after `svd`. */
  readonly name: string;
  readonly load: () => Promise<CommandFactory>;
}

export const COMMANDS: readonly RegisteredCommand[] = [
  { name: 'ingest', load: async () => (await import('./commands/ingest.js')).ingestCommand },
  { name: 'coverage', load: async () => (await import('./commands/coverage.js')).coverageCommand },
  { name: 'counts', load: async () => (await import('./commands/counts.js')).countsCommand },
  { name: 'batches', load: async () => (await import('./commands/batches.js')).batchesCommand },
  { name: 'audit', load: async () => (await import('./commands/audit.js')).auditCommand },
  { name: 'access', load: async () => (await import('./commands/access.js')).accessCommand },
  { name: 'fetch', load: async () => (await import('./commands/fetch.js')).fetchCommand },
  { name: 'geo', load: async () => (await import('./commands/geo.js')).geoCommand },
  {
    name: 'population',
    load: async () => (await import('./commands/population.js')).populationCommand,
  },
  {
    name: 'deprivation',
    load: async () => (await import('./commands/population.js')).deprivationCommand,
  },
  {
    name: 'indicators',
    load: async () => (await import('./commands/indicators.js')).indicatorsCommand,
  },
  { name: 'areas', load: async () => (await import('./commands/areas.js')).areasCommand },
  { name: 'rates', load: async () => (await import('./commands/rates.js')).ratesCommand },
  { name: 'synth', load: async () => (await import('./commands/synth.js')).synthCommand },
  { name: 'mappings', load: async () => (await import('./commands/mappings.js')).mappingsCommand },
  { name: 'demo', load: async () => (await import('./commands/demo.js')).demoCommand },
  {
    name: 'definitions',
    load: async () => (await import('./commands/definitions.js')).definitionsCommand,
  },
  { name: 'classify', load: async () => (await import('./commands/classify.js')).classifyCommand },
  {
    name: 'classify-records',
    load: async () => (await import('./commands/classifyRecords.js')).classifyRecordsCommand,
  },
  { name: 'explain', load: async () => (await import('./commands/explain.js')).explainCommand },
  { name: 'whatif', load: async () => (await import('./commands/whatif.js')).whatifCommand },
  { name: 'strategy', load: async () => (await import('./commands/strategy.js')).strategyCommand },
  { name: 'actions', load: async () => (await import('./commands/actions.js')).actionsCommand },
  { name: 'measures', load: async () => (await import('./commands/measures.js')).measuresCommand },
  { name: 'review', load: async () => (await import('./commands/review.js')).reviewCommand },
  { name: 'report', load: async () => (await import('./commands/report.js')).reportCommand },
  { name: 'analyse', load: async () => (await import('./commands/analyse.js')).analyseCommand },
  { name: 'serve', load: async () => (await import('./commands/serve.js')).serveCommand },
];

/** The command registered under this name, if any. */
export function registeredCommand(name: string | undefined): RegisteredCommand | undefined {
  return name === undefined ? undefined : COMMANDS.find((c) => c.name === name);
}

/** Every command's factory, in the registry's order (imports every command module). */
export function loadAllCommands(): Promise<CommandFactory[]> {
  return Promise.all(COMMANDS.map((c) => c.load()));
}
