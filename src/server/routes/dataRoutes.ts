/** Endpoints of what the workspace holds: filters, overview, counts, map, coverage, batches, uploads. */
import { listBatches, batchMessages } from '../../store/listBatches.js';
import { usageError } from '../../core/errors.js';
import { getCoverage, parseCoverageDataset } from '../../analyses/coverage/getCoverage.js';
import { sourceCoverage } from '../../analyses/coverage/sourceCoverage.js';
import {
  countIncidents,
  labelCountRows,
  parseBy,
  parseWhere,
} from '../../analyses/counts/countIncidents.js';
import { DIMENSIONS } from '../../analyses/selection/dimensions.js';
import { dashboardMeta } from '../../app/dashboard/dashboardMeta.js';
import { dashboardOverview } from '../../app/dashboard/dashboardOverview.js';
import { areaBoundaries, dashboardMap, incidentPoints } from '../../app/dashboard/dashboardMap.js';
import { audited } from '../../app/audited.js';
import { ingestAttempt, uploadOutcome } from '../../app/auditEntries.js';
import { ingestUpload, parseUploadKind } from '../../app/ingestUpload.js';
import { definitionFor } from '../../app/dashboard/dashboardFilters.js';
import {
  TIER_DIMENSIONS,
  TIER_DIMENSION_NAMES,
  checkTierDimensions,
} from '../../definitions/tierDimensions.js';
import path from 'node:path';
// Each handler is typed with its answer as the web app reads it, so the two cannot drift apart.
import type {
  AreaFeatureCollection,
  BatchMessageRow,
  BatchRow,
  CoverageAnswer,
  DashboardMap,
  DashboardMeta,
  DashboardOverview,
  PointsAnswer,
  UploadAnswer,
} from '../../api/index.js';
import { DASHBOARD_ACTOR, queryObject, type RouteContext } from '../routeContext.js';
import { FILTER_PROPERTIES, filtersOf, type FilterQuery } from './filterSchema.js';

