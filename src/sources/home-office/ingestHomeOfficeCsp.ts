/**
 * `svd ingest home-office-csp FILE…`: the Home Office's police recorded crime by Community Safety
 * Partnership (open data tables, CSV, XLSX or ODS) into `home_office_csp_counts`.
 *
 * The header is found among the first 30 rows (published workbooks may put a title above it).
 * Financial year ('2023/24') and quarter (1 = April–June) are kept as published, not turned into
 * months. "Unassigned" rows (crimes no CSP could be given) and negative counts (later
 * reclassifications) are kept and flagged. The file is streamed row by row into a staging table
 * in memory and then into the workspace: a workbook of millions of rows is never held whole.
 */
import { systemClock } from '../../core/clock.js';
import { SvdError } from '../../core/errors.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { normaliseOffenceCode } from '../force-extract/forceRowReader.js';
import {
  preparePartnerFile,
  runPartnerBatches,
  type PartnerRunOptions,
  type PartnerRunReport,
} from '../partner/partnerBatch.js';
import { structuralError } from '../partner/readRows.js';
import { StagedRows } from '../partner/stagedRows.js';
import { sheetRows, type SheetInfo } from '../sheets/sheetRows.js';

export interface HomeOfficeCspOptions extends PartnerRunOptions {
  sheet?: string;
}

/** Canonical column → the headers the published tables have used for it (lower case). */
export const CSP_COLUMNS = {
  financial_year: ['financial year'],
  financial_quarter: ['financial quarter', 'quarter'],
  police_force: ['force name', 'police force', 'force'],
  csp_name: ['csp name', 'community safety partnership'],
  offence_description: ['offence description'],
  offence_group: ['offence group'],
  offence_subgroup: ['offence subgroup'],
  offence_code: ['offence code'],
  offence_count: ['offence count', 'number of offences'],
} as const;
type CspColumn = keyof typeof CSP_COLUMNS;
const REQUIRED: readonly CspColumn[] = [
  'financial_year',
  'financial_quarter',
  'csp_name',
  'offence_count',
];

const HEADER_SEARCH_ROWS = 30;

const STAGING_COLUMNS = [
  ['source_line', 'BIGINT'],
  ['financial_year', 'VARCHAR'],
  ['financial_quarter', 'SMALLINT'],
  ['police_force', 'VARCHAR'],
  ['csp_name', 'VARCHAR'],
  ['offence_description', 'VARCHAR'],
  ['offence_group', 'VARCHAR'],
  ['offence_subgroup', 'VARCHAR'],
  ['offence_code', 'VARCHAR'],
  ['offence_count', 'BIGINT'],
  ['unassigned', 'BOOLEAN'],
  ['negative', 'BOOLEAN'],
] as const;

/** '2023/24', '2023-24', '2023/2024', 'FY 2023/24' → '2023/24'; undefined when not a financial year. */
export function normaliseFinancialYear(text: string): string | undefined {
  const m = /^(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})$/i.exec(text.trim());
  if (m === null) return undefined;
  const start = Number(m[1]);
  const end = Number(m[2]);
  const endFull =
    m[2]!.length === 2 ? Math.floor(start / 100) * 100 + end + (end < start % 100 ? 100 : 0) : end;
  if (endFull !== start + 1) return undefined;
  return `${start}/${String(endFull % 100).padStart(2, '0')}`;
}

function matchHeader(fields: readonly string[]): Map<CspColumn, number> | undefined {
  const lower = fields.map((f) =>
    f
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase(),
  );
  const found = new Map<CspColumn, number>();
  for (const [name, headers] of Object.entries(CSP_COLUMNS) as [CspColumn, readonly string[]][]) {
    const i = lower.findIndex((h) => headers.includes(h));
    if (i >= 0) found.set(name, i);
  }
  return found.has('csp_name') && found.has('offence_count') ? found : undefined;
}

