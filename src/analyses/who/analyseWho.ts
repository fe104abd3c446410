/**
 * `analyseWho`: who is involved and where — victims and suspects by age band and sex, the share of
 * victims and suspects under 25, the domestic share, the share in public places and the knife
 * share, each with its count, the total it is a share of, a Wilson score interval, and the records
 * whose value is not known counted apart (an unknown is never counted as "no"). police.uk rows
 * carry none of these fields; they are reported apart.
 */
import type { Reporter } from '../../core/reporter.js';
import { recordCounting, type IncidentCounting } from '../counts/incidentCounting.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { Params, Warnings } from '../selection/analysisResult.js';
import { formatCount, formatInterval, formatPercent } from '../selection/plainWords.js';
import { resolveSelection, type Selection } from '../selection/selection.js';
import { warnAboutSelection } from '../selection/selectionWarnings.js';
import { LOCATION_TYPES, SEXES, parseAgeBand } from '../../core/vocabulary.js';
import { wilsonInterval } from '../../core/statistics/wilsonInterval.js';
import type { AgeSexTable, AnalysisResult, Share, WhoResult } from '../../api/analyses.js';

export interface WhoOptions {
  confidence?: number;
  smallCount?: number;
}

interface Row {
  victim_age: number | null;
  victim_age_band: string | null;
  victim_sex: string | null;
  suspect_age: number | null;
  suspect_age_band: string | null;
  suspect_sex: string | null;
  domestic: boolean | null;
  knife: boolean | null;
  location_type: string | null;
  n: number;
}

/** Whether a person is under 25: from the exact age, else the band when it lies wholly on one side. */
export function under25(age: number | null, band: string | null): boolean | null {
  if (age !== null) return age < 25;
  if (band === null) return null;
  const b = parseAgeBand(band);
  if (b === undefined) return null;
  if (b.max !== null && b.max <= 24) return true;
  if (b.min >= 25) return false;
  return null;
}

function bandOrder(a: string, b: string): number {
  const pa = parseAgeBand(a);
  const pb = parseAgeBand(b);
  if (pa === undefined || pb === undefined) return pa === undefined ? 1 : -1;
  return pa.min - pb.min || (pa.max ?? 999) - (pb.max ?? 999);
}

function ageSexTable(
  rows: readonly Row[],
  person: 'victim' | 'suspect',
  smallCount: number,
): AgeSexTable {
  const table = new Map<string, Record<string, number>>();
  let noPerson = 0;
  let total = 0;
  for (const r of rows) {
    const band = r[`${person}_age_band`];
    const sex = r[`${person}_sex`];
    const age = r[`${person}_age`];
    if (band === null && sex === null && age === null) {
      noPerson += r.n;
      continue;
    }
    const key = band ?? 'unknown';
    const counts = table.get(key) ?? {};
    const s = sex ?? 'unknown';
    counts[s] = (counts[s] ?? 0) + r.n;
    table.set(key, counts);
    total += r.n;
  }
  const sexes = [
    ...SEXES.filter((s) => [...table.values()].some((c) => c[s] !== undefined) || s !== 'other'),
  ];
  const out = [...table.entries()]
    .sort(([a], [b]) => bandOrder(a, b))
    .map(([band, counts]) => ({
      band,
      counts: Object.fromEntries(sexes.map((s) => [s, counts[s] ?? 0])),
      total: Object.values(counts).reduce((s, x) => s + x, 0),
    }));
  const smallCells = out.reduce(
    (s, r) => s + Object.values(r.counts).filter((c) => c > 0 && c < smallCount).length,
    0,
  );
  return { rows: out, sexes, total, noPerson, smallCells };
}

function share(
  name: string,
  description: string,
  rows: readonly Row[],
  value: (r: Row) => boolean | null,
  confidence: number,
  smallCount: number,
): Share {
  let yes = 0;
  let known = 0;
  let unknown = 0;
  for (const r of rows) {
    const v = value(r);
    if (v === null) unknown += r.n;
    else {
      known += r.n;
      if (v) yes += r.n;
    }
  }
  const ci = wilsonInterval(yes, known, confidence);
  return {
    name,
    description,
    count: yes,
    total: known,
    unknown,
    share: ci.share,
    lower: ci.lower,
    upper: ci.upper,
    small: known < smallCount || yes < smallCount,
  };
}

const pct = (s: Share): string =>
  s.share === null
    ? 'not known'
    : `${formatPercent(s.share)} (${formatInterval(s.lower!, s.upper!, 'percent')})`;

