/**
 * "Today" for a command: `--as-of YYYY-MM-DD` when given, else $SVD_TODAY (to pin reports and
 * tests), else the system clock. Overdue actions, review dates and the default data month follow it.
 */
import { fixedClock, systemClock, type Clock } from '../core/clock.js';
import { usageError } from '../core/errors.js';

export function commandClock(asOf: string | undefined, env: NodeJS.ProcessEnv): Clock {
  const given = asOf ?? env['SVD_TODAY'];
  if (given === undefined || given === '') return systemClock;
  const name = asOf === undefined ? 'SVD_TODAY' : '--as-of';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(given) || Number.isNaN(Date.parse(given)))
    throw usageError(
      'BAD_DATE',
      `${name} ${given} is not a date`,
      'write YYYY-MM-DD, e.g. 2024-10-01',
    );
  return fixedClock(`${given}T12:00:00Z`);
}
