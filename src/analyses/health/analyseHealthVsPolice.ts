/**
 * `analyseHealthVsPolice`: A&E assault attendances (ISTV) beside police-recorded assaults with
 * injury, by month, by assault method, by site and by the area each emergency department lies in,
 * and the share of A&E assaults with no police counterpart — in aggregate. The A&E side follows the
 * selection's area: only the departments lying in it are counted, and a department whose area is
 * unknown is reported, never silently counted (docs/decisions/0060-area-of-figures.md).
 *
 * No identity is shared between the two (ISTV data is anonymised), so this is a comparison of
 * totals, not record linkage: over the months both hold, with A attendances and P police-recorded
 * assaults with injury, at most f·P of the attendances can be assaults police know of, where f is
 * the share of police-recorded assaults with injury whose victim attends these departments
 * (default 1, the most that can be). So at least 1 − f·P/A of attendances have no police
 * counterpart; its interval comes from the exact interval of the ratio P/A (two Poisson counts
 * with equal exposure). Times differ: A&E months are months of arrival, police months those of the
 * committed-from date.
 */
import { listValue } from '@duckdb/node-api';
import type { Reporter } from '../../core/reporter.js';
import { recordCounting, type IncidentCounting } from '../counts/incidentCounting.js';
import { SvdError, usageError } from '../../core/errors.js';
import { formatRuns, monthRange } from '../../core/months.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { Params, Warnings } from '../selection/analysisResult.js';
import {
  formatCount,
  formatInterval,
  formatPercent,
  formatRatio,
} from '../selection/plainWords.js';
import { resolveSelection, type Selection } from '../selection/selection.js';
import { monthStatuses, selectionCoverage } from '../selection/selectionCoverage.js';
import { warnAboutSelection } from '../selection/selectionWarnings.js';
import { findDimension } from '../selection/dimensions.js';
import { offenceCodes } from '../../core/offenceCodes.js';
import { AREA_LEVELS, type AreaLevel } from '../../geo/levels.js';
import { describeSelectionArea, selectionAreas } from '../../geo/selectionAreas.js';
import { comparePoissonCounts } from '../../core/statistics/comparePoissonCounts.js';
import { siteAreas, siteInAreas, type SiteArea } from './siteAreas.js';
import type { AnalysisResult, HealthVsPoliceResult, SideBySide } from '../../api/analyses.js';

export const INJURY_SUBGROUP = 'Violence with injury';

export interface HealthVsPoliceOptions {
  /** Home Office offence codes counted as police-recorded assaults with injury. */
  codes?: string[];
  /**
   * Emergency departments (site codes) to include; default those lying in the selection's area
   * (all, when the selection names no area).
   */
  sites?: string[];
  /**
   * Which area (a code at areaLevel) each site lies in, in place of the district the partnership
   * configuration gives it; used for the comparison by area and to follow a selection by area.
   */
  siteAreas?: Record<string, string>;
  areaLevel?: AreaLevel;
  /** Share of police-recorded assaults with injury whose victim attends these departments. */
  attendShare?: number;
  confidence?: number;
}

interface AeRow {
  month: string;
  site: string;
  method: string;
  n: number;
  batch: number;
}

const METHOD_GROUPS: { method: string; police: string }[] = [
  { method: 'knife-sharp', police: 'flagged knife or sharp instrument' },
  { method: 'firearm', police: 'flagged firearm (and not knife)' },
  { method: 'other', police: 'neither flag set (or not known)' },
];

function describeSources(located: ReadonlyMap<string, SiteArea>): string {
  const sources = [...new Set([...located.values()].flatMap((l) => l.source ?? []))];
  return sources.length === 0 ? 'none is known' : `from the ${sources.join(' and ')}`;
}

function ratio(police: number, ae: number): SideBySide {
  return { police, ae, aePerPolice: police === 0 ? null : ae / police };
}

