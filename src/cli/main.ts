/**
 * The `svd` command line: a thin adapter that parses arguments, calls the core, prints tables or
 * JSON, and turns errors into messages and documented exit codes.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_CODES, SvdError, errorMessage, formatError } from '../core/errors.js';
import { SOFTWARE_VERSION } from '../core/version.js';
import { accessCommand } from './commands/access.js';
import { auditCommand } from './commands/audit.js';
import { batchesCommand } from './commands/batches.js';
import { classifyCommand } from './commands/classify.js';
import { classifyRecordsCommand } from './commands/classifyRecords.js';
import { countsCommand } from './commands/counts.js';
import { definitionsCommand } from './commands/definitions.js';
import { demoCommand } from './commands/demo.js';
import { explainCommand } from './commands/explain.js';
import { coverageCommand } from './commands/coverage.js';
import { fetchCommand } from './commands/fetch.js';
import { ingestCommand } from './commands/ingest.js';
import { geoCommand } from './commands/geo.js';
import { deprivationCommand, populationCommand } from './commands/population.js';
import { indicatorsCommand } from './commands/indicators.js';
import { analyseCommand } from './commands/analyse.js';
import { areasCommand } from './commands/areas.js';
import { ratesCommand } from './commands/rates.js';
import { whatifCommand } from './commands/whatif.js';
import { mappingsCommand } from './commands/mappings.js';
import { synthCommand } from './commands/synth.js';
import { strategyCommand } from './commands/strategy.js';
import { actionsCommand } from './commands/actions.js';
import { measuresCommand } from './commands/measures.js';
import { reviewCommand } from './commands/review.js';
import { reportCommand } from './commands/report.js';
import { serveCommand } from './commands/serve.js';
import { processIo, type CliIo } from './io.js';

export const EXIT_CODE_HELP = `
Exit codes:
  0  success
  1  internal failure (a fault in svd or its components; please report it)
  2  usage error (unknown command or option, bad option value)
  3  input refused (a file failed validation; nothing was stored)
  4  workspace problem (missing, in use, not a workspace, or written by a newer svd)
  5  network failure (a download could not be completed)`;

export function buildProgram(io: CliIo): Command {
  const program = new Command('svd')
    .description(
      'Serious Violence Duty analysis: police.uk and partner data in one workspace, the definition applied exactly',
    )
    .version(SOFTWARE_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (t) => io.stdout.write(t),
      writeErr: (t) => io.stderr.write(t),
    })
    .addHelpText('after', EXIT_CODE_HELP);
  program.addCommand(ingestCommand(io));
  program.addCommand(coverageCommand(io));
  program.addCommand(countsCommand(io));
  program.addCommand(batchesCommand(io));
  program.addCommand(auditCommand(io));
  program.addCommand(accessCommand(io));
  program.addCommand(fetchCommand(io));
  program.addCommand(geoCommand(io));
  program.addCommand(populationCommand(io));
  program.addCommand(deprivationCommand(io));
  program.addCommand(indicatorsCommand(io));
  program.addCommand(areasCommand(io));
  program.addCommand(ratesCommand(io));
  program.addCommand(synthCommand(io));
  program.addCommand(mappingsCommand(io));
  program.addCommand(demoCommand(io));
  program.addCommand(definitionsCommand(io));
  program.addCommand(classifyCommand(io));
  program.addCommand(classifyRecordsCommand(io));
  program.addCommand(explainCommand(io));
  program.addCommand(whatifCommand(io));
  program.addCommand(strategyCommand(io));
  program.addCommand(actionsCommand(io));
  program.addCommand(measuresCommand(io));
  program.addCommand(reviewCommand(io));
  program.addCommand(reportCommand(io));
  program.addCommand(analyseCommand(io));
  program.addCommand(serveCommand(io));
  const exitOverride = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({
      writeOut: (t) => io.stdout.write(t),
      writeErr: (t) => io.stderr.write(t),
    });
    command.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

/** Runs one command line; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  const json = argv.includes('--json');
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_CODES.usage;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message; help and version end with code 0.
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    if (error instanceof SvdError) {
      io.stderr.write(`${formatError(error)}\n`);
      if (json) io.stdout.write(`${JSON.stringify({ error: error.toJSON() }, null, 2)}\n`);
      return error.exitCode;
    }
    io.stderr.write(
      `error[INTERNAL]: ${errorMessage(error)}\n  this is a fault in svd; nothing was stored by the failed step. Please report it with the command you ran.\n`,
    );
    if (io.env['SVD_DEBUG'] !== undefined && error instanceof Error)
      io.stderr.write(`${error.stack ?? ''}\n`);
    return EXIT_CODES.internal;
  }
}

export async function runMain(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), processIo());
}
