/**
 * `svd ingest istv FILE…`: emergency department assault attendances (the ISTV minimum data set,
 * "Cardiff Model") as records into `ae_attendances`, or — with `aggregated` — monthly counts into
 * `ae_attendance_counts`. ISTV data has no identity, age or sex; the free-text descriptions are
 * kept as untrusted text (control characters removed, at most 500 characters), never interpreted.
 * An attendance's month is the calendar month (Europe/London) of its arrival.
 */
import { systemClock } from '../../core/clock.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { utcToLondon } from '../../core/londonTime.js';
import { parseDateCell, toInstant, type Instant } from '../partner/dateTime.js';
import {
  loadMapping,
  translator,
  type DateTimeSpec,
  type IstvCountsMapping,
  type IstvMapping,
  type LoadedMapping,
} from '../partner/mapping.js';
import {
  locateColumns,
  missingColumnsError,
  hasSyntheticColumn,
  preparePartnerFile,
  runPartnerBatches,
  type PartnerRunOptions,
  type PartnerRunReport,
} from '../partner/partnerBatch.js';
import { readHeader, structuralError } from '../partner/readRows.js';
import { StagedRows } from '../partner/stagedRows.js';
import type { ValidationReport } from '../partner/validationReport.js';
import { sheetRows, type SheetInfo } from '../sheets/sheetRows.js';

export interface IstvIngestOptions extends PartnerRunOptions {
  /** A mapping name or file; default istv-minimum-data-set (istv-counts when aggregated). */
  mapping?: string | LoadedMapping<IstvMapping | IstvCountsMapping>;
  aggregated?: boolean;
  sheet?: string;
  cwd?: string;
}

export const UNTRUSTED_TEXT_LIMIT = 500;

/** Free text as stored: control characters replaced by spaces, trimmed, at most 500 characters. */
export function untrustedText(raw: string): { text: string | null; cut: boolean } {
  // eslint-disable-next-line no-control-regex
  const clean = raw.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (clean === '') return { text: null, cut: false };
  return clean.length > UNTRUSTED_TEXT_LIMIT
    ? { text: clean.slice(0, UNTRUSTED_TEXT_LIMIT), cut: true }
    : { text: clean, cut: false };
}

const RECORD_COLUMNS = [
  ['source_line', 'BIGINT'],
  ['site_code', 'VARCHAR'],
  ['month', 'VARCHAR'],
  ['arrival_at', 'DOUBLE'],
  ['assault_from', 'DOUBLE'],
  ['assault_to', 'DOUBLE'],
  ['assault_method', 'VARCHAR'],
  ['assault_method_text', 'VARCHAR'],
  ['location_type', 'VARCHAR'],
  ['location_text', 'VARCHAR'],
] as const;

const COUNT_COLUMNS = [
  ['source_line', 'BIGINT'],
  ['site_code', 'VARCHAR'],
  ['month', 'VARCHAR'],
  ['assault_method', 'VARCHAR'],
  ['location_type', 'VARCHAR'],
  ['attendances', 'BIGINT'],
] as const;

const pad = (n: number): string => String(n).padStart(2, '0');

