/**
 * `svd whatif`: every record in the workspace classified under a base definition and under a
 * proposal, side by side in one query inside DuckDB (nothing is stored), and the records whose
 * tier changes counted by transition and broken down by offence, month and area (or any count
 * dimension), with a headline per tier: "primary: adds 412 records (+9.8%, 4,203 → 4,615)".
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { usageError } from '../../core/errors.js';
import type { CountFilter } from '../../core/dimension.js';
import { findDimension } from '../selection/dimensions.js';
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
  const params: Record<string, DuckDBValue> = { ...b.tier.params, ...p.tier.params };
  const used = [...options.by, ...options.where.map((w) => w.dimension)].map((n) =>
    findDimension(n, WHATIF_DIMENSIONS),
  );
  const joins = new Map<string, string>();
  for (const d of used) for (const [k, j] of Object.entries(d.joins ?? {})) joins.set(k, j);
  const conditions = options.where.map((filter, i) => {
    const sql = findDimension(filter.dimension, WHATIF_DIMENSIONS).sql;
    if (filter.range !== undefined) {
      params[`lo${i}`] = filter.range.from;
      params[`hi${i}`] = filter.range.to;
      return `(${sql} BETWEEN $lo${i} AND $hi${i})`;
    }
    return `(${filter.values
      .map((v, j) => {
        if (v === null) return `${sql} IS NULL`;
        params[`v${i}_${j}`] = v;
        return `${sql} = $v${i}_${j}`;
      })
      .join(' OR ')})`;
  });
  const dims = options.by.map(
    (name, k) => `${findDimension(name, WHATIF_DIMENSIONS).sql} AS d${k}`,
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
      SELECT ${b.tier.sql} AS base_tier, ${p.tier.sql} AS proposal_tier${dims.map((d) => `, ${d}`).join('')}
      FROM incidents i ${[...joins.values()].join(' ')}
      ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}`,
    params,
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
      const rows = await ws.db.all<BreakdownRow>(
        `SELECT d${k} AS value, base_tier AS "from", proposal_tier AS "to", count(*) AS n
          FROM svd_whatif WHERE base_tier <> proposal_tier
          GROUP BY ALL ORDER BY ${name === 'month' ? '1, n DESC' : 'n DESC, 1'} NULLS LAST, 2, 3`,
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
