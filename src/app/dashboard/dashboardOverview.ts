/**
 * The Overview page's answer: serious violence by tier under the definition in use (the counts of
 * `svd counts --by tier --definition …` with the same filters), the monthly series, the Home
 * Office success measures where the data allows (a measure no record can carry is missing, not
 * zero), the sources with their coverage and freshness, and how many of the incidents counted are
 * synthetic.
 */
import { SvdError } from '../../core/errors.js';
import { countIncidents } from '../../analyses/counts/countIncidents.js';
import { type CountFilter } from '../../core/dimension.js';
import { DIMENSIONS } from '../../analyses/selection/dimensions.js';
import type { CountsDefinition } from '../../definitions/countsDefinition.js';
import { resolveDefinition } from '../../definitions/resolveDefinition.js';
import { TIER_DIMENSIONS } from '../../definitions/tierDimensions.js';
import { sourceCoverage } from '../../analyses/coverage/sourceCoverage.js';
import type { Workspace } from '../../store/openWorkspace.js';
import {
  filtersToSelection,
  selectionWhere,
  tierParamsIfUsed,
  definitionFor,
  filtersDefinition,
  kept,
  withCounting,
  type DashboardContext,
  type DashboardFilters,
} from './dashboardFilters.js';
import type { DashboardOverview, DefinitionInUse, TierCount } from '../../api/dashboard.js';

const STATUS_LABELS: Record<string, string> = {
  none: 'In no tier',
  excluded: 'Excluded by the definition',
  'no-data': 'No data to decide (carries none of the fields the definition reads)',
  unclassified: 'Not yet classified',
};

const SUCCESS_MEASURES = 'home-office-success-measures';

async function tierLabels(ws: Workspace, spec: string, cwd: string): Promise<Map<string, string>> {
  const resolved = await resolveDefinition(spec, { ws, cwd });
  return new Map(resolved.definition.file.tiers.map((t) => [t.id, t.label]));
}

function inUse(d: CountsDefinition): DefinitionInUse {
  return {
    meta: d.meta,
    classifiedAt: d.run.classified_at,
    unclassified: d.unclassified,
    unavailableTiers: d.unavailableTiers,
    notes: d.notes,
  };
}

export async function dashboardOverview(
  ws: Workspace,
  filters: DashboardFilters,
  context: DashboardContext,
): Promise<DashboardOverview> {
  const selection = filtersToSelection(filters);
  const where = selectionWhere(selection);
  const withoutTier = selectionWhere(filtersToSelection(filters, { withTier: false }));
  const dimensions = [...DIMENSIONS, ...TIER_DIMENSIONS];
  const definition = await filtersDefinition(ws, filters, context);
  let measures: CountsDefinition | undefined;
  if (filters.definition?.split('@')[0] !== SUCCESS_MEASURES) {
    try {
      measures = await definitionFor(ws, SUCCESS_MEASURES, context);
    } catch (error) {
      // Not classified in this workspace: the page says the measures are not available.
      if (!(error instanceof SvdError && error.kind === 'usage')) throw error;
    }
  }
  const counts = await withCounting(ws, context, [definition, measures], async (counting) => {
    const counted = counting === undefined ? {} : { counting };
    let tiers: TierCount[] = [];
    if (filters.definition !== undefined && definition !== undefined) {
      const labels = await tierLabels(ws, filters.definition, context.cwd);
      const byTier = await countIncidents(
        ws,
        { by: ['tier'], where: withoutTier },
        { dimensions, params: definition.params, ...counted },
      );
      const n = new Map(byTier.rows.map((r) => [String(r['tier']), r.n]));
      const missing = new Set(definition.unavailableTiers.map((t) => t.tier));
      tiers = [
        ...[...labels].map(([tier, label]) => ({
          tier,
          label,
          n: missing.has(tier) ? null : (n.get(tier) ?? 0),
        })),
        ...Object.keys(STATUS_LABELS)
          .filter((s) => n.has(s))
          .map((s) => ({ tier: s, label: STATUS_LABELS[s]!, n: n.get(s)! })),
      ];
    }
    const params = tierParamsIfUsed(
      where.map((w) => w.dimension),
      definition?.params,
    );
    const countsContext = { dimensions, ...(params === undefined ? {} : { params }), ...counted };
    const byMonth = await countIncidents(ws, { by: ['month'], where }, countsContext);
    const bySource = await countIncidents(ws, { by: ['source'], where }, countsContext);
    let successMeasures: DashboardOverview['successMeasures'] = null;
    if (measures !== undefined) {
      const labels = await tierLabels(ws, SUCCESS_MEASURES, context.cwd);
      const areaWhere: CountFilter[] = withoutTier;
      const byMeasure = await countIncidents(
        ws,
        { by: ['matched_tier'], where: areaWhere },
        { dimensions, params: measures.params, ...counted },
      );
      const n = new Map(byMeasure.rows.map((r) => [String(r['matched_tier']), r.n]));
      const missing = new Set(measures.unavailableTiers.map((t) => t.tier));
      successMeasures = {
        definition: measures.meta,
        measures: [...labels].map(([tier, label]) => ({
          tier,
          label,
          n: missing.has(tier) ? null : (n.get(tier) ?? 0),
        })),
      };
    }
    return { tiers, byMonth, bySource, successMeasures };
  });
  const { tiers, byMonth, bySource, successMeasures } = counts;
  return {
    definition: definition === undefined ? null : inUse(definition),
    tiers,
    total: byMonth.total,
    months: byMonth.rows.map((r) => ({ month: String(r['month']), n: r.n })),
    bySource: bySource.rows.map((r) => ({ source: String(r['source']), n: r.n })),
    successMeasures,
    synthetic: { incidents: byMonth.syntheticTotal },
    coverage: await kept(ws, context, 'sourceCoverage', () => sourceCoverage(ws)),
  };
}
