/**
 * `svd deprivation load`: the English Indices of Deprivation 2019 by LSOA 2011 — the IMD rank and
 * decile (1 = most deprived) and those of the seven domains, from File 1 and/or File 2 of the
 * published CSVs. Columns are found by their published names and announced. A domain loaded
 * again is replaced. 2021 LSOAs take the values of their 2011 LSOA (see `areas list`).
 */
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import { SvdError } from '../../core/errors.js';
import type { Reporter } from '../../core/reporter.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { CSV_SOURCE, csvHeader, firstNonNumber, quoteIdent, sqlNumber } from '../referenceCsv.js';
import { identifyFile, recordReferenceBatch } from '../referenceBatches.js';
import { rebuildGeography } from '../rebuildGeography.js';

export const DOMAINS = {
  imd: /^Index of Multiple Deprivation \(IMD\)/i,
  income: /^Income (Rank|Decile)/i,
  employment: /^Employment (Rank|Decile)/i,
  education: /^Education, Skills and Training/i,
  health: /^Health Deprivation and Disability/i,
  crime: /^Crime (Rank|Decile)/i,
  barriers: /^Barriers to Housing and Services/i,
  living_environment: /^Living Environment/i,
} as const;
export type Domain = keyof typeof DOMAINS;

export interface DeprivationReport {
  file: string;
  batchId: number;
  codeColumn: string;
  domains: { domain: Domain; rank: string | null; decile: string | null; areas: number }[];
}

export async function loadDeprivation(
  ws: Workspace,
  file: string,
  options: { reporter: Reporter; clock?: Clock },
): Promise<DeprivationReport> {
  const header = await csvHeader(ws, file);
  const codeColumn = header.find((h) => /^LSOA code \(2011\)$|^LSOA11CD$/i.test(h));
  if (codeColumn === undefined)
    throw new SvdError({
      kind: 'input',
      code: 'NO_LSOA_COLUMN',
      message: `no 2011 LSOA code column ("LSOA code (2011)" or LSOA11CD) among: ${header.join(', ')}`,
      location: { file },
      fix: 'give File 1 or File 2 of the English Indices of Deprivation 2019 (CSV)',
    });
  const found = (Object.keys(DOMAINS) as Domain[]).flatMap((domain) => {
    const columns = header.filter((h) => DOMAINS[domain].test(h));
    const rank = columns.find((h) => /\brank\b/i.test(h)) ?? null;
    const decile = columns.find((h) => /\bdecile\b/i.test(h)) ?? null;
    return rank === null && decile === null ? [] : [{ domain, rank, decile }];
  });
  if (found.length === 0)
    throw new SvdError({
      kind: 'input',
      code: 'NO_DEPRIVATION_COLUMNS',
      message: `no rank or decile columns of the IMD or its domains among: ${header.join(', ')}`,
      location: { file },
      fix: 'give File 1 or File 2 of the English Indices of Deprivation 2019 (CSV)',
    });
  for (const f of found)
    for (const column of [f.rank, f.decile]) {
      if (column === null) continue;
      const bad = await firstNonNumber(ws, file, column);
      if (bad !== undefined)
        throw new SvdError({
          kind: 'input',
          code: 'BAD_DEPRIVATION_VALUE',
          message: `${JSON.stringify(bad.value)} is not a rank or decile`,
          location: { file, line: bad.line, field: column, value: bad.value },
          fix: 'correct the value',
        });
    }
  const clock = options.clock ?? systemClock;
  return ws.db.transaction(async () => {
    const rows = (await ws.db.value<number>(`SELECT count(*) FROM ${CSV_SOURCE}`, { file })) ?? 0;
    const batchId = await recordReferenceBatch(ws, {
      kind: 'deprivation',
      file: identifyFile(file),
      rowsRead: rows,
      rowsStored: 0,
      clock,
    });
    const domains: DeprivationReport['domains'] = [];
    for (const f of found) {
      await ws.db.run(`DELETE FROM deprivation WHERE domain = $domain`, { domain: f.domain });
      await ws.db.run(
        `INSERT INTO deprivation SELECT trim(${quoteIdent(codeColumn)}), $domain,
           ${f.rank === null ? 'NULL' : `CAST(${sqlNumber(quoteIdent(f.rank))} AS INTEGER)`},
           ${f.decile === null ? 'NULL' : `CAST(${sqlNumber(quoteIdent(f.decile))} AS SMALLINT)`}, $batch
         FROM ${CSV_SOURCE} WHERE nullif(trim(${quoteIdent(codeColumn)}), '') IS NOT NULL`,
        { file, domain: f.domain, batch: batchId },
      );
      const areas =
        (await ws.db.value<number>(`SELECT count(*) FROM deprivation WHERE domain = $domain`, {
          domain: f.domain,
        })) ?? 0;
      domains.push({ ...f, areas });
    }
    // Batches of earlier files whose every domain was replaced are superseded.
    await ws.db.run(
      `UPDATE batches SET status = 'superseded' WHERE source_kind = 'deprivation' AND status = 'active'
         AND batch_id <> $batch AND batch_id NOT IN (SELECT DISTINCT batch_id FROM deprivation)`,
      { batch: batchId },
    );
    await ws.db.run(`UPDATE batches SET rows_stored = $n WHERE batch_id = $id`, {
      n: rows,
      id: batchId,
    });
    options.reporter.info(
      `${file}: deprivation by LSOA 2011 from column ${codeColumn}: ${domains.map((d) => `${d.domain} (${[d.rank, d.decile].filter((c) => c !== null).join(' / ')})`).join('; ')}`,
    );
    await rebuildGeography(ws, { reporter: options.reporter, clock });
    return { file, batchId, codeColumn, domains };
  });
}
