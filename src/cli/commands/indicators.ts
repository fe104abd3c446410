import path from 'node:path';
import { Command } from 'commander';
import { audited } from '../../app/audited.js';
import {
  EXPANSION_LIMITS_HELP,
  MAX_EXPANDED_BYTES_HELP,
  expansionLimits,
} from '../../core/expansionLimits.js';
import { fileName, ingestAttempt } from '../../app/auditEntries.js';
import { suppliedBy } from '../../app/supplier.js';
import { indicatorsHeld } from '../../geo/indicators/indicatorsHeld.js';
import {
  INDICATOR_LAYOUTS,
  type IndicatorLoadReport,
} from '../../geo/indicators/indicatorTypes.js';
import { showIndicator } from '../../geo/indicators/showIndicator.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';
import { SUPPLIER_HELP } from './ingestPartner.js';

interface LoadOptions extends CommonOptions {
  layout?: string;
  dictionary?: string;
  mapping?: string;
  supplier?: string;
  maxExpandedBytes?: string;
}

const common = (c: Command): Command =>
  c
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress or announcements');

const n = (v: number): string => v.toLocaleString('en-GB');

function loadOutcome(reports: IndicatorLoadReport[]) {
  return {
    target: 'indicators',
    records: reports.reduce((s, r) => s + r.values, 0),
    detail: {
      files: reports.map((r) => ({
        file: fileName(r.file),
        layout: r.layout,
        batch: r.batchId,
        indicators: r.indicators,
        values: r.values,
      })),
    },
  };
}