export function registerDataRoutes(ctx: RouteContext): void {
  const { pool } = ctx;
  const filters = queryObject(FILTER_PROPERTIES);

  ctx.get(
    {
      url: '/api/meta',
      summary:
        'what the filters can offer: months, areas of the partnership, classified definitions and their tiers, sources',
    },
    async (): Promise<DashboardMeta> => ({
      ...(await pool.read((ws) => dashboardMeta(ws, path.basename(pool.path)))),
      access: ctx.access,
    }),
  );

  ctx.get<FilterQuery>(
    {
      url: '/api/overview',
      summary:
        'serious violence by tier under the definition, monthly series, success measures, sources and their coverage and freshness',
      querystring: filters,
    },
    (q): Promise<DashboardOverview> =>
      pool.read((ws) => dashboardOverview(ws, filtersOf(q), ctx.dashboard)),
  );

  ctx.get<{ by: string; where?: string[]; definition?: string }>(
    {
      url: '/api/counts',
      summary: 'incidents counted by dimensions, exactly as `svd counts --json`',
      querystring: queryObject(
        {
          by: { type: 'string', maxLength: 200, description: 'comma-separated dimensions' },
          where: {
            type: 'array',
            items: { type: 'string', maxLength: 300 },
            maxItems: 20,
            description: 'DIM=VALUE filters (repeatable), DIM=A..B for a range of months',
          },
          definition: FILTER_PROPERTIES['definition']!,
        },
        ['by'],
      ),
    },
    (q) =>
      pool.read(async (ws) => {
        const dimensions =
          q.definition === undefined ? DIMENSIONS : [...DIMENSIONS, ...TIER_DIMENSIONS];
        const by = parseBy(q.by, dimensions);
        const where = parseWhere(q.where ?? [], dimensions);
        const named = [...by, ...where.map((w) => w.dimension)];
        if (q.definition === undefined && named.some((n) => TIER_DIMENSION_NAMES.includes(n)))
          throw usageError(
            'NEEDS_DEFINITION',
            `${named.find((n) => TIER_DIMENSION_NAMES.includes(n))} needs --definition: tiers exist only under a definition`,
            'add e.g. --definition thames-valley-vru (after `svd classify --definition thames-valley-vru`)',
          );
        checkTierDimensions(named);
        const definition =
          q.definition === undefined
            ? undefined
            : await definitionFor(ws, q.definition, ctx.dashboard);
        const result = await countIncidents(
          ws,
          { by, where },
          { dimensions, ...(definition === undefined ? {} : { params: definition.params }) },
        );
        return labelCountRows(result.rows, definition?.meta);
      }),
  );

  ctx.get<FilterQuery>(
    {
      url: '/api/map',
      summary:
        'incidents and rates per 1,000 residents by LSOA 2011 with exact Poisson intervals, as `svd rates --by lsoa11`',
      querystring: filters,
    },
    (q): Promise<DashboardMap> =>
      pool.read((ws) =>
        dashboardMap(ws, filtersOf(q), { ...ctx.dashboard, reporter: ctx.reporter }),
      ),
  );

  ctx.get<{ area?: string }>(
    {
      url: '/api/boundaries',
      summary: 'LSOA 2011 boundaries of an area as WGS84 GeoJSON, from the workspace',
      querystring: queryObject({ area: FILTER_PROPERTIES['area']! }),
      produces: 'application/geo+json',
    },
    (q): Promise<AreaFeatureCollection> =>
      pool.read((ws) =>
        areaBoundaries(ws, q.area === undefined || q.area === 'all' ? undefined : q.area),
      ),
  );

  ctx.get<FilterQuery>(
    {
      url: '/api/points',
      summary:
        'located incidents of the selection grouped by map point (police.uk points are snapped: approximate)',
      querystring: filters,
    },
    (q): Promise<PointsAnswer> =>
      pool.read((ws) => incidentPoints(ws, filtersOf(q), ctx.dashboard)),
  );

  ctx.get<{ dataset?: string }>(
    {
      url: '/api/coverage',
      summary:
        'force × month rows held (missing = never ingested, not zero), as `svd coverage --json`, and the months of every source',
      querystring: queryObject({
        dataset: { type: 'string', enum: ['street', 'outcomes', 'stop-and-search'] },
      }),
    },
    (q): Promise<CoverageAnswer> =>
      pool.read(async (ws) => ({
        policeUk: await getCoverage(ws, parseCoverageDataset(q.dataset ?? 'street')),
        sources: await sourceCoverage(ws),
      })),
  );

  ctx.get(
    {
      url: '/api/batches',
      summary: 'every ingested file with its provenance, as `svd batches --json`',
    },
    (): Promise<BatchRow[]> => pool.read((ws) => listBatches(ws)),
  );

  ctx.get<{ id: number }>(
    {
      url: '/api/batches/:id/messages',
      summary: "a batch's validation report: errors, warnings and notes as stored",
      params: queryObject({ id: { type: 'integer', minimum: 1 } }, ['id']),
    },
    (_q, request): Promise<BatchMessageRow[]> =>
      pool.read((ws) => batchMessages(ws, (request.params as { id: number }).id)),
  );

  ctx.route(
    {
      method: 'POST',
      url: '/api/uploads',
      summary:
        'ingest one file (the request body, as it is) as `svd ingest KIND` would; then place and classify the new records',
      querystring: queryObject(
        {
          kind: { type: 'string', enum: ['police-uk', 'force-extract', 'istv'] },
          name: {
            type: 'string',
            minLength: 1,
            maxLength: 200,
            description: 'the file name (its extension tells CSV, XLSX, ODS, ZIP)',
          },
          mapping: {
            type: 'string',
            maxLength: 60,
            pattern: '^[a-z0-9-]+$',
            description: 'a built-in column mapping (force extracts; default svd-synthetic)',
          },
          maxErrors: { type: 'integer', minimum: 0, maximum: 1000000 },
        },
        ['kind', 'name'],
      ),
      body: { type: 'string', format: 'binary' },
      bodyType: 'application/octet-stream',
    },
    async (request): Promise<UploadAnswer> => {
      const q = request.query as {
        kind: string;
        name: string;
        mapping?: string;
        maxErrors?: number;
      };
      const kind = parseUploadKind(q.kind);
      if (!pool.writable)
        // The same refusal pool.write gives, before the body is read.
        await pool.write(async () => undefined);
      return ctx.withUploadedFile(request, q.name, (file) =>
        pool.write((ws) =>
          audited(
            ws,
            {
              actor: DASHBOARD_ACTOR,
              action: 'upload',
              attempt: ingestAttempt(kind, [file]),
              clock: ctx.clock,
            },
            () =>
              ingestUpload(ws, {
                kind,
                file,
                reporter: ctx.reporter,
                ...(q.mapping === undefined ? {} : { mapping: q.mapping }),
                ...(q.maxErrors === undefined ? {} : { maxErrors: q.maxErrors }),
              }),
            uploadOutcome,
          ),
        ),
      );
    },
    { bodyLimit: ctx.maxUploadBytes },
  );
}
