/**
 * Everything the Strategic Needs Assessment reports, gathered from the workspace through the same
 * analyses the command line and the dashboard call: one selection (the area, the period and the
 * first tier of the definition, and the record sources when they are limited), counts as computed. Nothing here is fit to publish yet: the
 * result goes through `discloseSna` for its audience.
 */
import { withNarrowedSelection } from '../../analyses/selection/narrowedSelection.js';
import { resolveSelection, type Selection } from '../../analyses/selection/selection.js';
import { selectionCoverage } from '../../analyses/selection/selectionCoverage.js';
import { listBatches } from '../../store/listBatches.js';
import { analyseDeprivation } from '../../analyses/deprivation/analyseDeprivation.js';
import { analyseCauses } from '../../analyses/causes/analyseCauses.js';
import type { Clock } from '../../core/clock.js';
import { SvdError, usageError } from '../../core/errors.js';
import { formatRuns, isMonth, monthRange } from '../../core/months.js';
import type { Reporter } from '../../core/reporter.js';
import { SOFTWARE_VERSION } from '../../core/version.js';
import type { CountFilter } from '../../core/dimension.js';
import { findDimension } from '../../analyses/selection/dimensions.js';
import { latestRuns, unavailableTiers } from '../../definitions/classificationRuns.js';
import { compileDefinition } from '../../definitions/compileDefinition.js';
import { resolveDefinition } from '../../definitions/resolveDefinition.js';
import { keptLevelShapes } from '../../geo/areaShapes.js';
import { analyseHealthVsPolice } from '../../analyses/health/analyseHealthVsPolice.js';
import { analyseHotspots } from '../../analyses/hotspots/analyseHotspots.js';
import { populationByArea, chooseDataset } from '../../geo/population/populationByArea.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { analyseTrends } from '../../analyses/trends/analyseTrends.js';
import { analyseWhen } from '../../analyses/when/analyseWhen.js';
import { analyseWho } from '../../analyses/who/analyseWho.js';
import { gatherSnaMap } from './gatherSnaMap.js';
import { NOT_AMONG_SOURCES, type LsoaOnMap, type RawTable, type SnaData } from './snaTypes.js';
import type { AnalysisWarning, ResolvedParam } from '../../api/analyses.js';
import { datasetKindOf } from '../../core/datasetKind.js';

export interface SnaOptions {
  /** `LEVEL=CODE`, or a partnership, district or force code or name. */
  area: string;
  /** `FROM..TO` in months; default: every month the selection holds. */
  period?: string;
  /** `ID` or `ID@VERSION`; default: the only definition classified in the workspace. */
  definition?: string;
  /**
   * The record sources the report may draw on (datasets as agreements name them: `police-uk`,
   * `force-extract`, `istv`, …); data of any other source enters no figure, table, chart, map,
   * note or sentence, and its batches are not listed. Default: every source the workspace holds.
   */
  sources?: readonly string[];
}

/** Batches of reference data (geography, population, deprivation): not records of any source. */
const REFERENCE_KINDS: readonly string[] = ['lookup', 'population', 'deprivation', 'partnerships'];

/**
 * The dataset (as agreements name it) a batch of this kind holds, or null for reference data
 * (boundaries, lookups, population, deprivation, the partnership configuration), which every
 * report may list; records by `datasetKindOf`, as agreements name them.
 */
export function batchDataset(kind: string): string | null {
  if (kind.startsWith('boundaries:') || REFERENCE_KINDS.includes(kind)) return null;
  return datasetKindOf(kind);
}

/** The datasets whose data the police-beside-health section reads (A&E attendances). */
const HEALTH_DATASETS: readonly string[] = ['istv'];

export interface SnaContext {
  cwd: string;
  reporter: Reporter;
  clock: Clock;
  /** Times each stage (for the benchmark); optional. */
  onStage?: (stage: string, ms: number) => void;
}

const AREA_LEVELS_SEARCHED = ['csp', 'district', 'force', 'ward', 'msoa'] as const;