export async function ingestIstv(
  ws: Workspace,
  files: readonly string[],
  options: IstvIngestOptions,
): Promise<PartnerRunReport> {
  const clock = options.clock ?? systemClock;
  const aggregated = options.aggregated === true;
  const mapping =
    options.mapping === undefined || typeof options.mapping === 'string'
      ? loadMapping(
          options.mapping ?? (aggregated ? 'istv-counts' : 'istv-minimum-data-set'),
          aggregated ? ['istv-counts'] : ['istv'],
          options.cwd,
        )
      : options.mapping;
  if (options.mapping === undefined) {
    options.reporter.info(
      `mapping ${mapping.display} (the default${aggregated ? ' for counts' : ''}; choose another with --mapping)`,
    );
  }
  const inputs = [];
  for (const file of files)
    inputs.push(await preparePartnerFile(file, 'an A&E (ISTV) file', options.expansionLimits));
  const kind = mapping.spec.kind;
  const staging = new StagedRows(
    ws,
    kind === 'istv' ? 'istv_staging' : 'istv_count_staging',
    kind === 'istv' ? RECORD_COLUMNS : COUNT_COLUMNS,
  );
  try {
    return await runPartnerBatches(
      ws,
      inputs,
      {
        sourceKind: kind === 'istv' ? 'istv' : 'istv-counts',
        synthetic: mapping.spec.synthetic,
        mapping,
      },
      { ...options, clock },
      async ({ batchId, input, report }) => {
        const info: SheetInfo = { date1904: mapping.spec.date_system === 1904 };
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
        const header = await readHeader(rows, input.display);
        const { index, missing, unused } = locateColumns(header.fields, mapping.columns);
        if (missing.length > 0)
          throw missingColumnsError(input, mapping, missing, header.fields, header.line);
        const cell = (fields: readonly string[], column: string | undefined): string =>
          column === undefined ? '' : (fields[index.get(column)!] ?? '').trim();
        await staging.open();
        const readRow =
          mapping.spec.kind === 'istv'
            ? recordReader(mapping.spec, cell, report, info.date1904)
            : countReader(mapping.spec, cell, report);
        let rowsRead = 0;
        const months = new Set<string>();
        for await (const item of rows) {
          if ('problem' in item) throw structuralError(input.display, item.problem);
          rowsRead++;
          const values = readRow(item.fields, item.line);
          if (values === undefined) continue;
          months.add(String(values[2]).slice(0, 7));
          staging.append(values);
          if (rowsRead % 16_384 === 0)
            options.reporter.progress({ label: input.name, done: rowsRead, unit: 'rows' });
        }
        options.reporter.endProgress();
        if (rowsRead === 0)
          report.note(
            'warning',
            'NO_ROWS',
            'the file has a header but no rows; nothing was stored from it',
          );
        const stored = staging.rows;
        if (kind === 'istv') {
          await staging.insertInto(
            'ae_attendances',
            {
              id: `nextval('ae_attendance_id_seq')`,
              batch_id: '$batch',
              source_line: 'source_line',
              site_code: 'site_code',
              month: 'CAST(month AS DATE)',
              arrival_at: 'to_timestamp(arrival_at / 1000)',
              assault_from: 'to_timestamp(assault_from / 1000)',
              assault_to: 'to_timestamp(assault_to / 1000)',
              assault_method: 'assault_method',
              assault_method_text_untrusted: 'assault_method_text',
              location_type: 'location_type',
              location_text_untrusted: 'location_text',
            },
            { batch: batchId },
          );
        } else {
          await staging.insertInto(
            'ae_attendance_counts',
            {
              batch_id: '$batch',
              source_line: 'source_line',
              site_code: 'site_code',
              month: 'CAST(month AS DATE)',
              assault_method: 'assault_method',
              location_type: 'location_type',
              attendances: 'attendances',
            },
            { batch: batchId },
          );
        }
        return {
          rowsRead,
          rowsStored: stored,
          columnsUsed: mapping.columns,
          columnsDropped: unused,
          synthetic: hasSyntheticColumn(header.fields),
          details: {
            months: [...months].sort(),
            ...(info.sheet === undefined ? {} : { sheet: info.sheet }),
            mapping: mapping.spec.name,
          },
        };
      },
    );
  } finally {
    await staging.drop();
  }
}

type Cell = (fields: readonly string[], column: string | undefined) => string;
type RowValues = (string | number | null)[];

function translated(
  spec:
    { column: string; values: Record<string, string>; otherwise?: string | undefined } | undefined,
  field: string,
  cell: Cell,
  report: ValidationReport,
): (fields: readonly string[], line: number, fail: () => void) => string {
  const t = translator(spec);
  return (fields, line, fail) => {
    if (spec === undefined) return 'unknown';
    const raw = cell(fields, spec.column);
    const r = t(raw);
    if (r === null) {
      report.error({
        code: 'UNMAPPED_VALUE',
        line,
        field: spec.column,
        value: raw,
        reason: `is not one of the values the mapping lists for ${field}`,
        fix: `add it under fields.${field}.values in the mapping (or give an "otherwise")`,
      });
      fail();
      return 'unknown';
    }
    if (r.value === undefined) {
      report.note(
        'info',
        `EMPTY_${field.toUpperCase()}`,
        `rows with no ${field.replace('_', ' ')} were stored as "unknown"`,
        { line, field: spec.column },
      );
      return 'unknown';
    }
    return r.value;
  };
}

