/**
 * Endpoints of the analyses: each calls the core analysis that `svd analyse …` calls, on the
 * selection of the dashboard's filters, and answers `{ result, params, warnings }` as
 * `svd analyse … --json` prints it.
 */
import { dashboardTrends } from '../../app/dashboard/dashboardTrends.js';
import { analyseWhen } from '../../analyses/when/analyseWhen.js';
import { analyseWho } from '../../analyses/who/analyseWho.js';
import { analyseDeprivation } from '../../analyses/deprivation/analyseDeprivation.js';
import { analyseCauses } from '../../analyses/causes/analyseCauses.js';
import { analyseHealthVsPolice } from '../../analyses/health/analyseHealthVsPolice.js';
import { analyseHotspots } from '../../analyses/hotspots/analyseHotspots.js';
import { hotspotGeoJson } from '../../analyses/hotspots/hotspotGeoJson.js';
import {
  filtersToSelection,
  parseArea,
  withFiltersCounting,
  type DashboardFilters,
} from '../../app/dashboard/dashboardFilters.js';
import type { IncidentCounting } from '../../analyses/counts/incidentCounting.js';
import type { Reporter } from '../../core/reporter.js';
import type { Workspace } from '../../store/openWorkspace.js';
// Each handler is typed with its answer as the web app reads it, so the two cannot drift apart.
import type {
  CausesAnswer,
  DeprivationAnswer,
  HealthVsPoliceAnswer,
  HotspotCellsAnswer,
  TrendsAnswer,
  WhenAnswer,
  WhoAnswer,
} from '../../api/index.js';
import { queryObject, type RouteContext } from '../routeContext.js';
import { FILTER_PROPERTIES, filtersOf, type FilterQuery } from './filterSchema.js';

export function registerAnalysisRoutes(ctx: RouteContext): void {
  const { pool } = ctx;
  const filters = queryObject(FILTER_PROPERTIES);
  const context = { cwd: ctx.cwd, reporter: ctx.reporter };
  /**
   * An analysis of the filters counted from the dashboard's aggregate when it holds their
   * definition, else from the records.
   */
  const counted = <T>(
    q: FilterQuery,
    run: (
      ws: Workspace,
      filters: DashboardFilters,
      context: { cwd: string; reporter: Reporter; counting?: IncidentCounting },
    ) => Promise<T>,
  ): Promise<T> =>
    pool.read((ws) => {
      const f = filtersOf(q);
      return withFiltersCounting(ws, f, ctx.dashboard, (counting) =>
        run(ws, f, { ...context, ...(counting === undefined ? {} : { counting }) }),
      );
    });

  ctx.get<FilterQuery>(
    {
      url: '/api/trends',
      access: 'live',
      summary:
        'monthly series with gaps, financial years and quarters, rolling 12 months, change between periods and the trend test, as `svd analyse trends --json`',
      querystring: filters,
    },
    (q): Promise<TrendsAnswer> =>
      pool.read((ws) =>
        dashboardTrends(ws, filtersOf(q), { ...ctx.dashboard, reporter: ctx.reporter }),
      ),
  );

  ctx.get<FilterQuery>(
    {
      url: '/api/when',
      access: 'live',
      summary:
        'hour × day-of-week matrix (ranges spread over their hours) and seasonal pattern, as `svd analyse when --json`',
      querystring: filters,
    },
    (q): Promise<WhenAnswer> =>
      counted(q, (ws, f, c) => analyseWhen(ws, filtersToSelection(f), {}, c)),
  );

  ctx.get<FilterQuery>(
    {
      url: '/api/who',
      access: 'live',
      summary:
        'victims and suspects by age band and sex, under-25, domestic, knife and location shares with intervals, as `svd analyse who --json`',
      querystring: filters,
    },
    (q): Promise<WhoAnswer> =>
      counted(q, (ws, f, c) => analyseWho(ws, filtersToSelection(f), {}, c)),
  );

  ctx.get<FilterQuery>(
    {
      url: '/api/deprivation',
      access: 'live',
      summary:
        'rates by IMD decile with the decile 1 : decile 10 ratio and correlations with the domains, as `svd analyse deprivation --json`',
      querystring: filters,
    },
    (q): Promise<DeprivationAnswer> =>
      counted(q, (ws, f, c) => {
        const area = f.area === undefined ? null : parseArea(f.area);
        // The area is where rates are given; it selects the LSOAs, not (twice) the incidents.
        const { area: _area, ...rest } = f;
        return analyseDeprivation(
          ws,
          filtersToSelection(rest),
          area === null ? {} : { within: { level: area.level, codes: [area.code] } },
          c,
        );
      }),
  );

  ctx.get<FilterQuery>(
    {
      url: '/api/causes',
      access: 'live',
      summary:
        'serious violence beside its risk and protective factors: association with each small-area indicator, the risk index and its quadrants, comparators and indicator trends, as `svd analyse causes --json`',
      querystring: filters,
    },
    (q): Promise<CausesAnswer> =>
      counted(q, (ws, f, c) => analyseCauses(ws, filtersToSelection(f), {}, c)),
  );

  ctx.get<FilterQuery>(
    {
      url: '/api/health-vs-police',
      access: 'health',
      summary:
        'A&E assault attendances (ISTV) beside police-recorded assaults with injury, by month and method, and the share unreported, as `svd analyse health-vs-police --json`',
      querystring: filters,
    },
    (q): Promise<HealthVsPoliceAnswer> =>
      counted(q, (ws, f, c) => analyseHealthVsPolice(ws, filtersToSelection(f), {}, c)),
  );

  // Hotspots over the area the filters name (the force area with data when none): Gi* with the
  // false discovery rate correction, the kernel density surface and the classes over time, with
  // every other choice svd's default, as `svd analyse hotspots --classify`.
  const hotspots = (q: FilterQuery) =>
    counted(q, async (ws, f, c) => {
      const { input: _input, ...analysis } = await analyseHotspots(
        ws,
        filtersToSelection(f),
        { classify: true },
        c,
      );
      return analysis;
    });

  ctx.get<FilterQuery>(
    {
      url: '/api/hotspots',
      access: 'live',
      summary:
        'grid counts, kernel density, Gi* hot and cold spots (false discovery rate), LSOAs, hotspot classes over time, concentration and repeat locations, as `svd analyse hotspots --classify --json`',
      querystring: filters,
    },
    (q) => hotspots(q),
  );

  ctx.get<FilterQuery>(
    {
      url: '/api/hotspots/cells',
      access: 'live',
      summary:
        'the hotspot grid cells as WGS84 GeoJSON with count, kde, Gi* and class, as `svd analyse hotspots --classify --geojson`',
      querystring: filters,
      produces: 'application/geo+json',
    },
    async (q): Promise<HotspotCellsAnswer> => {
      const a = await hotspots(q);
      return hotspotGeoJson(a.result, a.params);
    },
  );
}