export async function resolveSnaArea(
  ws: Workspace,
  text: string,
): Promise<SnaData['area'] & { filter: CountFilter }> {
  const [levelPart, valuePart] = text.includes('=') ? text.split('=', 2) : [undefined, text];
  const value = (valuePart ?? '').trim();
  const levels = levelPart === undefined ? AREA_LEVELS_SEARCHED : [levelPart.trim()];
  if (levelPart !== undefined && !(AREA_LEVELS_SEARCHED as readonly string[]).includes(levels[0]!))
    throw usageError(
      'BAD_AREA',
      `--area ${text}: "${levelPart}" is not an area level a report can cover`,
      `use one of ${AREA_LEVELS_SEARCHED.join(', ')}, e.g. --area csp=safer-oxfordshire`,
    );
  for (const level of levels) {
    const row = await ws.db.one<{ code: string; name: string | null }>(
      `SELECT code, name FROM geo_area_list WHERE level = $level
         AND (code = $value OR lower(name) = lower($value)) ORDER BY code LIMIT 1`,
      { level, value },
    );
    if (row !== undefined)
      return {
        level,
        code: row.code,
        name: row.name ?? row.code,
        filter: { dimension: `${level}_code`, values: [row.code] },
      };
  }
  throw new SvdError({
    kind: 'input',
    code: 'UNKNOWN_AREA',
    message: `--area ${text}: no such area in the workspace`,
    fix: 'list the areas with svd areas --level csp (or district, force); load boundaries and partnerships with svd geo first',
  });
}

function parsePeriod(text: string): { from: string; to: string } {
  const [from, to, extra] = text.split('..');
  if (
    extra !== undefined ||
    from === undefined ||
    to === undefined ||
    !isMonth(from) ||
    !isMonth(to)
  )
    throw usageError(
      'BAD_PERIOD',
      `--period ${text} is not a range of months`,
      'write --period FROM..TO, e.g. --period 2023-04..2024-03',
    );
  if (from > to)
    throw usageError('BAD_PERIOD', `--period ${text}: ${from} is after ${to}`, 'swap them');
  return { from, to };
}

async function chooseDefinition(
  ws: Workspace,
  given: string | undefined,
  reporter: Reporter,
): Promise<string> {
  if (given !== undefined) return given;
  const runs = await latestRuns(ws);
  const ids = [...new Set(runs.map((r) => r.definition_id))];
  if (ids.length === 1) {
    const latest = runs.filter((r) => r.definition_id === ids[0]).at(-1)!;
    reporter.info(
      `definition: ${latest.definition_id}@${latest.version}, the only one classified in the workspace (change with --definition)`,
    );
    return `${latest.definition_id}@${latest.version}`;
  }
  throw usageError(
    'NEEDS_DEFINITION',
    ids.length === 0
      ? 'the workspace holds no classified definition'
      : `the workspace holds several classified definitions (${ids.join(', ')})`,
    ids.length === 0
      ? 'classify first: svd classify --definition thames-valley-vru'
      : 'say which with --definition ID',
  );
}

const FLAG = (column: string): string =>
  `CASE WHEN i.${column} THEN 'yes' WHEN NOT i.${column} THEN 'no' ELSE 'unknown' END`;

