/** The root `svd` command: its description, version, help and output, around the commands given. */
import { Command } from 'commander';
import { SOFTWARE_VERSION } from '../core/version.js';
import type { CliIo } from './io.js';

export const EXIT_CODE_HELP = `
Exit codes:
  0  success
  1  internal failure (a fault in svd or its components; please report it)
  2  usage error (unknown command or option, bad option value)
  3  input refused (a file failed validation; nothing was stored)
  4  workspace problem (missing, in use, not a workspace, or written by a newer svd)
  5  network failure (a download could not be completed)`;

/**
 * The program with these commands: every registered one for root help, an unknown command and
 * "did you mean", or only the one a command line names (see commandRegistry.ts).
 */
export function assembleProgram(io: CliIo, commands: readonly Command[]): Command {
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
  for (const command of commands) program.addCommand(command);
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