export function indicatorsCommand(io: CliIo): Command {
  const indicators = new Command('indicators').description(
    'area-level indicators: risk and protective factors published by area (DfE, OHID, LAIT, IoD, Census) or a partner’s own aggregates',
  );
  common(
    indicators
      .command('load')
      .description('load indicator files, each as a batch (values of the same indicators replaced)')
      .argument('<files...>', 'CSV (.csv or .csv.gz) or, for LAIT, Parquet')
      .option(
        '--layout <layout>',
        `the layout of the files: auto (found by the header, the default), ${INDICATOR_LAYOUTS.join(', ')}`,
      )
      .option(
        '--dictionary <file>',
        'LAIT: lait_data_dictionary.csv, for names, units, polarity, descriptions and kinds of year',
      )
      .option(
        '--mapping <file>',
        'tidy: the YAML mapping of a partner’s CSV (see examples/indicators/)',
      )
      .option('--supplier <org>', SUPPLIER_HELP)
      .option('--max-expanded-bytes <size>', MAX_EXPANDED_BYTES_HELP),
  )
    .addHelpText(
      'after',
      `
Layouts (found by the header and announced unless --layout says):
  ees           DfE Explore Education Statistics CSV (time_period, geographic_level, …, new_la_code):
                each numeric column is an indicator <file stem>/<column>; other columns that vary
                make the breakdown; national → country, regional → region, local authority → county
  fingertips    OHID Fingertips export: fingertips/<Indicator ID>, Sex/Age/Category as breakdown,
                95% limits, Count and Denominator; each Value note is a counted warning
  lait          DfE LAIT, CSV or bds_long_0.parquet: lait/<Short Desc>; areas placed by DfE LA number
                (reference/dfe-la-codes.csv); --dictionary adds polarity, unit and kind of year
  iod2025       English Indices of Deprivation 2025 (IMD package files): iod2025/<column> by LSOA 2021
                or local authority district
  census-ts011  Census 2021 TS011 households by deprivation dimensions, with the derived share
                deprived in one or more dimensions (%)
  tidy          a partner's own aggregates with --mapping (disclosure: partner)

Suppression markers (c x z u k .. - : and blanks) are stored as missing values with their marker,
never as zero. Codes of areas that changed code are stored as the current one (E10000002 →
E06000060 Buckinghamshire, E10000023 → E06000065 North Yorkshire, E10000027 → E06000066
Somerset); published_code keeps the code the file gave (for LAIT, the DfE number). A file that
cannot be read in full is refused and nothing is stored. The load is recorded in the audit log.
${EXPANSION_LIMITS_HELP}
Examples:
  svd indicators load ../shared/data/indicators/neet/UD_NEETNK_LA_dashboard_2023_final.csv
  svd indicators load ../shared/data/indicators/lait/bds_long_0.parquet \\
      --dictionary ../shared/data/indicators/lait/lait_data_dictionary.csv
  svd indicators load examples/indicators/yos-cohort-synthetic.csv \\
      --mapping examples/indicators/yos-cohort-mapping.yaml --supplier yos`,
    )
    .action(async (files: string[], options: LoadOptions) => {
      const { readTidyMapping } = await import('../../geo/indicators/loadTidy.js');
      const { loadIndicators, parseLayout } =
        await import('../../geo/indicators/loadIndicators.js');
      const ctx = commandContext(io, options);
      const layout = parseLayout(options.layout ?? 'auto');
      const limits = expansionLimits({ maxExpandedBytes: options.maxExpandedBytes }, io.env);
      const resolve = (f: string): string => path.resolve(io.cwd, f);
      const mapping =
        options.mapping === undefined ? undefined : readTidyMapping(resolve(options.mapping));
      const reports = await withCommandWorkspace(ctx, { create: true }, (ws) =>
        audited(
          ws,
          {
            actor: ctx.actor,
            action: 'indicators-load',
            attempt: ingestAttempt('indicators', files),
          },
          () =>
            suppliedBy(ws, options.supplier, ctx.reporter, () =>
              loadIndicators(ws, files.map(resolve), {
                layout,
                reporter: ctx.reporter,
                expansionLimits: limits,
                ...(mapping === undefined ? {} : { mapping }),
                ...(options.dictionary === undefined
                  ? {}
                  : { dictionary: resolve(options.dictionary) }),
              }),
            ),
          loadOutcome,
        ),
      );
      if (ctx.json) return ctx.printJson(reports);
      for (const r of reports)
        ctx.print(
          `${r.file}: ${r.layout}, batch ${r.batchId}: ${n(r.indicators)} indicators, ${n(r.values)} values and ${n(r.missing)} missing at ${r.levels.join(', ')}${r.replaced > 0 ? `; ${n(r.replaced)} values of an earlier load replaced` : ''}${r.warnings.length > 0 ? `; ${r.warnings.length} warnings` : ''}`,
        );
    });

  common(indicators.command('list').description('the indicators in the workspace')).action(
    async (options: CommonOptions) => {
      const ctx = commandContext(io, options);
      const rows = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        indicatorsHeld(ws),
      );
      if (ctx.json) return ctx.printJson(rows);
      if (rows.length === 0) return ctx.print('no indicators loaded (svd indicators load FILE)');
      ctx.print(
        formatTable(rows, [
          { header: 'indicator', value: (r) => r.indicatorId },
          {
            header: 'name',
            value: (r) => (r.name.length > 50 ? `${r.name.slice(0, 49)}…` : r.name),
          },
          { header: 'unit', value: (r) => r.unit ?? '' },
          { header: 'polarity', value: (r) => r.polarity },
          { header: 'levels', value: (r) => r.levels.join(',') },
          {
            header: 'periods',
            value: (r) =>
              r.firstPeriod === r.lastPeriod
                ? (r.firstPeriod ?? '')
                : `${r.firstPeriod ?? ''}–${r.lastPeriod ?? ''}`,
          },
          { header: 'areas', value: (r) => r.areas, align: 'right' },
          { header: 'values', value: (r) => r.values, align: 'right' },
          { header: 'missing', value: (r) => r.missing, align: 'right' },
          { header: 'batch', value: (r) => r.batchId, align: 'right' },
          { header: 'file', value: (r) => r.fileName ?? '' },
        ]),
      );
    },
  );

  common(
    indicators
      .command('show')
      .description('one indicator: its metadata, the notes of its file and its series')
      .argument('<id>', 'the indicator id (svd indicators list)')
      .option('--area <code>', 'only this area (its ONS code, or the code the file gave)'),
  ).action(async (id: string, options: CommonOptions & { area?: string }) => {
    const ctx = commandContext(io, options);
    const detail = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
      showIndicator(ws, id, options.area === undefined ? {} : { area: options.area }),
    );
    if (ctx.json) return ctx.printJson(detail);
    const lines = [
      `${detail.indicatorId}: ${detail.name}`,
      ...(detail.definition === null ? [] : [`  ${detail.definition}`]),
      `  unit ${detail.unit ?? 'not given'}; polarity ${detail.polarity}; publisher ${detail.publisher ?? 'not given'}; licence ${detail.licence ?? 'not given'}; ${detail.disclosure}`,
      `  ${detail.levels.join(', ')}; ${detail.firstPeriod ?? ''}–${detail.lastPeriod ?? ''}; ${n(detail.areas)} areas; ${n(detail.values)} values, ${n(detail.missing)} missing; batch ${detail.batchId} (${detail.fileName ?? ''})`,
      ...detail.notes.map((note) => `  note: ${note.message}`),
    ];
    ctx.print(lines.join('\n'));
    const limit = 500;
    const shown = detail.series.slice(0, limit);
    ctx.print(
      formatTable(shown, [
        { header: 'level', value: (r) => r.areaLevel },
        { header: 'area', value: (r) => r.areaCode },
        { header: 'name', value: (r) => r.areaName ?? '' },
        { header: 'period', value: (r) => r.period },
        { header: 'breakdown', value: (r) => r.breakdown },
        {
          header: 'value',
          value: (r) => (r.value === null ? `(${r.marker ?? ''})` : r.value),
          align: 'right',
        },
        { header: 'lower', value: (r) => r.lower, align: 'right' },
        { header: 'upper', value: (r) => r.upper, align: 'right' },
        { header: 'numerator', value: (r) => r.numerator, align: 'right' },
        { header: 'denominator', value: (r) => r.denominator, align: 'right' },
      ]),
    );
    if (detail.series.length > limit)
      ctx.print(
        `… ${n(detail.series.length - limit)} more rows: give --area CODE, or --json for all`,
      );
  });
  return indicators;
}