export async function gatherSnaData(
  ws: Workspace,
  options: SnaOptions,
  context: SnaContext,
): Promise<SnaData> {
  const { reporter } = context;
  const ctx = { cwd: context.cwd, reporter };
  let stageStart = Date.now();
  const stage = (name: string): void => {
    const now = Date.now();
    context.onStage?.(name, now - stageStart);
    stageStart = now;
  };
  const area = await resolveSnaArea(ws, options.area);
  const definitionSpec = await chooseDefinition(ws, options.definition, reporter);
  const resolvedDefinition = await resolveDefinition(definitionSpec, { ws, cwd: context.cwd });
  const tiers = resolvedDefinition.definition.file.tiers.map((t) => ({
    id: t.id,
    label: t.label ?? t.id,
  }));
  const firstTier = tiers[0]!.id;
  const only = options.sources;
  const sourceFilter: CountFilter[] =
    only === undefined ? [] : [{ dimension: 'source', values: [...only] }];
  if (only !== undefined)
    reporter.info(`sources: ${only.join(', ')} only; no other source enters any figure`);
  const base: Selection = { where: [area.filter, ...sourceFilter], definition: definitionSpec };
  // The period: as given, else every month the selected records span.
  let period: { from: string; to: string };
  if (options.period !== undefined) period = parsePeriod(options.period);
  else {
    const probe = await resolveSelection(
      ws,
      { ...base, where: [...base.where!, { dimension: 'tier', values: [firstTier] }] },
      { ...ctx, reporter: { ...reporter, info: () => undefined } },
    );
    const span = await ws.db.one<{ first: string | null; last: string | null }>(
      `SELECT strftime(min(i.month), '%Y-%m') AS first, strftime(max(i.month), '%Y-%m') AS last
         FROM ${probe.sql.from} WHERE ${probe.sql.where}`,
      probe.sql.params,
    );
    if (span?.first == null || span.last == null)
      throw new SvdError({
        kind: 'input',
        code: 'NOTHING_SELECTED',
        message: `no record of ${area.name}${only === undefined ? '' : ` from ${only.join(', ')}`} is in the tier ${firstTier} of ${definitionSpec}`,
        fix: 'check the area, ingest a force extract and classify it (svd classify --definition …)',
      });
    period = { from: span.first, to: span.last };
    reporter.info(
      `period: ${period.from}..${period.to}, every month the selected records span (change with --period)`,
    );
  }
  const selection: Selection = {
    ...base,
    from: period.from,
    to: period.to,
    where: [...base.where!, { dimension: 'tier', values: [firstTier] }],
  };
  const selected = await resolveSelection(ws, selection, { ...ctx, alsoUsing: ['district'] });
  // Most sections refine this selection: its records are found once, not once per count (the
  // selection's own SQL, resolved again, reads them too).
  return withNarrowedSelection(ws.db, selected, async (narrowed) => {
    const resolved = narrowed
      ? await resolveSelection(ws, selection, {
          ...ctx,
          reporter: { ...reporter, info: () => undefined },
          alsoUsing: ['district'],
        })
      : selected;
    const district = findDimension('district', resolved.dimensions).sql;
    const meta = resolved.definition!.meta;
    stage('selection');

    /** Counts by district and one grouping expression (from code, never from the user). */
    const byDistrict = async (expr: string): Promise<Map<string, Map<string, number>>> => {
      const rows = await ws.db.all<{ d: string | null; k: string; n: number }>(
        `SELECT ${district} AS d, ${expr} AS k, count(*) AS n FROM ${resolved.sql.from}
        WHERE ${resolved.sql.where} GROUP BY ALL ORDER BY 1, 2`,
        resolved.sql.params,
      );
      const out = new Map<string, Map<string, number>>();
      for (const r of rows) {
        const d = r.d ?? 'Not placed in a district';
        const m = out.get(d) ?? new Map<string, number>();
        m.set(r.k, (m.get(r.k) ?? 0) + Number(r.n));
        out.set(d, m);
      }
      return out;
    };
    const districtRows = await ws.db.all<{ code: string; name: string }>(
      `SELECT DISTINCT m.area_code AS code, coalesce(a.name, m.area_code) AS name FROM geo_memberships m
         JOIN geo_memberships w ON w.lsoa_vintage = m.lsoa_vintage AND w.lsoa_code = m.lsoa_code
         LEFT JOIN geo_area_list a ON a.level = 'district' AND a.code = m.area_code
        WHERE m.level = 'district' AND m.is_primary AND w.level = $level AND w.area_code = $code
        ORDER BY 2`,
      { level: area.level, code: area.code },
    );
    const districtNames = districtRows.map((r) => r.name);
    const table = (
      id: string,
      title: string,
      counts: Map<string, Map<string, number>>,
      columns: { key: string; label: string }[],
      sources: string[],
      note?: string,
    ): RawTable => {
      const rows = [...new Set([...districtNames, ...counts.keys()])];
      return {
        id,
        title,
        rowHeader: 'District',
        rows,
        columns: columns.map((c) => c.label),
        cells: rows.map((r) => columns.map((c) => counts.get(r)?.get(c.key) ?? 0)),
        sources,
        ...(note === undefined ? {} : { note }),
      };
    };
    const sourceRows = await ws.db.all<{ source: string }>(
      `SELECT DISTINCT i.source AS source FROM ${resolved.sql.from} WHERE ${resolved.sql.where} ORDER BY 1`,
      resolved.sql.params,
    );
    const sources = sourceRows.map((r) => r.source);

    // Volumes: every tier of the definition (each record once, in its first tier), by district.
    const tierSelection = await resolveSelection(
      ws,
      { ...base, from: period.from, to: period.to },
      { ...ctx, reporter: { ...reporter, info: () => undefined }, alsoUsing: ['district', 'tier'] },
    );
    const tierRows = await ws.db.all<{ d: string | null; k: string; n: number }>(
      `SELECT ${district} AS d, ${findDimension('tier', tierSelection.dimensions).sql} AS k, count(*) AS n
       FROM ${tierSelection.sql.from} WHERE ${tierSelection.sql.where} GROUP BY ALL`,
      tierSelection.sql.params,
    );
    const tierCounts = new Map<string, Map<string, number>>();
    for (const r of tierRows) {
      if (!tiers.some((t) => t.id === r.k)) continue;
      const d = r.d ?? 'Not placed in a district';
      const m = tierCounts.get(d) ?? new Map<string, number>();
      m.set(r.k, Number(r.n));
      tierCounts.set(d, m);
    }
    const volumes = table(
      'volumes',
      'Records by district and tier of the definition',
      tierCounts,
      tiers.map((t) => ({ key: t.id, label: t.label })),
      sources,
      'Each record counts once, in the first tier it matches.',
    );
    const population = await districtPopulation(
      ws,
      volumes.rows.map((n) => districtRows.find((r) => r.name === n)?.code ?? null),
      { level: area.level, codes: [area.code] },
      reporter,
    );
    stage('volumes');

    const params: { analysis: string; params: Record<string, ResolvedParam> }[] = [];
    const warnings: AnalysisWarning[] = [];
    const keep = <T>(
      name: string,
      a: { result: T; params: Record<string, ResolvedParam>; warnings: AnalysisWarning[] },
    ): T => {
      params.push({ analysis: name, params: a.params });
      for (const w of a.warnings)
        if (!warnings.some((x) => x.code === w.code && x.message === w.message)) warnings.push(w);
      return a.result;
    };

    // Trends.
    const trends = keep('trends', await analyseTrends(ws, selection, {}, ctx));
    const held = trends.months.filter((m) => m.count !== null);
    const trend: RawTable = {
      id: 'trend',
      title: 'Records by month',
      rowHeader: 'Month',
      rows: held.map((m) => m.month),
      columns: ['Records'],
      cells: held.map((m) => [m.count!]),
      sources,
    };
    const missingMonths = trends.months.filter((m) => m.count === null).map((m) => m.month);
    if (missingMonths.length > 0)
      trend.note = `Months not held are gaps, not zeros, and have no row: ${formatRuns(missingMonths)}.`;
    const trendsConfidence = Number(
      params.find((p) => p.analysis === 'trends')?.params['confidence']?.value ?? 0.95,
    );
    stage('trends');

    // Where: counts and Gi* hotspots by LSOA, and the LSOAs' outlines for the map.
    let hotspots: SnaData['hotspots'] = null;
    let where: RawTable = {
      id: 'where',
      title: 'Records by LSOA',
      rowHeader: 'LSOA',
      rows: [],
      columns: ['Records'],
      cells: [],
      sources,
    };
    try {
      const h = await analyseHotspots(ws, selection, { area: `${area.level}=${area.code}` }, ctx);
      keep('hotspots', h);
      const units = h.result.lsoas?.units ?? [];
      const shapes = units.length === 0 ? null : await keptLevelShapes(ws, h.result.lsoas!.level);
      // The location texts of the selected records by LSOA, for naming the busiest ones.
      const tallies = new Map<string, Map<string, number>>();
      if (shapes !== null) {
        const level = h.result.lsoas!.level;
        const placed = await resolveSelection(ws, selection, {
          ...ctx,
          reporter: { ...reporter, info: () => undefined },
          alsoUsing: [level],
        });
        const rows = await ws.db.all<{ code: string; label: string; n: number }>(
          `SELECT p.${level}_code AS code, i.location_text AS label, count(*) AS n
           FROM ${placed.sql.from}
          WHERE ${placed.sql.where} AND i.location_text IS NOT NULL
            AND p.${level}_code IS NOT NULL
          GROUP BY 1, 2`,
          placed.sql.params,
        );
        for (const r of rows) {
          let t = tallies.get(r.code);
          if (t === undefined) tallies.set(r.code, (t = new Map()));
          t.set(r.label, Number(r.n));
        }
      }
      const extras =
        shapes === null
          ? null
          : await gatherSnaMap(ws, area, h.result, shapes, period, tallies, only);
      const lsoas: LsoaOnMap[] = extras?.lsoas ?? [];
      where = {
        ...where,
        rows: units.map((u) => (u.name === null ? u.code : `${u.name} (${u.code})`)),
        cells: units.map((u) => [u.count]),
      };
      hotspots = {
        lsoas,
        hot: h.result.lsoas?.hotspots ?? 0,
        cold: h.result.lsoas?.coldspots ?? 0,
        correction: h.result.summary.correction,
        alpha: h.result.summary.alpha,
        months: monthRange(period.from, period.to).length,
        outlines: extras?.outlines ?? [],
        coarser: extras?.coarser ?? [],
        hotCells: extras?.hotCells ?? [],
        cellSize: h.result.grid.cellSize,
      };
    } catch (error) {
      if (!(error instanceof SvdError)) throw error;
      warnings.push({
        code: 'NO_HOTSPOTS',
        message: `no map or hotspots: ${error.message}`,
        count: 1,
      });
    }
    stage('where');

    // When: aoristic hour × day, in four-hour bands, rounded to whole records.
    const whenResult = keep('when', await analyseWhen(ws, selection, {}, ctx));
    let when: RawTable | null = null;
    if (whenResult.matrix !== null) {
      const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
      const bands = ['00–04', '04–08', '08–12', '12–16', '16–20', '20–24'];
      when = {
        id: 'when',
        title: 'Records by day of week and time of day (aoristic, rounded)',
        rowHeader: 'Day',
        rows: days,
        columns: bands,
        cells: whenResult.matrix.map((hours) =>
          bands.map((_, b) => Math.round(hours.slice(b * 4, b * 4 + 4).reduce((s, v) => s + v, 0))),
        ),
        sources,
        note: 'Records with a time span are shared across the hours of the span (aoristic); each cell is rounded to a whole number.',
      };
    }
    stage('when');

    // Who: victims by age band and sex.
    const who = keep('who', await analyseWho(ws, selection, {}, ctx));
    const victims =
      who.victims.rows.length === 0
        ? null
        : ({
            id: 'who',
            title: 'Victims by age band and sex',
            rowHeader: 'Age band',
            rows: who.victims.rows.map((r) => r.band),
            columns: who.victims.sexes,
            cells: who.victims.rows.map((r) => who.victims.sexes.map((s) => r.counts[s] ?? 0)),
            sources,
          } satisfies RawTable);
    stage('who');

    const yesNo = [
      { key: 'yes', label: 'Flagged' },
      { key: 'no', label: 'Not flagged' },
      { key: 'unknown', label: 'Not recorded' },
    ];
    const domestic = table(
      'domestic',
      'Domestic abuse flag by district',
      await byDistrict(FLAG('flag_domestic')),
      yesNo,
      sources,
    );
    const knife = table(
      'knife',
      'Knife or sharp instrument flag by district',
      await byDistrict(FLAG('flag_knife')),
      yesNo,
      sources,
    );
    // Drug supply: trafficking (92A) or flagged county lines, over every tier of the definition.
    const drugRows = await ws.db.all<{ d: string | null; k: string; n: number }>(
      `SELECT ${district} AS d,
            CASE WHEN i.flag_county_lines THEN 'county-lines' ELSE 'supply' END AS k, count(*) AS n
       FROM ${tierSelection.sql.from} WHERE ${tierSelection.sql.where}
        AND (i.offence_code = '92A' OR i.flag_county_lines) GROUP BY ALL`,
      tierSelection.sql.params,
    );
    const drugCounts = new Map<string, Map<string, number>>();
    for (const r of drugRows) {
      const d = r.d ?? 'Not placed in a district';
      const m = drugCounts.get(d) ?? new Map<string, number>();
      m.set(r.k, Number(r.n));
      drugCounts.set(d, m);
    }
    const drugs = table(
      'drugs',
      'Drug supply (Home Office code 92A) and county lines by district',
      drugCounts,
      [
        { key: 'county-lines', label: 'County lines flagged' },
        { key: 'supply', label: 'Other drug supply' },
      ],
      sources,
      'Every record of the period in the area, whatever its tier: trafficking in controlled drugs or flagged county lines.',
    );
    stage('flags');

    // Deprivation.
    let deprivation: RawTable | null = null;
    let deciles: (number | null)[] = [];
    let correlations: SnaData['deprivationCorrelations'] = [];
    try {
      const d = keep('deprivation', await analyseDeprivation(ws, selection, {}, ctx));
      deprivation = {
        id: 'deprivation',
        title: 'Records by IMD 2019 decile of the LSOA (1 = most deprived)',
        rowHeader: 'IMD decile',
        rows: d.deciles.map((x) => String(x.decile)),
        columns: ['Records'],
        cells: d.deciles.map((x) => [x.count]),
        sources,
      };
      deciles = d.deciles.map((x) => x.population);
      correlations = d.correlations.map((c) => ({
        domain: c.domain,
        rho: c.rho,
        pValue: c.pValue,
      }));
    } catch (error) {
      if (!(error instanceof SvdError)) throw error;
      warnings.push({
        code: 'NO_DEPRIVATION',
        message: `no deprivation section: ${error.message}`,
        count: 1,
      });
    }
    stage('deprivation');

    // Causes and risk factors: only when indicators are loaded.
    let causes: SnaData['causes'] = null;
    const partnerIndicators = await ws.db.all<{ id: string }>(
      `SELECT indicator_id AS id FROM indicators WHERE disclosure = 'partner' ORDER BY 1`,
    );
    if ((await ws.db.value<number>(`SELECT count(*) FROM indicators`)) !== 0) {
      try {
        causes = {
          result: keep('causes', await analyseCauses(ws, selection, {}, ctx)),
          partnerIndicators: partnerIndicators.map((r) => r.id),
        };
      } catch (error) {
        if (!(error instanceof SvdError)) throw error;
        warnings.push({
          code: 'NO_CAUSES',
          message: `no causes section: ${error.message}`,
          count: 1,
        });
      }
    }
    stage('causes');

    // Police beside health.
    let health: RawTable | null = null;
    let healthMethod: RawTable | null = null;
    if (only !== undefined && !only.some((s) => HEALTH_DATASETS.includes(s)))
      warnings.push({
        code: 'NO_HEALTH',
        message: `no police beside health: ${NOT_AMONG_SOURCES}`,
        count: 1,
      });
    else
      try {
        const hv = keep(
          'health-vs-police',
          await analyseHealthVsPolice(
            ws,
            {
              where: [
                area.filter,
                ...(sources.length > 0 ? [{ dimension: 'source', values: sources }] : sourceFilter),
              ],
              from: period.from,
              to: period.to,
            },
            {},
            ctx,
          ),
        );
        const compared = hv.byMonth.filter((m) => m.compared && m.police !== null && m.ae !== null);
        if (compared.length > 0) {
          health = {
            id: 'health',
            title: 'Police-recorded assaults with injury and A&E assault attendances by month',
            rowHeader: 'Month',
            rows: compared.map((m) => m.month),
            columns: ['Police: assaults with injury', 'A&E: assault attendances'],
            cells: compared.map((m) => [m.police!, m.ae!]),
            sources: ['police', 'istv'],
            note: `A&E data carry no location beyond the department: attendances are those of the emergency departments in ${area.name} (${hv.bySite.map((s) => s.name ?? s.site).join(', ')}), by the district each lies in; departments elsewhere, or whose area is not known, are left out. Police records and attendances are not added together.`,
            unlikeColumns: true,
          };
          healthMethod = {
            id: 'healthMethod',
            title: 'By assault method',
            rowHeader: 'Method',
            rows: hv.byMethod.map((m) => m.method),
            columns: ['Police', 'A&E'],
            cells: hv.byMethod.map((m) => [m.police, m.ae]),
            sources: ['police', 'istv'],
            unlikeColumns: true,
          };
        }
      } catch (error) {
        if (!(error instanceof SvdError)) throw error;
        warnings.push({
          code: 'NO_HEALTH',
          message: `no police beside health: ${error.message}`,
          count: 1,
        });
      }
    stage('health');

    // Provenance and coverage.
    const batches = (await listBatches(ws))
      .filter((b) => {
        const dataset = batchDataset(b.source_kind);
        return only === undefined || dataset === null || only.includes(dataset);
      })
      .map((b) => ({
        id: Number(b.batch_id),
        kind: b.source_kind,
        file: b.file_name,
        sha256: b.sha256,
        rows: Number(b.rows_stored),
        synthetic: b.synthetic,
      }));
    const cov = await selectionCoverage(ws, {
      ...selection,
      where: [area.filter, ...sourceFilter],
    });
    const months = monthRange(period.from, period.to);
    const coverage = cov.units.map((u) => ({
      source: `${u.source} (${u.force})`,
      held: months.filter((m) => u.months.includes(m)),
      missing: months.filter((m) => !u.months.includes(m)),
    }));
    const caveats: string[] = [];
    if (batches.some((b) => b.synthetic))
      caveats.push(
        'Some of the data are SYNTHETIC (generated for tests and demonstrations, not real records): no figure in this report describes real events.',
      );
    if (batches.some((b) => b.kind.startsWith('police-uk')))
      caveats.push(
        'police.uk locations are snapped to anonymous map points, so where an incident happened is approximate; point hotspots are approximate too.',
      );
    if (missingMonths.length > 0)
      caveats.push(
        `Months not held are gaps, not zeros: ${formatRuns(missingMonths)}. Totals over them are not given.`,
      );
    // Of the sources reported on only: a field held by another source makes no tier available here.
    const unavailable =
      only === undefined
        ? resolved.definition!.unavailableTiers
        : await unavailableTiers(ws, compileDefinition(resolvedDefinition.definition), only);
    if (unavailable.length > 0)
      caveats.push(
        `Tiers no record can be in (a field they need is never held): ${unavailable.map((t) => t.tier).join(', ')}.`,
      );
    stage('provenance');

    return {
      area: { level: area.level, code: area.code, name: area.name },
      period,
      definition: {
        id: meta.id,
        version: meta.version,
        hash: meta.content_hash,
        title: meta.title,
        coverage: meta.coverage,
        tiers,
      },
      generatedAt: context.clock
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      software: { name: 'svd', version: SOFTWARE_VERSION },
      batches,
      coverage,
      caveats,
      tables: {
        volumes,
        trend,
        where,
        when,
        who: victims,
        domestic,
        knife,
        drugs,
        deprivation,
        health,
        healthMethod,
      },
      population: { districts: population, deciles },
      missingMonths,
      periodHeld: {
        months: trends.months.length,
        held: trends.months.filter((m) => m.status === 'complete').length,
      },
      change:
        trends.change === null
          ? null
          : {
              earlier: {
                from: trends.change.earlier.from,
                to: trends.change.earlier.to,
                count: trends.change.earlier.count,
                days: trends.change.earlier.days,
              },
              later: {
                from: trends.change.later.from,
                to: trends.change.later.to,
                count: trends.change.later.count,
                days: trends.change.later.days,
              },
              basis: trends.change.basis,
              rateRatio: trends.change.rateRatio,
              lower: trends.change.lower,
              upper: trends.change.upper,
              confidence: trendsConfidence,
              pValue: trends.change.pValue,
              significant: trends.change.significant,
            },
      trendTest:
        trends.trend === null
          ? null
          : {
              direction: trends.trend.direction,
              pValue: trends.trend.pValue,
              months: trends.trend.months,
            },
      hotspots,
      deprivationCorrelations: correlations,
      causes,
      params,
      warnings,
    };
  });
}

/**
 * Residents of each district (by code) within the report's area (a district only partly in it,
 * as for a ward, counts only its part), from the population loaded; null when none is.
 */
async function districtPopulation(
  ws: Workspace,
  codes: readonly (string | null)[],
  within: { level: string; codes: string[] },
  reporter: Reporter,
): Promise<(number | null)[]> {
  try {
    const dataset = await chooseDataset(ws, undefined, reporter);
    const p = await populationByArea(ws, { level: 'district', dataset, within });
    return codes.map((c) => (c === null ? null : (p.values.get(c) ?? null)));
  } catch (error) {
    if (error instanceof SvdError) return codes.map(() => null);
    throw error;
  }
}
