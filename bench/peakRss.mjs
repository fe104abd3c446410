// Preloaded into benchmarked processes: writes the process's peak resident memory (KiB) to the
// file named by SVD_BENCH_RSS_FILE as it exits.
import { writeFileSync } from 'node:fs';
import process from 'node:process';

const file = process.env['SVD_BENCH_RSS_FILE'];
if (file !== undefined)
  process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
