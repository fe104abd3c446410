/**
 * Which months the selected sources hold, so that a month no source published is a gap, never a
 * zero. Coverage is decided per unit — a source and force the selection can include — as:
 * - police.uk: the force-months ingested (the force's monthly file; the same grid as
 *   `svd coverage`);
 * - partner extracts (force extracts): the months in which the source holds records for the
 *   force. A month inside an extract's span with no record at all is taken as not held: for a
 *   whole force, a month without a single crime is far likelier a gap in the extract than a true
 *   zero. Such months are listed (`emptyInBatches`) so that the analyses can say so.
 * A month is `complete` when every unit holds it, `partial` when only some do, `missing` when none.
 */
import type { Workspace } from '../../store/openWorkspace.js';
import { addMonths, monthRange } from '../../core/months.js';
import type { Selection } from './selection.js';
import type { MonthStatus } from '../../api/analyses.js';
import type { IncidentCounting } from '../counts/incidentCounting.js';

export interface CoverageUnit {
  source: string;
  force: string;
  /** How the months were decided. */
  basis: 'force-months ingested' | 'months with records';
  months: string[];
  /** Months inside a batch's first-to-last span with no record (treated as not held). */
  emptyInBatches: string[];
}

export interface SelectionCoverage {
  units: CoverageUnit[];
  /** First and last month any unit holds (null when nothing is held). */
  first: string | null;
  last: string | null;
}

/** The values a selection's filter on a dimension allows (undefined: no filter). */
function allowed(selection: Selection, dimension: string): (string | null)[] | undefined {
  const filter = selection.where?.find((w) => w.dimension === dimension);
  return filter === undefined || filter.range !== undefined ? undefined : filter.values;
}

export async function selectionCoverage(
  ws: Workspace,
  selection: Selection,
  /** Where the incidents are read (the months held are the same in an aggregate of them). */
  counting?: IncidentCounting,
): Promise<SelectionCoverage> {
  const db = counting?.db ?? ws.db;
  const sources = allowed(selection, 'source');
  const forces = allowed(selection, 'force');
  const keep = (source: string, force: string): boolean =>
    (sources === undefined || sources.includes(source)) &&
    (forces === undefined || forces.includes(force));
  const units = new Map<string, CoverageUnit>();
  const unit = (source: string, force: string): CoverageUnit => {
    const key = `${source}\u0000${force}`;
    let u = units.get(key);
    if (u === undefined) {
      u = {
        source,
        force,
        basis: source === 'police-uk' ? 'force-months ingested' : 'months with records',
        months: [],
        emptyInBatches: [],
      };
      units.set(key, u);
    }
    return u;
  };
  const police = await db.allMemo<{ force: string; month: string }>(
    `SELECT DISTINCT force, strftime(month, '%Y-%m') AS month FROM incidents
      WHERE source = 'police-uk' ORDER BY 1, 2`,
  );
  for (const r of police)
    if (keep('police-uk', r.force)) unit('police-uk', r.force).months.push(r.month);
  const partner = await db.allMemo<{ source: string; force: string; month: string }>(
    `SELECT DISTINCT source, force, strftime(month, '%Y-%m') AS month FROM incidents
      WHERE source <> 'police-uk' ORDER BY 1, 2, 3`,
  );
  for (const r of partner)
    if (keep(r.source, r.force)) unit(r.source, r.force).months.push(r.month);
  const spans = await db.allMemo<{ source: string; force: string; first: string; last: string }>(
    `SELECT source, force, strftime(min(month), '%Y-%m') AS first, strftime(max(month), '%Y-%m') AS last
       FROM incidents WHERE source <> 'police-uk' GROUP BY source, force, batch_id ORDER BY 1, 2, 3`,
  );
  for (const r of spans) {
    if (!keep(r.source, r.force)) continue;
    const u = unit(r.source, r.force);
    const held = new Set(u.months);
    const empty = monthRange(r.first, r.last).filter((m) => !held.has(m));
    u.emptyInBatches = [...new Set([...u.emptyInBatches, ...empty])].sort();
  }
  const all = [...units.values()].flatMap((u) => u.months).sort();
  return {
    units: [...units.values()],
    first: all[0] ?? null,
    last: all.at(-1) ?? null,
  };
}

/** The status of each month from `from` to `to` under the coverage. */
export function monthStatuses(
  coverage: SelectionCoverage,
  from: string,
  to: string,
): { month: string; status: MonthStatus; unitsHolding: number }[] {
  const held = coverage.units.map((u) => new Set(u.months));
  const out: { month: string; status: MonthStatus; unitsHolding: number }[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) {
    const n = held.filter((s) => s.has(m)).length;
    out.push({
      month: m,
      unitsHolding: n,
      status: n === 0 ? 'missing' : n === held.length ? 'complete' : 'partial',
    });
  }
  return out;
}

export interface HeldPeriod {
  from: string | null;
  to: string | null;
  statuses: { month: string; status: MonthStatus; unitsHolding: number }[];
  /** Months of the period that every unit of the selection holds. */
  monthsHeld: number;
  /** A figure over the period scaled to a year of the complete months held (null without any). */
  perYear: (x: number | null) => number | null;
}

/** The selection's period (as given, else every month held) and how much of it is held. */
export async function heldPeriod(
  ws: Workspace,
  selection: Selection,
  /** Where the incidents are read (the months held are the same in an aggregate of them). */
  counting?: IncidentCounting,
): Promise<HeldPeriod> {
  const coverage = await selectionCoverage(ws, selection, counting);
  const from = selection.from ?? coverage.first;
  const to = selection.to ?? coverage.last;
  const statuses = from === null || to === null ? [] : monthStatuses(coverage, from, to);
  const monthsHeld = statuses.filter((s) => s.status === 'complete').length;
  return {
    from,
    to,
    statuses,
    monthsHeld,
    perYear: (x) => (x === null || monthsHeld === 0 ? null : (x * 12) / monthsHeld),
  };
}
