/**
 * `svd geo lookup`: an ONS lookup file (e.g. OA → LSOA → MSOA → LAD) gives each LSOA its parents.
 * Columns are found by their ONS names (LSOA11CD, MSOA11CD, WD19CD, LAD17CD, CSP19CD, PFA19CD,
 * LSOA21CD…) and announced; a file with both LSOA11CD and LSOA21CD is the official LSOA
 * 2011 → 2021 lookup and becomes the crosswalk.
 */
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { SvdError } from '../core/errors.js';
import type { Reporter } from '../core/reporter.js';
import type { Workspace } from '../store/openWorkspace.js';
import { CSV_SOURCE, csvHeader, quoteIdent } from './referenceCsv.js';
import { identifyFile, recordReferenceBatch } from './referenceBatches.js';
import { rebuildGeography, type RebuildReport } from './rebuildGeography.js';

const PARENT_COLUMNS: { re: RegExp; level: string }[] = [
  { re: /^MSOA\d\dCD$/i, level: 'msoa' },
  { re: /^WD\d\dCD$/i, level: 'ward' },
  { re: /^(LAD|LTLA)\d\dCD$/i, level: 'district' },
  { re: /^CSP\d\dCD$/i, level: 'csp' },
  { re: /^PFA\d\dCD$/i, level: 'force' },
];

export interface LookupReport {
  file: string;
  batchId: number;
  child: { column: string; level: string };
  parents: {
    column: string;
    level: string;
    nameColumn: string | null;
    links: number;
    multiParent: number;
  }[];
  crosswalk: number;
  geography: RebuildReport;
}

const nameOf = (header: string[], code: string): string | null => {
  const twin = code.replace(/CD$/i, (m) => (m === 'CD' ? 'NM' : 'nm'));
  return header.includes(twin) ? twin : null;
};

