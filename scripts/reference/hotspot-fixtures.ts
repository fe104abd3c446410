/**
 * Writes (UPDATE=1) or checks the Gi* reference fixtures in tests/fixtures/hotspots/ against R
 * spdep and sf (Debian: r-cran-spdep, r-cran-sf):
 *
 *   UPDATE=1 npx tsx scripts/reference/hotspot-fixtures.ts   # regenerate the fixtures
 *   npx tsx scripts/reference/hotspot-fixtures.ts            # recompute in a temporary folder, compare
 *
 * - grid-5x5: the hand-made grid (input.csv is written by hand); spdep's Gi* → expected.csv.
 * - oxford-grid: svd's 200 m grid over Oxford with the police.uk counts per cell → input.csv;
 *   spdep's dnearneigh + localG on those cells → expected.csv.
 * - oxford-lsoa: spdep's poly2nb on the Oxford LSOA polygons (read and projected by sf) and localG
 *   on counts that R takes from the raw police.uk files itself → expected.csv.
 *
 * The tests read these files and never run R. See tests/fixtures/hotspots/README.md.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentReporter } from '../../src/core/reporter.js';
import { analyseHotspots } from '../../src/analyses/hotspots/analyseHotspots.js';
import { OXFORD, oxfordFiles, oxfordWorkspace } from '../../tests/helpers/oxfordHotspots.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(REPO, 'tests', 'fixtures', 'hotspots');
const SHARED = process.env['SVD_SHARED_DATA'] ?? path.resolve(REPO, '../shared/data');
const R_SCRIPT = path.join(REPO, 'scripts', 'reference', 'spdep-gistar.R');
const update = process.env['UPDATE'] === '1';

function rscript(args: string[]): void {
  execFileSync('Rscript', [R_SCRIPT, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
}

const out = update ? FIXTURES : mkdtempSync(path.join(os.tmpdir(), 'svd-fixtures-'));
for (const d of ['grid-5x5', 'oxford-grid', 'oxford-lsoa'])
  mkdirSync(path.join(out, d), { recursive: true });

// 1. The hand-made 5 × 5 grid.
if (!update)
  copyFileSync(
    path.join(FIXTURES, 'grid-5x5', 'input.csv'),
    path.join(out, 'grid-5x5', 'input.csv'),
  );
rscript([
  'grid',
  path.join(out, 'grid-5x5', 'input.csv'),
  path.join(out, 'grid-5x5', 'expected.csv'),
  '100',
]);

// 2. The Oxford grid: svd's cells and counts, spdep's Gi*.
const ws = await oxfordWorkspace(SHARED);
try {
  const a = await analyseHotspots(
    ws,
    { from: OXFORD.from, to: OXFORD.to },
    { area: `district=${OXFORD.district}`, cellSize: OXFORD.cellSize },
    { cwd: REPO, reporter: silentReporter },
  );
  const lines = ['id,row,col,easting,northing,area_share,count'];
  for (const c of a.result.cells)
    lines.push([c.id, c.row, c.col, c.easting, c.northing, c.areaShare, c.count].join(','));
  writeFileSync(path.join(out, 'oxford-grid', 'input.csv'), `${lines.join('\n')}\n`);
} finally {
  ws.close();
}
rscript([
  'grid',
  path.join(out, 'oxford-grid', 'input.csv'),
  path.join(out, 'oxford-grid', 'expected.csv'),
  String(OXFORD.cellSize),
]);

// 3. The Oxford LSOAs: polygons and counts straight from the shared files.
const files = oxfordFiles(SHARED);
rscript([
  'lsoa',
  files.lsoa,
  path.join(out, 'oxford-lsoa', 'expected.csv'),
  String(OXFORD.snap),
  ...files.street,
]);

if (!update) {
  let same = true;
  for (const f of [
    'grid-5x5/expected.csv',
    'oxford-grid/input.csv',
    'oxford-grid/expected.csv',
    'oxford-lsoa/expected.csv',
  ]) {
    const a = readFileSync(path.join(FIXTURES, f), 'utf8');
    const b = readFileSync(path.join(out, f), 'utf8');
    if (a !== b) {
      same = false;
      console.log(`differs: tests/fixtures/hotspots/${f} (new version in ${path.join(out, f)})`);
    }
  }
  if (same) {
    console.log('the hotspot fixtures are up to date');
    rmSync(out, { recursive: true, force: true });
  } else process.exitCode = 1;
} else console.log(`wrote the hotspot fixtures in ${FIXTURES}`);
