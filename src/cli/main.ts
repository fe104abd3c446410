/**
 * The `svd` command line: a thin adapter that parses arguments, calls the core, prints tables or
 * JSON, and turns errors into messages and documented exit codes.
 *
 * This module holds the whole program: it imports every command module, so that `buildProgram`
 * can stay synchronous for those who walk the command tree. The command itself starts from
 * run.ts, which imports only what a command line needs.
 */
import type { Command } from 'commander';
import { loadAllCommands } from './commandRegistry.js';
import type { CliIo } from './io.js';
import { assembleProgram } from './program.js';

export { EXIT_CODE_HELP } from './program.js';
export { runCli, runMain } from './run.js';

const factories = await loadAllCommands();

/** The program with every registered command. */
export function buildProgram(io: CliIo): Command {
  return assembleProgram(
    io,
    factories.map((f) => f(io)),
  );
}