function recordReader(
  spec: IstvMapping,
  cell: Cell,
  report: ValidationReport,
  date1904: boolean,
): (fields: readonly string[], line: number) => RowValues | undefined {
  const f = spec.fields;
  const method = translated(f.assault_method, 'assault_method', cell, report);
  const location = translated(f.location_type, 'location_type', cell, report);
  const instant = (
    fields: readonly string[],
    line: number,
    s: DateTimeSpec | undefined,
    what: string,
    end: 'start' | 'end',
    required: boolean,
    fail: () => void,
  ): Instant | undefined => {
    if (s === undefined) return undefined;
    const dateColumn = 'column' in s ? s.column : s.date;
    const timeColumn = 'column' in s ? undefined : s.time;
    const dateText = cell(fields, dateColumn);
    if (dateText === '') {
      if (required) {
        report.error({
          code: 'EMPTY_DATE',
          line,
          field: dateColumn,
          value: '',
          reason: 'is empty',
          fix: `every attendance needs its ${what} date`,
        });
        fail();
      }
      return undefined;
    }
    const r = toInstant(
      dateText,
      timeColumn === undefined ? undefined : cell(fields, timeColumn),
      end,
      date1904,
    );
    if (!('utcMs' in r)) {
      const column = r.field === 'date' ? dateColumn : timeColumn!;
      report.error({
        code: r.field === 'date' ? 'BAD_DATE' : 'BAD_TIME',
        line,
        field: column,
        value: cell(fields, column),
        reason: r.reason,
        fix: r.fix,
      });
      fail();
      return undefined;
    }
    if (r.kind !== 'normal') {
      report.note(
        'warning',
        r.kind === 'gap' ? 'TIME_IN_SPRING_GAP' : 'TIME_IN_AUTUMN_OVERLAP',
        r.kind === 'gap'
          ? `an ${what} time falls in the hour the clocks skip in March; read as GMT`
          : `an ${what} time falls in the hour that happens twice in October; the first (BST) was taken`,
        { line, field: timeColumn ?? dateColumn },
      );
    }
    return r;
  };
  return (fields, line) => {
    let ok = true;
    const fail = (): void => void (ok = false);
    const arrival = instant(fields, line, f.arrival, 'arrival', 'start', true, fail);
    const assaultFrom = instant(fields, line, f.assault, 'assault', 'start', false, fail);
    let assaultTo = assaultFrom;
    if (assaultFrom !== undefined && !assaultFrom.timeGiven && f.assault !== undefined) {
      const dateColumn = 'column' in f.assault ? f.assault.column : f.assault.date;
      const end = toInstant(cell(fields, dateColumn), undefined, 'end', date1904);
      if ('utcMs' in end) assaultTo = end;
    }
    if (
      arrival !== undefined &&
      assaultFrom !== undefined &&
      assaultFrom.utcMs > arrival.utcMs + 60_000
    ) {
      report.note(
        'warning',
        'ASSAULT_AFTER_ARRIVAL',
        'the assault is recorded as after the arrival at the department; both kept',
        { line },
      );
    }
    const methodValue = method(fields, line, fail);
    const locationValue = location(fields, line, fail);
    const methodText = untrustedText(cell(fields, f.assault_method_other?.column));
    const locationText = untrustedText(cell(fields, f.location_description?.column));
    if (methodText.cut || locationText.cut) {
      report.note(
        'warning',
        'TEXT_SHORTENED',
        `free-text descriptions longer than ${UNTRUSTED_TEXT_LIMIT} characters were cut`,
        { line },
      );
    }
    if (!ok || arrival === undefined) return undefined;
    const local = utcToLondon(arrival.utcMs);
    return [
      line,
      cell(fields, f.site_code?.column) || null,
      `${local.year}-${pad(local.month)}-01`,
      arrival.utcMs,
      assaultFrom?.utcMs ?? null,
      assaultTo?.utcMs ?? null,
      methodValue,
      methodText.text,
      locationValue,
      locationText.text,
    ];
  };
}

function countReader(
  spec: IstvCountsMapping,
  cell: Cell,
  report: ValidationReport,
): (fields: readonly string[], line: number) => RowValues | undefined {
  const f = spec.fields;
  const method = translated(f.assault_method, 'assault_method', cell, report);
  const location = translated(f.location_type, 'location_type', cell, report);
  return (fields, line) => {
    let ok = true;
    const fail = (): void => void (ok = false);
    const monthText = cell(fields, f.month.column);
    let month: string | undefined;
    if (/^\d{4}-(0[1-9]|1[0-2])$/.test(monthText)) month = `${monthText}-01`;
    else {
      const d = parseDateCell(monthText, spec.date_system === 1904);
      if ('date' in d) month = `${d.date.year}-${pad(d.date.month)}-01`;
      else {
        report.error({
          code: 'BAD_MONTH',
          line,
          field: f.month.column,
          value: monthText,
          reason: 'is not a month',
          fix: 'give the month as YYYY-MM (2024-01) or as a date within it',
        });
        fail();
      }
    }
    const countText = cell(fields, f.count.column);
    const count = Number(countText.replace(/,/g, ''));
    if (countText === '' || !Number.isInteger(count) || count < 0) {
      report.error({
        code: 'BAD_COUNT',
        line,
        field: f.count.column,
        value: countText,
        reason: 'is not a count (a whole number, 0 or more)',
        fix: 'give the number of attendances; a suppressed count cannot be stored as a number — leave its row out',
      });
      fail();
    }
    const methodValue = method(fields, line, fail);
    const locationValue = location(fields, line, fail);
    if (!ok || month === undefined) return undefined;
    return [
      line,
      cell(fields, f.site_code?.column) || null,
      month,
      methodValue,
      locationValue,
      count,
    ];
  };
}
