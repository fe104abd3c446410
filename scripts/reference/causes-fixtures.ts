/**
 * Writes (UPDATE=1) or checks the reference fixtures of the causes statistics in
 * tests/fixtures/causes/ against R (stats::glm, MASS::glm.nb, spdep::moran.test; Debian:
 * r-base-core, r-cran-mass, r-cran-spdep, r-cran-jsonlite):
 *
 *   UPDATE=1 npx tsx scripts/reference/causes-fixtures.ts   # regenerate the fixtures
 *   npx tsx scripts/reference/causes-fixtures.ts            # recompute in a temporary folder, compare
 *
 * - oxfordshire: the 428 LSOAs 2021 of the five Oxfordshire districts, counted here from the raw
 *   shared files (independently of svd's code) → areas.csv; R fits the models, builds the
 *   neighbours and runs Moran's test → neighbours.csv, expected.json.
 * - synthetic: small seeded samples that R draws itself → *.csv, expected.json.
 * - grid: the hand-made 5 × 5 grid (grid-5x5.csv, the counts of the Gi* grid) with rook
 *   neighbours → neighbours.csv, expected.json.
 *
 * The tests read these files and never run R. See tests/fixtures/causes/README.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(REPO, 'tests', 'fixtures', 'causes');
const SHARED = process.env['SVD_SHARED_DATA'] ?? path.resolve(REPO, '../shared/data');
const R_SCRIPT = path.join(REPO, 'scripts', 'reference', 'causes-reference.R');
const update = process.env['UPDATE'] === '1';

/** The five Oxfordshire districts, by the names the LSOA 2021 list gives them. */
const OXFORDSHIRE = [
  'Cherwell',
  'Oxford',
  'South Oxfordshire',
  'Vale of White Horse',
  'West Oxfordshire',
];
const VIOLENCE = 'Violence and sexual offences';

/** Splits one CSV line, honouring double quotes (the police.uk files have none, the IMD file does). */
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

/** Rows of a CSV text as records keyed by the header (CRLF or LF). */
function readCsv(text: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = splitCsvLine(lines[0]!);
  return lines.slice(1).map((l) => {
    const cells = splitCsvLine(l);
    if (cells.length !== header.length) throw new Error(`unexpected line: ${l}`);
    return Object.fromEntries(header.map((h, i) => [h, cells[i]!]));
  });
}

