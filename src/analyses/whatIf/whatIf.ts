/**
 * `svd whatif`: every record in the workspace classified under a base definition and under a
 * proposal, side by side in one query inside DuckDB (nothing is stored), and the records whose
 * tier changes counted by transition and broken down by offence, month and area (or any count
 * dimension), with a headline per tier: "primary: adds 412 records (+9.8%, 4,203 → 4,615)".
 */
import { usageError } from '../../core/errors.js';
import type { CountFilter } from '../../core/dimension.js';
import { findDimension } from '../selection/dimensions.js';
import { incidentFilterSql } from '../selection/incidentFilter.js';
import { DEFAULT_WHATIF_BY, WHATIF_DIMENSIONS } from './whatIfDimensions.js';
import { Db } from '../../store/db.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { definitionMeta } from '../../definitions/classificationRuns.js';
import type { CompiledDefinition } from '../../definitions/compileDefinition.js';
import { offenceCodes } from '../../core/offenceCodes.js';
import { definitionLabel } from '../../definitions/definitionLabel.js';
import type { BreakdownRow, TierChange, Transition, WhatIfResult } from '../../api/definitions.js';

export { DEFAULT_WHATIF_BY, WHATIF_DIMENSIONS };

const STATUSES = ['none', 'excluded', 'no-data'];
const nf = new Intl.NumberFormat('en-GB');

export function percentChange(base: number, proposal: number): number | null {
  return base === 0 ? null : Math.round(((proposal - base) / base) * 1000) / 10;
}

function describeChange(t: TierChange): string {
  const pct = t.percent === null ? 'new' : `${t.percent > 0 ? '+' : ''}${t.percent.toFixed(1)}%`;
  const verb = t.change > 0 ? 'adds' : 'removes';
  const n = Math.abs(t.change);
  return `${t.tier}: ${verb} ${nf.format(n)} record${n === 1 ? '' : 's'} (${pct}, ${nf.format(t.base)} → ${nf.format(t.proposal)})`;
}

export function whatIfHeadline(
  base: string,
  proposal: string,
  tiers: readonly TierChange[],
): string {
  const changed = tiers.filter((t) => t.change !== 0 && !STATUSES.includes(t.tier));
  if (changed.length === 0) return `${proposal} against ${base}: no record changes tier`;
  return `${proposal} against ${base}: ${changed.map(describeChange).join('; ')}`;
}

export interface WhatIfOptions {
  by: readonly string[];
  where: readonly CountFilter[];
}