export async function analyseWho(
  ws: Workspace,
  selection: Selection,
  options: WhoOptions,
  context: {
    cwd: string;
    reporter: Reporter;
    /** Where the incidents are counted (default: the workspace's records). */
    counting?: IncidentCounting;
  },
): Promise<AnalysisResult<WhoResult>> {
  const params = new Params();
  const warnings = new Warnings();
  const resolved = await resolveSelection(ws, selection, { ...context, params });
  const counting = context.counting ?? recordCounting(ws);
  const selected = await warnAboutSelection(ws, resolved, warnings, counting);
  const confidence = params.resolve('confidence', options.confidence, () => ({
    value: 0.95,
    explanation: 'the usual 95%',
  }));
  const smallCount = params.resolve('smallCount', options.smallCount, () => ({
    value: 10,
    explanation: 'counts below 10 are flagged as small',
  }));
  params.given(
    'interval',
    'Wilson score interval for each share (no continuity correction), of the records whose value is known',
  );
  params.given(
    'under25',
    'from the exact age when known, else from the age band when the band lies wholly under 25 or wholly 25 and over; other bands are unknown',
  );
  params.given(
    'public',
    `location types by class: ${Object.entries(LOCATION_TYPES)
      .map(([t, c]) => `${t} ${c}`)
      .join(', ')}`,
  );
  const rows = await counting.detailed((c) =>
    c.db.all<Row>(
      `SELECT i.victim_age AS victim_age, i.victim_age_band AS victim_age_band, i.victim_sex AS victim_sex,
              i.suspect_age AS suspect_age, i.suspect_age_band AS suspect_age_band, i.suspect_sex AS suspect_sex,
              i.flag_domestic AS domestic, i.flag_knife AS knife, i.location_type AS location_type,
              ${c.count()} AS n
         FROM ${resolved.sql.from} WHERE ${resolved.sql.where} AND i.source <> 'police-uk'
        GROUP BY ALL`,
      resolved.sql.params,
    ),
  );
  const policeUk = selected.bySource['police-uk'] ?? 0;
  const withPersonData = rows.reduce((s, r) => s + r.n, 0);
  if (policeUk > 0)
    warnings.add(
      'POLICE_UK_NO_PEOPLE',
      `${formatCount(policeUk)} police.uk rows are left out: police.uk publishes no victim, suspect, flags or location type (a force extract holds them)`,
    );
  const classOf = (t: string | null): string =>
    t === null ? 'unknown' : ((LOCATION_TYPES as Record<string, string>)[t] ?? 'unknown');
  const shares = [
    share(
      'victims-under-25',
      'victims aged under 25, of victims with a known age',
      rows.filter(
        (r) => r.victim_age_band !== null || r.victim_sex !== null || r.victim_age !== null,
      ),
      (r) => under25(r.victim_age, r.victim_age_band),
      confidence,
      smallCount,
    ),
    share(
      'suspects-under-25',
      'suspects aged under 25, of suspects with a known age',
      rows.filter(
        (r) => r.suspect_age_band !== null || r.suspect_sex !== null || r.suspect_age !== null,
      ),
      (r) => under25(r.suspect_age, r.suspect_age_band),
      confidence,
      smallCount,
    ),
    share(
      'domestic',
      'incidents flagged domestic abuse, of incidents whose domestic flag is known',
      rows,
      (r) => r.domestic,
      confidence,
      smallCount,
    ),
    share(
      'knife',
      'incidents flagged as involving a knife or sharp instrument, of incidents whose knife flag is known',
      rows,
      (r) => r.knife,
      confidence,
      smallCount,
    ),
    share(
      'public-place',
      'incidents in a public place, of incidents whose location type is known',
      rows,
      (r) => {
        const c = classOf(r.location_type);
        return c === 'unknown' ? null : c === 'public';
      },
      confidence,
      smallCount,
    ),
  ];
  const locations = new Map<string, number>();
  for (const r of rows) {
    const t = r.location_type ?? 'unknown';
    locations.set(t, (locations.get(t) ?? 0) + r.n);
  }
  const locationTypes = [...locations.entries()]
    .map(([type, count]) => ({ type, class: classOf(type), count }))
    // Ties by name: the rows come from a GROUP BY, in no fixed order.
    .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
  const victims = ageSexTable(rows, 'victim', smallCount);
  const suspects = ageSexTable(rows, 'suspect', smallCount);
  for (const [who, t] of [
    ['victim', victims],
    ['suspect', suspects],
  ] as const)
    if (t.smallCells > 0)
      warnings.add(
        'SMALL_NUMBERS',
        `${t.smallCells} ${who} age × sex cell${t.smallCells === 1 ? ' holds' : 's hold'} fewer than ${smallCount} records: suppress before publishing`,
      );
  const smallShares = shares.filter((s) => s.small && s.total > 0);
  if (smallShares.length > 0)
    warnings.add(
      'SMALL_SHARES',
      `${smallShares.map((s) => s.name).join(', ')} rest${smallShares.length === 1 ? 's' : ''} on fewer than ${smallCount} records: the interval is wide`,
    );
  const [v25, s25, domestic, knife, pub] = shares as [Share, Share, Share, Share, Share];
  const summary =
    withPersonData === 0
      ? [
          policeUk > 0
            ? 'no victim, suspect or flag data: the selection holds police.uk rows only, which carry none'
            : 'no incidents are selected',
        ]
      : [
          `of ${formatCount(v25.total)} victims with a known age, ${pct(v25)} were under 25 (${formatCount(v25.unknown)} of unknown age)`,
          `of ${formatCount(s25.total)} suspects with a known age, ${pct(s25)} were under 25`,
          `${pct(domestic)} of incidents were flagged domestic abuse; ${pct(knife)} involved a knife or sharp instrument; ${pct(pub)} happened in a public place`,
        ];
  return {
    result: {
      records: { selected: selected.total, withPersonData, policeUk },
      victims,
      suspects,
      shares,
      locationTypes,
      summary,
    },
    params: params.all(),
    warnings: warnings.list(),
  };
}