export async function loadLookup(
  ws: Workspace,
  file: string,
  options: { reporter: Reporter; clock?: Clock },
): Promise<LookupReport> {
  const header = await csvHeader(ws, file);
  const lsoa11 = header.find((h) => /^LSOA11CD$/i.test(h));
  const lsoa21 = header.find((h) => /^LSOA21CD$/i.test(h));
  const child = lsoa11 ?? lsoa21;
  if (child === undefined)
    throw new SvdError({
      kind: 'input',
      code: 'NO_LSOA_COLUMN',
      message: `no LSOA code column (LSOA11CD or LSOA21CD) among: ${header.join(', ')}`,
      location: { file },
      fix: 'give an ONS lookup with an LSOA11CD or LSOA21CD column',
    });
  const childLevel = child === lsoa11 ? 'lsoa11' : 'lsoa21';
  const parents = header.flatMap((h) => {
    const p = PARENT_COLUMNS.find((c) => c.re.test(h));
    return p === undefined ? [] : [{ column: h, level: p.level }];
  });
  if (parents.length === 0 && !(lsoa11 !== undefined && lsoa21 !== undefined))
    throw new SvdError({
      kind: 'input',
      code: 'NO_PARENT_COLUMNS',
      message: `no parent area columns (MSOA…CD, WD…CD, LAD…CD, CSP…CD, PFA…CD or LSOA21CD) among: ${header.join(', ')}`,
      location: { file },
      fix: 'give an ONS lookup file that relates LSOAs to larger areas',
    });
  const clock = options.clock ?? systemClock;
  return ws.db.transaction(async () => {
    const batchId = await recordReferenceBatch(ws, {
      kind: 'lookup',
      file: identifyFile(file),
      rowsRead: (await ws.db.value<number>(`SELECT count(*) FROM ${CSV_SOURCE}`, { file })) ?? 0,
      rowsStored: 0,
      clock,
    });
    const childName = nameOf(header, child);
    await ws.db.run(`DELETE FROM geo_areas WHERE source = 'lookup' AND level = $level`, {
      level: childLevel,
    });
    await ws.db.run(
      `INSERT INTO geo_areas (level, code, name, source, batch_id)
       SELECT $level, code, any_value(name), 'lookup', $batch FROM (
         SELECT trim(${quoteIdent(child)}) AS code, ${childName === null ? 'NULL' : quoteIdent(childName)} AS name
         FROM ${CSV_SOURCE}) WHERE code IS NOT NULL AND code <> '' GROUP BY code`,
      { file, level: childLevel, batch: batchId },
    );
    const reports: LookupReport['parents'] = [];
    for (const p of parents) {
      const nameColumn = nameOf(header, p.column);
      await ws.db.run(
        `DELETE FROM geo_links WHERE method = 'lookup' AND child_level = $cl AND parent_level = $pl`,
        { cl: childLevel, pl: p.level },
      );
      await ws.db.run(
        `INSERT INTO geo_links
         WITH pairs AS (SELECT DISTINCT trim(${quoteIdent(child)}) AS c, trim(${quoteIdent(p.column)}) AS p
                          FROM ${CSV_SOURCE} WHERE nullif(trim(${quoteIdent(child)}), '') IS NOT NULL
                           AND nullif(trim(${quoteIdent(p.column)}), '') IS NOT NULL)
         SELECT $cl, c, $pl, p, 1.0 / count(*) OVER (PARTITION BY c), 'lookup', $batch FROM pairs`,
        { file, cl: childLevel, pl: p.level, batch: batchId },
      );
      const stats = await ws.db.one<{ links: number; multi: number }>(
        `SELECT count(*) AS links, count(*) FILTER (WHERE share < 1) AS multi FROM geo_links
          WHERE method = 'lookup' AND child_level = $cl AND parent_level = $pl`,
        { cl: childLevel, pl: p.level },
      );
      await ws.db.run(`DELETE FROM geo_areas WHERE source = 'lookup' AND level = $level`, {
        level: p.level,
      });
      await ws.db.run(
        `INSERT INTO geo_areas (level, code, name, source, batch_id)
         SELECT $level, code, any_value(name), 'lookup', $batch FROM (
           SELECT trim(${quoteIdent(p.column)}) AS code, ${nameColumn === null ? 'NULL' : quoteIdent(nameColumn)} AS name
           FROM ${CSV_SOURCE}) WHERE code IS NOT NULL AND code <> '' GROUP BY code`,
        { file, level: p.level, batch: batchId },
      );
      reports.push({
        column: p.column,
        level: p.level,
        nameColumn,
        links: stats?.links ?? 0,
        multiParent: stats?.multi ?? 0,
      });
      options.reporter.info(
        `${file}: ${childLevel} → ${p.level} from columns ${child} → ${p.column}${nameColumn === null ? '' : ` (names from ${nameColumn})`}: ${(stats?.links ?? 0).toLocaleString('en-GB')} links${(stats?.multi ?? 0) > 0 ? `, ${stats!.multi} of LSOAs with more than one ${p.level} (shared equally)` : ''}`,
      );
    }
    let crosswalk = 0;
    if (lsoa11 !== undefined && lsoa21 !== undefined) {
      await ws.db.run(`DELETE FROM lsoa_crosswalk WHERE method = 'lookup'`);
      await ws.db.run(
        `INSERT INTO lsoa_crosswalk
         WITH pairs AS (SELECT DISTINCT trim(${quoteIdent(lsoa11)}) AS a, trim(${quoteIdent(lsoa21)}) AS b FROM ${CSV_SOURCE})
         SELECT a, b, 1.0 / count(*) OVER (PARTITION BY a), 1.0 / count(*) OVER (PARTITION BY b), 'lookup' FROM pairs`,
        { file },
      );
      crosswalk =
        (await ws.db.value<number>(
          `SELECT count(*) FROM lsoa_crosswalk WHERE method = 'lookup'`,
        )) ?? 0;
      options.reporter.info(
        `${file}: LSOA 2011 ↔ 2021 crosswalk from columns ${lsoa11} and ${lsoa21} (${crosswalk.toLocaleString('en-GB')} pairs; a split or merged LSOA is shared equally among its parts)`,
      );
    }
    const stored = reports.reduce((s, r) => s + r.links, 0) + crosswalk;
    await ws.db.run(`UPDATE batches SET rows_stored = $n WHERE batch_id = $id`, {
      n: stored,
      id: batchId,
    });
    const geography = await rebuildGeography(ws, { reporter: options.reporter, clock });
    return {
      file,
      batchId,
      child: { column: child, level: childLevel },
      parents: reports,
      crosswalk,
      geography,
    };
  });
}