export async function ingestHomeOfficeCsp(
  ws: Workspace,
  files: readonly string[],
  options: HomeOfficeCspOptions,
): Promise<PartnerRunReport> {
  const clock = options.clock ?? systemClock;
  const inputs = [];
  for (const file of files)
    inputs.push(
      await preparePartnerFile(
        file,
        'a Home Office recorded crime by CSP table',
        options.expansionLimits,
      ),
    );
  const staging = new StagedRows(ws, 'csp_staging', STAGING_COLUMNS);
  try {
    return await runPartnerBatches(
      ws,
      inputs,
      { sourceKind: 'home-office-csp', synthetic: false },
      { ...options, clock },
      async ({ batchId, input, report }) => {
        const info: SheetInfo = { date1904: false };
        const rows = sheetRows(
          {
            path: input.localPath,
            display: input.display,
            format: input.format,
            gzip: input.gzip,
            limits: input.limits,
            ...(options.sheet === undefined ? {} : { sheet: options.sheet }),
          },
          info,
        );
        let columns: Map<CspColumn, number> | undefined;
        let headerLine = 0;
        let headerNames: string[] = [];
        const nameOf = (c: CspColumn): string => {
          const i = columns?.get(c);
          return i === undefined
            ? CSP_COLUMNS[c][0]
            : (headerNames[i]?.trim() ?? CSP_COLUMNS[c][0]);
        };
        let skipped = 0;
        let rowsRead = 0;
        await staging.open();
        const years = new Set<string>();
        for await (const item of rows) {
          if ('problem' in item) throw structuralError(input.display, item.problem);
          if (columns === undefined) {
            columns = matchHeader(item.fields);
            if (columns === undefined) {
              skipped++;
              if (skipped >= HEADER_SEARCH_ROWS) break;
              continue;
            }
            headerLine = item.line;
            headerNames = item.fields;
            const missing = REQUIRED.filter((c) => !columns!.has(c));
            if (missing.length > 0) {
              throw new SvdError({
                kind: 'input',
                code: 'CSP_COLUMNS_MISSING',
                message: `the header lacks ${missing.map((m) => `"${CSP_COLUMNS[m][0]}"`).join(', ')}; nothing was stored`,
                location: { file: input.display, line: item.line },
                fix: 'give the Home Office table as published, with Financial Year, Financial Quarter, CSP Name and Offence Count (or Number of Offences)',
              });
            }
            if (skipped > 0)
              report.note(
                'info',
                'ROWS_ABOVE_HEADER',
                `${skipped} row(s) above the header (titles, notes) were not read`,
              );
            continue;
          }
          rowsRead++;
          const line = item.line;
          const get = (c: CspColumn): string => {
            const i = columns!.get(c);
            return i === undefined ? '' : (item.fields[i] ?? '').trim();
          };
          let ok = true;
          const yearText = get('financial_year');
          const year = normaliseFinancialYear(yearText);
          if (year === undefined) {
            ok = false;
            report.error({
              code: 'BAD_FINANCIAL_YEAR',
              line,
              field: nameOf('financial_year'),
              value: yearText,
              reason: 'is not a financial year',
              fix: 'financial years look like 2023/24 (April 2023 to March 2024)',
            });
          }
          const quarterText = get('financial_quarter');
          const quarter = Number(quarterText.replace(/^q/i, ''));
          if (!Number.isInteger(quarter) || quarter < 1 || quarter > 4 || quarterText === '') {
            ok = false;
            report.error({
              code: 'BAD_QUARTER',
              line,
              field: nameOf('financial_quarter'),
              value: quarterText,
              reason: 'is not a quarter 1–4',
              fix: 'quarters are 1 (April–June) to 4 (January–March)',
            });
          }
          const csp = get('csp_name');
          if (csp === '') {
            ok = false;
            report.error({
              code: 'EMPTY_CSP',
              line,
              field: nameOf('csp_name'),
              value: '',
              reason: 'is empty',
              fix: 'every row needs its Community Safety Partnership (or "Unassigned")',
            });
          }
          const countText = get('offence_count');
          const count = Number(countText.replace(/,/g, ''));
          if (countText === '' || !Number.isSafeInteger(count)) {
            ok = false;
            report.error({
              code: 'BAD_COUNT',
              line,
              field: nameOf('offence_count'),
              value: countText,
              reason: 'is not a whole number',
              fix: 'counts are whole numbers (negative ones are allowed and flagged)',
            });
          }
          const unassigned = /unassigned/i.test(csp) || /unassigned/i.test(get('police_force'));
          if (unassigned)
            report.note(
              'info',
              'UNASSIGNED_ROWS',
              'rows are "Unassigned" (crimes not given to a CSP); kept and flagged',
              { line, field: nameOf('csp_name'), example: csp },
            );
          const negative = count < 0;
          if (negative)
            report.note(
              'warning',
              'NEGATIVE_COUNTS',
              'rows have a negative count (a later reclassification or correction); kept and flagged',
              { line, field: nameOf('offence_count'), example: countText },
            );
          if (!ok) continue;
          years.add(year!);
          const codeText = get('offence_code');
          staging.append([
            line,
            year!,
            quarter,
            get('police_force') || null,
            csp,
            get('offence_description') || null,
            get('offence_group') || null,
            get('offence_subgroup') || null,
            codeText === '' ? null : (normaliseOffenceCode(codeText) ?? codeText),
            count,
            unassigned,
            negative,
          ]);
          if (rowsRead % 16_384 === 0)
            options.reporter.progress({ label: input.name, done: rowsRead, unit: 'rows' });
        }
        options.reporter.endProgress();
        if (columns === undefined) {
          throw new SvdError({
            kind: 'input',
            code: 'NOT_A_CSP_TABLE',
            message: `no header with "CSP Name" and "Offence Count" (or "Number of Offences") in the first ${HEADER_SEARCH_ROWS} rows${info.sheet === undefined ? '' : ` of sheet "${info.sheet}"`}; nothing was stored`,
            location: { file: input.display },
            fix: 'give the Home Office "police recorded crime by Community Safety Partnership" table; for a workbook, choose the data sheet with --sheet',
          });
        }
        if (rowsRead === 0) report.note('warning', 'NO_ROWS', 'the table has a header but no rows');
        const stored = staging.rows;
        await staging.insertInto(
          'home_office_csp_counts',
          {
            id: `nextval('csp_count_id_seq')`,
            batch_id: '$batch',
            ...Object.fromEntries(STAGING_COLUMNS.map(([n]) => [n, n])),
          },
          { batch: batchId },
        );
        return {
          rowsRead,
          rowsStored: stored,
          details: {
            financialYears: [...years].sort(),
            headerLine,
            ...(info.sheet === undefined ? {} : { sheet: info.sheet }),
          },
        };
      },
    );
  } finally {
    await staging.drop();
  }
}