export async function analyseHealthVsPolice(
  ws: Workspace,
  selection: Selection,
  options: HealthVsPoliceOptions,
  context: {
    cwd: string;
    reporter: Reporter;
    /** Where the incidents are counted (default: the workspace's records). */
    counting?: IncidentCounting;
  },
): Promise<AnalysisResult<HealthVsPoliceResult>> {
  const params = new Params();
  const warnings = new Warnings();
  const attendShare = params.resolve('attendShare', options.attendShare, () => ({
    value: 1,
    explanation:
      'every police-recorded assault with injury counted as a possible attendance, so the unreported share is a lower bound',
  }));
  if (!(attendShare > 0 && attendShare <= 1))
    throw usageError(
      'BAD_ATTEND_SHARE',
      `--attend-share must be above 0 and at most 1, not ${attendShare}`,
    );
  const confidence = params.resolve('confidence', options.confidence, () => ({
    value: 0.95,
    explanation: 'the usual 95%',
  }));
  const areaLevel = options.areaLevel ?? 'district';
  if (!(AREA_LEVELS as readonly string[]).includes(areaLevel))
    throw usageError(
      'UNKNOWN_LEVEL',
      `unknown level "${areaLevel}"`,
      `use one of: ${AREA_LEVELS.join(', ')}`,
    );
  // Which sites the data hold, and where each lies.
  const siteCodes = (
    await ws.db.all<{ site: string }>(
      `SELECT DISTINCT coalesce(site_code, '(none)') AS site FROM
         (SELECT site_code FROM ae_attendances UNION ALL SELECT site_code FROM ae_attendance_counts)
        ORDER BY 1`,
    )
  ).map((r) => r.site);
  const givenSiteAreas = options.siteAreas ?? {};
  const located = await siteAreas(ws, siteCodes, { level: areaLevel, areas: givenSiteAreas });
  // The area each site lies in at the level of the comparison by area: as given, else from the
  // partnership configuration (the innermost partnership, where they nest).
  const siteAreaAt: Record<string, string> = {};
  for (const [site, l] of located) {
    const code = l.areas[areaLevel]?.[0];
    if (code !== undefined) siteAreaAt[site] = code;
  }
  const byAreaWanted = Object.keys(siteAreaAt).length > 0;
  const areaDimension =
    areaLevel === 'lsoa11' || areaLevel === 'lsoa21' ? areaLevel : `${areaLevel}_code`;
  const resolved = await resolveSelection(ws, selection, {
    ...context,
    params,
    ...(byAreaWanted ? { alsoUsing: [areaDimension] } : {}),
  });
  const table = offenceCodes();
  const codes =
    options.codes ?? table.codes.filter((c) => c.subgroup === INJURY_SUBGROUP).map((c) => c.code);
  for (const c of options.codes ?? [])
    if (table.byCode(c) === undefined)
      throw usageError(
        'UNKNOWN_CODE',
        `unknown Home Office offence code "${c}"`,
        'see svd definitions codes',
      );
  if (options.codes === undefined)
    params.automatic(
      'codes',
      codes,
      `the Home Office offence subgroup "${INJURY_SUBGROUP}" in the shipped offence code table (reference/home-office-offence-codes.csv)`,
    );
  else params.given('codes', codes);
  params.given(
    'timeBasis',
    'A&E: calendar month of arrival (Europe/London); police: month of the committed-from date (or recorded date under month_basis: recorded)',
  );
  params.given(
    'method',
    'aggregate comparison, not record linkage: the two sources share no identifier',
  );
  const counting = context.counting ?? recordCounting(ws);
  const selected = await warnAboutSelection(ws, resolved, warnings, counting);
  if ((selected.bySource['police-uk'] ?? 0) > 0)
    warnings.add(
      'POLICE_UK_NO_CODES',
      `${formatCount(selected.bySource['police-uk']!)} police.uk rows are left out: police.uk carries no offence code, so assaults with injury cannot be told from other violence`,
    );

  // Police side: which months the selected partner sources hold.
  const coverage = await selectionCoverage(ws, selection, counting);
  coverage.units = coverage.units.filter((u) => u.source !== 'police-uk');
  const policeMonths = coverage.units.flatMap((u) => u.months).sort();
  if (coverage.units.length === 0)
    throw new SvdError({
      kind: 'workspace',
      code: 'NO_OFFENCE_CODES',
      message:
        'no selected police records carry an offence code, so assaults with injury cannot be counted',
      fix: 'ingest a force extract (svd ingest force-extract --help), or widen --where source=…',
    });

  // A&E side: the sites of the selection's area, their records, and counts where a site-month
  // has no records.
  const areas = await selectionAreas(ws, selection.where ?? []);
  const unknownArea = siteCodes.filter((s) => located.get(s)!.source === null);
  const inArea = new Map(siteCodes.map((s) => [s, siteInAreas(located.get(s)!, areas)]));
  const areaWords = areas.map(describeSelectionArea).join(' and ');
  const leftOut: { site: string; reason: string }[] = [];
  let chosen: string[];
  if (options.sites !== undefined) {
    params.given('sites', options.sites);
    chosen = options.sites.filter((s) => areas.length === 0 || inArea.get(s) === 'in');
    const outside = options.sites.filter((s) => !chosen.includes(s));
    for (const s of outside)
      leftOut.push({
        site: s,
        reason:
          inArea.get(s) === 'out'
            ? `outside ${areaWords}`
            : inArea.get(s) === 'unknown'
              ? 'no known area'
              : 'no A&E data',
      });
    if (outside.length > 0 && areas.length > 0)
      warnings.add(
        'SITE_OUTSIDE_AREA',
        `${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} not known to lie in the area of the selection (${areaWords}) and ${outside.length === 1 ? 'is' : 'are'} left out`,
      );
  } else if (areas.length > 0) {
    chosen = siteCodes.filter((s) => inArea.get(s) === 'in');
    for (const s of siteCodes)
      if (inArea.get(s) !== 'in')
        leftOut.push({
          site: s,
          reason: inArea.get(s) === 'out' ? `outside ${areaWords}` : 'no known area',
        });
    params.automatic(
      'sites',
      { selected: chosen, leftOut },
      `the emergency departments lying in the area of the selection (${areaWords}), by the district each lies in (${describeSources(located)})`,
    );
  } else {
    chosen = siteCodes;
    params.automatic(
      'sites',
      { selected: chosen, leftOut },
      'every emergency department in the workspace: the selection names no area',
    );
  }
  const unknownLeftOut = unknownArea.filter((s) => !chosen.includes(s));
  if (unknownLeftOut.length > 0 && areas.length > 0)
    warnings.add(
      'SITE_AREA_UNKNOWN',
      `no area is known for the emergency department${unknownLeftOut.length === 1 ? '' : 's'} ${unknownLeftOut.join(', ')}: left out of the A&E figures of ${areaWords} (give each site its district in the sites of the partnership configuration, or --site-area SITE=CODE)`,
    );
  const unknownIn = unknownArea.filter((s) => chosen.includes(s));
  if (unknownIn.length > 0)
    warnings.add(
      'SITE_AREA_UNKNOWN',
      `no area is known for the emergency department${unknownIn.length === 1 ? '' : 's'} ${unknownIn.join(', ')}: ${unknownIn.length === 1 ? 'it is' : 'they are'} counted because the selection names no area (give each site its district in the sites of the partnership configuration, or --site-area SITE=CODE)`,
    );
  const finer = siteCodes.filter(
    (s) => inArea.get(s) === 'unknown' && located.get(s)!.source !== null,
  );
  if (finer.length > 0)
    warnings.add(
      'SITE_AREA_TOO_COARSE',
      `${finer.join(', ')}: where ${finer.length === 1 ? 'this department lies is' : 'these departments lie is'} known only at a coarser level than ${areaWords}, so ${finer.length === 1 ? 'it is' : 'they are'} left out`,
    );
  const sites = chosen;
  const aeRecords = await ws.db.all<AeRow>(
    `SELECT strftime(month, '%Y-%m') AS month, coalesce(site_code, '(none)') AS site, assault_method AS method,
            count(*) AS n, batch_id AS batch
       FROM ae_attendances GROUP BY ALL`,
  );
  const aeCounts = await ws.db.all<AeRow>(
    `SELECT strftime(month, '%Y-%m') AS month, coalesce(site_code, '(none)') AS site, assault_method AS method,
            sum(attendances) AS n, batch_id AS batch
       FROM ae_attendance_counts GROUP BY ALL`,
  );
  const spans = await ws.db.all<{ batch: number; first: string; last: string }>(
    `SELECT batch_id AS batch, strftime(min(month), '%Y-%m') AS first, strftime(max(month), '%Y-%m') AS last
       FROM (SELECT batch_id, month FROM ae_attendances UNION ALL SELECT batch_id, month FROM ae_attendance_counts)
      GROUP BY 1`,
  );
  const keepSite = (s: string): boolean => sites.includes(s);
  // A site holds the months in which it has attendances (records or counts); a month inside a
  // batch's span with none is taken as not held, as for police extracts (see selectionCoverage).
  const siteMonths = new Map<string, Set<string>>();
  for (const r of [...aeRecords, ...aeCounts]) {
    if (!keepSite(r.site)) continue;
    const set = siteMonths.get(r.site) ?? new Set<string>();
    set.add(r.month);
    siteMonths.set(r.site, set);
  }
  const siteBatches = new Map<string, Set<number>>();
  for (const r of [...aeRecords, ...aeCounts])
    siteBatches.set(r.site, (siteBatches.get(r.site) ?? new Set()).add(r.batch));
  const spanOf = new Map(spans.map((s) => [s.batch, monthRange(s.first, s.last)]));
  const emptySiteMonths = [...siteMonths.entries()].flatMap(([site, held]) =>
    [...(siteBatches.get(site) ?? [])]
      .flatMap((b) => spanOf.get(b) ?? [])
      .filter((m) => !held.has(m))
      .map((m) => `${site} ${m}`),
  );
  if (emptySiteMonths.length > 0)
    warnings.add(
      'EMPTY_MONTHS_IN_BATCH',
      `${new Set(emptySiteMonths).size} site-months inside the span of their A&E batches have no attendance: taken as not held, not as zero`,
    );
  if (siteMonths.size === 0)
    throw new SvdError({
      kind: 'workspace',
      code: 'NO_AE_DATA',
      message:
        siteCodes.length === 0
          ? 'no A&E (ISTV) data is loaded in this workspace'
          : sites.length === 0
            ? `no emergency department is known to lie in the area of the selection (${areaWords}): ${leftOut.map((l) => `${l.site} ${l.reason}`).join('; ')}`
            : `no A&E data for the site${sites.length === 1 ? '' : 's'} ${sites.join(', ')}`,
      fix:
        siteCodes.length === 0
          ? 'ingest it with svd ingest istv FILE (or --aggregated for monthly counts)'
          : 'give each emergency department its district in the sites of the partnership configuration (svd geo partnerships FILE), or --site-area SITE=CODE',
    });
  const recordKeys = new Set(aeRecords.map((r) => `${r.site}|${r.month}`));
  const doubled = new Set(
    aeCounts
      .filter((r) => recordKeys.has(`${r.site}|${r.month}`))
      .map((r) => `${r.site}|${r.month}`),
  );
  if (doubled.size > 0)
    warnings.add(
      'AE_RECORDS_AND_COUNTS',
      `${doubled.size} site-months are held both as records and as counts: the records are used`,
    );
  const ae = [...aeRecords, ...aeCounts.filter((r) => !doubled.has(`${r.site}|${r.month}`))].filter(
    (r) => keepSite(r.site),
  );

  const aeAll = [...siteMonths.values()].flatMap((s) => [...s]).sort();
  const first = selection.from ?? [policeMonths[0]!, aeAll[0]!].sort()[0]!;
  const last = selection.to ?? [policeMonths.at(-1)!, aeAll.at(-1)!].sort().at(-1)!;
  const policeStatus = new Map(
    monthStatuses(coverage, first, last).map((s) => [s.month, s.status]),
  );
  const aeComplete = (m: string): boolean => [...siteMonths.values()].every((s) => s.has(m));
  const aeAny = (m: string): boolean => [...siteMonths.values()].some((s) => s.has(m));

  // Police counts by month, method group and (optionally) area.
  const area = byAreaWanted ? findDimension(areaDimension, resolved.dimensions).sql : 'NULL';
  const police = await counting.detailed((c) =>
    c.db.all<{ month: string; method: string; area: string | null; n: number }>(
      `SELECT strftime(i.month, '%Y-%m') AS month,
              CASE WHEN i.flag_knife THEN 'knife-sharp' WHEN i.flag_firearm THEN 'firearm' ELSE 'other' END AS method,
              ${area} AS area, ${c.count()} AS n
         FROM ${resolved.sql.from}
        WHERE ${resolved.sql.where} AND list_contains($injury_codes, i.offence_code)
        GROUP BY ALL`,
      { ...resolved.sql.params, injury_codes: listValue(codes) },
    ),
  );
  const months = monthRange(first, last);
  const compared = months.filter((m) => policeStatus.get(m) === 'complete' && aeComplete(m));
  const comparedSet = new Set(compared);
  const sum = <T>(rows: readonly T[], keep: (r: T) => boolean, n: (r: T) => number): number =>
    rows.reduce((s, r) => s + (keep(r) ? n(r) : 0), 0);
  const byMonth = months.map((month) => {
    const p =
      policeStatus.get(month) === 'complete'
        ? sum(
            police,
            (r) => r.month === month,
            (r) => r.n,
          )
        : null;
    const a = aeComplete(month)
      ? sum(
          ae,
          (r) => r.month === month,
          (r) => r.n,
        )
      : null;
    return {
      month,
      police: p,
      ae: a,
      compared: comparedSet.has(month),
      aePerPolice: p === null || a === null || p === 0 ? null : a / p,
    };
  });
  const notCompared = months.filter((m) => !comparedSet.has(m));
  if (notCompared.length > 0)
    warnings.add(
      'MONTHS_NOT_COMPARED',
      `${notCompared.length} month${notCompared.length === 1 ? ' is' : 's are'} not held fully by both sources and ${notCompared.length === 1 ? 'is' : 'are'} left out of the comparison (${formatRuns(notCompared)})`,
    );
  const partialAe = months.filter((m) => aeAny(m) && !aeComplete(m));
  if (partialAe.length > 0)
    warnings.add(
      'AE_PARTIAL_MONTHS',
      `${partialAe.length} month${partialAe.length === 1 ? ' is' : 's are'} held for only some emergency departments (${formatRuns(partialAe)})`,
    );
  const inCompared = (r: { month: string }): boolean => comparedSet.has(r.month);
  const P = sum(police, inCompared, (r) => r.n);
  const A = sum(ae, inCompared, (r) => r.n);
  const byMethod = METHOD_GROUPS.map((g) => ({
    method: g.method,
    policeMeaning: g.police,
    ...ratio(
      sum(
        police,
        (r) => inCompared(r) && r.method === g.method,
        (r) => r.n,
      ),
      sum(
        ae,
        (r) =>
          inCompared(r) &&
          (g.method === 'other'
            ? r.method !== 'knife-sharp' && r.method !== 'firearm'
            : r.method === g.method),
        (r) => r.n,
      ),
    ),
  }));
  const siteList = [...siteMonths.keys()].sort();
  const bySite = siteList.map((site) => ({
    site,
    name: located.get(site)?.name ?? null,
    ae: sum(
      ae,
      (r) => inCompared(r) && r.site === site,
      (r) => r.n,
    ),
    area: siteAreaAt[site] ?? null,
  }));
  let byArea: HealthVsPoliceResult['byArea'] = null;
  if (byAreaWanted) {
    if (Object.keys(givenSiteAreas).length > 0) params.given('siteAreas', givenSiteAreas);
    else
      params.automatic(
        'siteAreas',
        siteAreaAt,
        `the ${areaLevel} each emergency department lies in, from the sites of the partnership configuration`,
      );
    if (options.areaLevel === undefined)
      params.automatic(
        'areaLevel',
        areaLevel,
        'districts, the level at which emergency department catchments are usually described',
      );
    else params.given('areaLevel', areaLevel);
    const unmapped = siteList.filter((s) => siteAreaAt[s] === undefined);
    if (unmapped.length > 0)
      warnings.add(
        'SITE_WITHOUT_AREA',
        `no area is given for ${unmapped.join(', ')}: left out of the comparison by area`,
      );
    const areaCodes = [...new Set(siteList.flatMap((s) => siteAreaAt[s] ?? []))].sort();
    const names = new Map(
      (
        await ws.db.all<{ code: string; name: string | null }>(
          `SELECT code, name FROM geo_area_list WHERE level = $level AND list_contains($codes, code)`,
          { level: areaLevel, codes: listValue(areaCodes) },
        )
      ).map((r) => [r.code, r.name]),
    );
    byArea = areaCodes.map((code) => ({
      area: code,
      name: names.get(code) ?? null,
      ...ratio(
        sum(
          police,
          (r) => inCompared(r) && r.area === code,
          (r) => r.n,
        ),
        sum(
          ae,
          (r) => inCompared(r) && siteAreaAt[r.site] === code,
          (r) => r.n,
        ),
      ),
    }));
  } else {
    params.automatic(
      'siteAreas',
      null,
      `no ${areaLevel} is known for any emergency department, so no comparison by area (A&E data carries no location beyond the department: give the sites their districts in the partnership configuration, or --site-area SITE=CODE)`,
    );
  }
  const bound = attendShare === 1 ? 'lower bound' : 'estimate';
  let unreported: HealthVsPoliceResult['unreported'];
  const method = `1 − f·P/A over the ${compared.length} months both hold (P police-recorded assaults with injury, A attendances, f = ${attendShare} the share of police-recorded assaults with injury whose victim attends these departments); interval from the exact interval of P/A (two Poisson counts, equal exposure)`;
  if (A === 0) {
    unreported = {
      share: null,
      lower: null,
      upper: null,
      attendShare,
      bound,
      method,
      summary: 'no A&E attendances in the months compared',
    };
  } else {
    const c = comparePoissonCounts(
      { count: P, exposure: 1 },
      { count: A, exposure: 1 },
      confidence,
    );
    const clip = (x: number): number => Math.min(1, Math.max(0, x));
    const share = clip(1 - (attendShare * P) / A);
    const lower = c.upper === null ? 0 : clip(1 - attendShare * c.upper);
    const upper = clip(1 - attendShare * c.lower);
    if (attendShare * P >= A)
      warnings.add(
        'POLICE_EXCEEDS_AE',
        'police record at least as many assaults with injury as the departments see attendances (times the attend share): the aggregate comparison cannot show an unreported share',
      );
    const what = bound === 'lower bound' ? 'at least' : 'an estimated';
    unreported = {
      share,
      lower,
      upper,
      attendShare,
      bound,
      method,
      summary: `${what} ${formatPercent(share)} (${Math.round(confidence * 100)}% interval ${formatInterval(lower, upper, 'percent')}) of the ${formatCount(A)} A&E assault attendances have no police-recorded counterpart, in aggregate over ${compared.length} month${compared.length === 1 ? '' : 's'} (${formatCount(P)} police-recorded assaults with injury${attendShare === 1 ? ', each assumed to have led to an attendance' : `, ${formatPercent(attendShare)} of them assumed to attend`})`,
    };
  }
  const summary = [
    compared.length === 0
      ? 'no month is held fully by both the police data and the A&E data: nothing to compare'
      : `${formatCount(A)} A&E assault attendances and ${formatCount(P)} police-recorded assaults with injury in ${compared.length} month${compared.length === 1 ? '' : 's'} (${formatRuns(compared)}): ${P === 0 ? 'no police records' : `${formatRatio(A / P)} attendances per police record`}`,
    unreported.summary,
  ];
  if (compared.length > 0 && compared.length < 3)
    warnings.add(
      'FEW_MONTHS',
      `only ${compared.length} month${compared.length === 1 ? '' : 's'} compared`,
    );
  return {
    result: {
      comparedMonths: compared,
      byMonth,
      byMethod,
      bySite,
      byArea,
      total: ratio(P, A),
      unreported,
      summary,
    },
    params: params.all(),
    warnings: warnings.list(),
  };
}
