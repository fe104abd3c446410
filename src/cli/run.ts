/**
 * Running one `svd` command line: the program holds only what the line needs — no command for
 * `--version`, the named command alone when the first word names one, every command otherwise
 * (root help, no arguments, an unknown command and its "did you mean") — then parses, and turns
 * errors into messages and documented exit codes. bin/svd.js starts here.
 */
import { CommanderError, type Command } from 'commander';
import { EXIT_CODES, SvdError, errorMessage, formatError } from '../core/errors.js';
import { loadAllCommands, registeredCommand } from './commandRegistry.js';
import { processIo, type CliIo } from './io.js';
import { assembleProgram } from './program.js';

async function programFor(argv: readonly string[], io: CliIo): Promise<Command> {
  const first = argv[0];
  if (first === '-V' || first === '--version') return assembleProgram(io, []);
  const named = registeredCommand(first);
  if (named !== undefined) return assembleProgram(io, [(await named.load())(io)]);
  const factories = await loadAllCommands();
  return assembleProgram(
    io,
    factories.map((f) => f(io)),
  );
}

/** Runs one command line; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    const program = await programFor(argv, io);
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
