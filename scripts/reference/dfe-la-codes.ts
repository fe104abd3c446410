/**
 * Writes reference/dfe-la-codes.csv: DfE's 3-digit local authority numbers with the ONS code and
 * name of each upper-tier authority, read from the `old_la_code`/`new_la_code`/`la_name` columns of
 * the DfE Explore Education Statistics files in ../shared/data/indicators (the latest year of each
 * number wins, so Buckinghamshire 825 is E06000060 and Northamptonshire 928, gone in 2021, keeps
 * E10000021). England (970) and the nine regions (980–990, as LAIT numbers them) are added by
 * hand; LAIT's Inner (987) and Outer (988) London are not areas svd keeps. `svd indicators load`
 * reads the table to place LAIT's areas, which come by number and name only.
 *
 *   npx tsx scripts/reference/dfe-la-codes.ts
 */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHARED = process.env['SVD_SHARED_DATA'] ?? path.resolve(REPO, '../shared/data');
const FOLDERS = ['dfe-childrens-social-care', 'neet'].map((f) =>
  path.join(SHARED, 'indicators', f),
);
const OUT = path.join(REPO, 'reference', 'dfe-la-codes.csv');

const AGGREGATES: [number, string, string][] = [
  [970, 'E92000001', 'England'],
  [980, 'E12000001', 'North East'],
  [981, 'E12000002', 'North West'],
  [982, 'E12000003', 'Yorkshire and The Humber'],
  [983, 'E12000004', 'East Midlands'],
  [984, 'E12000005', 'West Midlands'],
  [985, 'E12000006', 'East of England'],
  [986, 'E12000007', 'London'],
  [989, 'E12000008', 'South East'],
  [990, 'E12000009', 'South West'],
];

const files = FOLDERS.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => path.join(dir, f)),
);
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const union = files
  .map(
    (f) =>
      `SELECT time_period, old_la_code, new_la_code, la_name FROM read_csv('${f.replace(/'/g, "''")}', all_varchar = true, header = true)
        WHERE geographic_level = 'Local authority'`,
  )
  .join(' UNION ALL ');
const reader = await connection.runAndReadAll(
  `SELECT CAST(old_la_code AS INTEGER) AS la_number,
          arg_max(trim(new_la_code), left(time_period, 4) || new_la_code) AS ons_code,
          arg_max(trim(la_name), left(time_period, 4) || new_la_code) AS la_name
     FROM (${union})
    WHERE nullif(trim(old_la_code), '') IS NOT NULL AND nullif(trim(new_la_code), '') IS NOT NULL
    GROUP BY ALL ORDER BY la_number`,
);
const rows = reader.getRowObjectsJson() as {
  la_number: number;
  ons_code: string;
  la_name: string;
}[];
const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const lines = [
  'la_number,ons_code,name',
  ...rows.map((r) => `${r.la_number},${r.ons_code},${quote(r.la_name)}`),
  ...AGGREGATES.map(([n, code, name]) => `${n},${code},${quote(name)}`),
];
writeFileSync(OUT, `${lines.join('\n')}\n`);
console.log(`${OUT}: ${rows.length} local authorities and ${AGGREGATES.length} aggregates`);