export async function whatIf(
  ws: Workspace,
  base: CompiledDefinition,
  proposal: CompiledDefinition,
  options: WhatIfOptions,
): Promise<WhatIfResult> {
  const b = base.sql({ paramPrefix: 'base_' });
  const p = proposal.sql({ paramPrefix: 'prop_' });
  const byDimensions = options.by.map((n) => findDimension(n, WHATIF_DIMENSIONS));
  // A dimension a record may take several values of (nested partnerships) is broken down apart,
  // through the records' ids: in the scan, its join would give such a record a row for each of its
  // values and count it that many times in every total. The filters are those of svd counts, so
  // that a filter of several partnerships selects a record in two of them once.
  const inScan = options.by.filter((_, k) => byDimensions[k]!.several === undefined);
  const filter = incidentFilterSql(options.where, WHATIF_DIMENSIONS, {
    alsoUsing: inScan,
    params: { ...b.tier.params, ...p.tier.params },
  });
  const dims = options.by.flatMap((_, k) =>
    byDimensions[k]!.several === undefined ? [`, ${byDimensions[k]!.sql} AS d${k}`] : [],
  );
  // The connection's temporary table is written through a Db of its own: writing it changes
  // nothing of the workspace, so it ends none of the answers the workspace's connections have
  // memoised (a server's are shared by all of them). Nothing memoised reads it.
  const temp = new Db(ws.db.connection);
  // eslint-disable-next-line no-restricted-syntax -- a TEMP table of this connection, not the workspace
  await temp.run(`DROP TABLE IF EXISTS svd_whatif`);
  // eslint-disable-next-line no-restricted-syntax -- a TEMP table of this connection, not the workspace
  await temp.run(
    `CREATE TEMP TABLE svd_whatif AS
      SELECT i.id, ${b.tier.sql} AS base_tier, ${p.tier.sql} AS proposal_tier${dims.join('')}
      FROM ${filter.from} WHERE ${filter.where}`,
    filter.params,
  );
  try {
    const totals = await ws.db.all<{ tier: string; base: number; proposal: number }>(
      `SELECT tier, sum(base) AS base, sum(proposal) AS proposal FROM (
         SELECT base_tier AS tier, 1 AS base, 0 AS proposal FROM svd_whatif
         UNION ALL SELECT proposal_tier, 0, 1 FROM svd_whatif)
       GROUP BY tier`,
    );
    const transitions = await ws.db.all<Transition>(
      `SELECT base_tier AS "from", proposal_tier AS "to", count(*) AS n FROM svd_whatif
        WHERE base_tier <> proposal_tier GROUP BY ALL ORDER BY n DESC, 1, 2`,
    );
    const records = (await ws.db.value<number>(`SELECT count(*) FROM svd_whatif`)) ?? 0;
    const noData =
      (await ws.db.value<number>(
        `SELECT count(*) FROM svd_whatif WHERE base_tier = 'no-data' AND proposal_tier = 'no-data'`,
      )) ?? 0;
    const table = offenceCodes();
    const breakdowns: WhatIfResult['breakdowns'] = [];
    for (const [k, name] of options.by.entries()) {
      const order = `ORDER BY ${name === 'month' ? '1, n DESC' : 'n DESC, 1'} NULLS LAST, 2, 3`;
      const rows = await ws.db.all<BreakdownRow>(
        byDimensions[k]!.several === undefined
          ? `SELECT d${k} AS value, base_tier AS "from", proposal_tier AS "to", count(*) AS n
              FROM svd_whatif WHERE base_tier <> proposal_tier GROUP BY ALL ${order}`
          : `SELECT ${byDimensions[k]!.sql} AS value, w.base_tier AS "from", w.proposal_tier AS "to",
                count(*) AS n
              FROM ${incidentFilterSql([], WHATIF_DIMENSIONS, { alsoUsing: [name] }).from}
                JOIN svd_whatif w ON w.id = i.id
              WHERE w.base_tier <> w.proposal_tier GROUP BY ALL ${order}`,
      );
      breakdowns.push({
        by: name,
        rows:
          name === 'offence'
            ? rows.map((r) => ({
                ...r,
                label:
                  r.value === null
                    ? '(no offence code)'
                    : (table.byCode(r.value)?.name ?? '(not in the reference table)'),
              }))
            : rows,
      });
    }
    const order = [
      ...proposal.definition.file.tiers.map((t) => t.id),
      ...base.definition.file.tiers.map((t) => t.id),
      ...STATUSES,
    ];
    const tierNames = [...new Set(order)].filter(
      (t) => totals.some((x) => x.tier === t) || !STATUSES.includes(t),
    );
    const tiers: TierChange[] = tierNames.map((tier) => {
      const row = totals.find((t) => t.tier === tier);
      const baseN = row?.base ?? 0;
      const proposalN = row?.proposal ?? 0;
      return {
        tier,
        base: baseN,
        proposal: proposalN,
        change: proposalN - baseN,
        percent: percentChange(baseN, proposalN),
      };
    });
    const changed = transitions.reduce((s, t) => s + t.n, 0);
    return {
      base: definitionMeta(base.definition),
      proposal: definitionMeta(proposal.definition),
      records,
      noData,
      changed,
      tiers,
      transitions,
      breakdowns,
      headline: whatIfHeadline(
        definitionLabel(base.definition),
        definitionLabel(proposal.definition),
        tiers,
      ),
    };
  } finally {
    // eslint-disable-next-line no-restricted-syntax -- a TEMP table of this connection, not the workspace
    await temp.run(`DROP TABLE IF EXISTS svd_whatif`);
  }
}

export function parseWhatIfBy(text: string | undefined): string[] {
  if (text === undefined) return [...DEFAULT_WHATIF_BY];
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0)
    throw usageError('BAD_BY', '--by needs at least one dimension', 'e.g. --by offence,month');
  for (const n of names) findDimension(n, WHATIF_DIMENSIONS);
  return names;
}