function writeOxfordshire(dir: string): void {
  const lsoas = readCsv(
    readFileSync(path.join(SHARED, 'derived', 'thames-valley-lsoa21-codes-vs-lsoa11.csv'), 'utf8'),
  ).filter((r) => OXFORDSHIRE.includes(r['lad_name']!));
  if (lsoas.length !== 428)
    throw new Error(`expected 428 Oxfordshire LSOAs, found ${lsoas.length}`);
  lsoas.sort((a, b) => (a['lsoa21_code']! < b['lsoa21_code']! ? -1 : 1));
  const codes = new Set(lsoas.map((r) => r['lsoa21_code']!));

  const population = new Map<string, number>();
  for (const r of readCsv(
    readFileSync(
      path.join(SHARED, 'population', 'census2021-lsoa21-usual-residents-age6-thames-valley.csv'),
      'utf8',
    ),
  )) {
    const code = r['lsoa21_code']!;
    population.set(code, (population.get(code) ?? 0) + Number(r['usual_residents']));
  }

  const imd = new Map<string, Record<string, string>>();
  for (const r of readCsv(
    gunzipSync(
      readFileSync(path.join(SHARED, 'indicators', 'iod2025', 'imd2025_england_lsoa21.csv.gz')),
    ).toString('utf8'),
  ))
    if (codes.has(r['lsoa21_code']!)) imd.set(r['lsoa21_code']!, r);

  // Every 2024 street file: the violence count, and the mean position of all located rows (the
  // points for the k nearest neighbours; no LSOA 2021 centroids or polygons are in the data).
  const streetDir = path.join(SHARED, 'police-uk', 'thames-valley', 'street');
  const files = readdirSync(streetDir).filter((f) =>
    /^2024-\d\d-thames-valley-street\.csv$/.test(f),
  );
  const violence = new Map<string, number>();
  const position = new Map<string, { lon: number; lat: number; n: number }>();
  for (const f of files.sort())
    for (const r of readCsv(readFileSync(path.join(streetDir, f), 'utf8'))) {
      const code = r['LSOA code']!;
      if (!codes.has(code)) continue;
      if (r['Crime type'] === VIOLENCE) violence.set(code, (violence.get(code) ?? 0) + 1);
      if (r['Longitude'] !== '' && r['Latitude'] !== '') {
        const p = position.get(code) ?? { lon: 0, lat: 0, n: 0 };
        p.lon += Number(r['Longitude']);
        p.lat += Number(r['Latitude']);
        p.n += 1;
        position.set(code, p);
      }
    }

  const lines = [
    'code,name,district,violence,population,imd_score,income_score,imd_decile,longitude,latitude,located_rows',
  ];
  for (const a of lsoas) {
    const code = a['lsoa21_code']!;
    const pop = population.get(code);
    const i = imd.get(code);
    const p = position.get(code);
    if (pop === undefined || i === undefined || p === undefined)
      throw new Error(`${code}: no population, IMD row or located police.uk row`);
    lines.push(
      [
        code,
        a['lsoa21_name'],
        a['lad_name'],
        violence.get(code) ?? 0,
        pop,
        i['IMD_score'],
        i['Income_score'],
        i['IMD_decile'],
        (p.lon / p.n).toFixed(6),
        (p.lat / p.n).toFixed(6),
        p.n,
      ].join(','),
    );
  }
  writeFileSync(path.join(dir, 'areas.csv'), `${lines.join('\n')}\n`);
  console.log(`oxfordshire: ${files.join(', ')}`);
}

const GRID = [
  [0, 1, 0, 2, 0],
  [1, 3, 5, 2, 1],
  [0, 4, 9, 6, 0],
  [1, 2, 5, 3, 1],
  [0, 0, 1, 0, 0],
];

function writeGrid(dir: string): void {
  const lines = ['row,col,value'];
  GRID.forEach((r, i) => r.forEach((v, j) => lines.push(`${i + 1},${j + 1},${v}`)));
  writeFileSync(path.join(dir, 'grid-5x5.csv'), `${lines.join('\n')}\n`);
}

const out = update ? FIXTURES : mkdtempSync(path.join(os.tmpdir(), 'svd-fixtures-'));
for (const d of ['oxfordshire', 'synthetic', 'grid'])
  mkdirSync(path.join(out, d), { recursive: true });
writeOxfordshire(path.join(out, 'oxfordshire'));
writeGrid(path.join(out, 'grid'));
for (const mode of ['oxfordshire', 'synthetic', 'grid'])
  execFileSync('Rscript', [R_SCRIPT, mode, path.join(out, mode)], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });

if (!update) {
  let same = true;
  for (const f of [
    'oxfordshire/areas.csv',
    'oxfordshire/neighbours.csv',
    'oxfordshire/neighbours-knn6-asymmetric.csv',
    'oxfordshire/expected.json',
    'synthetic/overdispersed.csv',
    'synthetic/zeros.csv',
    'synthetic/near-poisson.csv',
    'synthetic/poisson.csv',
    'synthetic/expected.json',
    'grid/grid-5x5.csv',
    'grid/neighbours.csv',
    'grid/expected.json',
  ]) {
    const a = readFileSync(path.join(FIXTURES, f), 'utf8');
    const b = readFileSync(path.join(out, f), 'utf8');
    if (a !== b) {
      same = false;
      console.log(`differs: tests/fixtures/causes/${f} (new version in ${path.join(out, f)})`);
    }
  }
  if (same) {
    console.log('the causes fixtures are up to date');
    rmSync(out, { recursive: true, force: true });
  } else process.exitCode = 1;
} else console.log(`wrote the causes fixtures in ${FIXTURES}`);
