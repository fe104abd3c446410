/**
 * `svd analyse …`: the Strategic Needs Assessment's analyses on the command line. Each
 * subcommand calls one core analysis (the same the dashboard and the report call) and prints its
 * result, or `{ result, params, warnings }` with --json.
 */
import { Command } from 'commander';
import type { CliIo } from '../io.js';
import { analyseCausesCommand } from './analyseCauses.js';
import { analyseDeprivationCommand } from './analyseDeprivation.js';
import { analyseHealthVsPoliceCommand } from './analyseHealthVsPolice.js';
import { analyseTrendsCommand } from './analyseTrends.js';
import { analyseWhenCommand } from './analyseWhen.js';
import { analyseWhoCommand } from './analyseWho.js';
import { hotspotsCommand } from './analyseHotspots.js';

/** Builders of the subcommands; each analysis module adds its own here. */
const SUBCOMMANDS: ((io: CliIo) => Command)[] = [
  analyseTrendsCommand,
  analyseWhenCommand,
  analyseWhoCommand,
  hotspotsCommand,
  analyseDeprivationCommand,
  analyseHealthVsPoliceCommand,
  analyseCausesCommand,
];

export function analyseCommand(io: CliIo): Command {
  const subcommands = SUBCOMMANDS.map((build) => build(io));
  // The description names the subcommands themselves, so it never lists one that does not exist.
  const analyse = new Command('analyse').description(
    `analyses of the Strategic Needs Assessment: ${subcommands.map((c) => c.name()).join(', ')}`,
  );
  for (const command of subcommands) analyse.addCommand(command);
  return analyse;
}
