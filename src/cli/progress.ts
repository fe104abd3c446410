/**
 * The terminal's view of long work: a one-line progress bar with a rate (rows/s, MB/s), redrawn
 * at most ten times a second, only when stderr is a terminal and --quiet is not given.
 */
import type { ProgressState, Reporter } from '../core/reporter.js';
import type { CliIo } from './io.js';

// Made on first use: building a number format loads the locale data, which every command start
// (help included) would otherwise pay for.
let nf: Intl.NumberFormat | undefined;

export function formatQuantity(value: number, unit: string): string {
  if (unit === 'bytes') {
    if (value >= 1e9) return `${(value / 1e9).toFixed(2)} GB`;
    if (value >= 1e6) return `${(value / 1e6).toFixed(1)} MB`;
    if (value >= 1e3) return `${(value / 1e3).toFixed(0)} kB`;
    return `${value} B`;
  }
  nf ??= new Intl.NumberFormat('en-GB');
  return `${nf.format(Math.round(value))} ${unit}`;
}

export function createCliReporter(io: CliIo, options: { quiet: boolean }): Reporter {
  const draw = io.stderrIsTTY && !options.quiet;
  let started: number | undefined;
  let lastDraw = 0;
  let drawn = false;
  return {
    info(message) {
      if (!options.quiet) io.stderr.write(`${message}\n`);
    },
    warn(message) {
      io.stderr.write(`warning: ${message}\n`);
    },
    progress(state: ProgressState) {
      if (!draw) return;
      const now = performance.now();
      started ??= now;
      if (now - lastDraw < 100) return;
      lastDraw = now;
      const seconds = (now - started) / 1000;
      const rate = seconds > 0.2 ? ` · ${formatQuantity(state.done / seconds, state.unit)}/s` : '';
      let bar = '';
      if (state.total !== undefined && state.total > 0) {
        const share = Math.min(1, state.done / state.total);
        const width = 24;
        const full = Math.round(share * width);
        bar = ` [${'#'.repeat(full)}${' '.repeat(width - full)}] ${Math.round(share * 100)}%`;
      }
      io.stderr.write(
        `\r\x1b[2K${state.label}: ${formatQuantity(state.done, state.unit)}${rate}${bar}`,
      );
      drawn = true;
    },
    endProgress() {
      if (drawn) io.stderr.write('\r\x1b[2K');
      drawn = false;
      started = undefined;
      lastDraw = 0;
    },
  };
}
