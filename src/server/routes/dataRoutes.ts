/** Endpoints of what the workspace holds: filters, overview, counts, map, coverage, batches, uploads. */
import { listBatches, batchMessages } from '../../store/listBatches.js';
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
import { suppliedBy } from '../../app/supplier.js';
import { silentReporter } from '../../core/reporter.js';
import { definitionFor } from '../../app/dashboard/dashboardFilters.js';
import {
  TIER_DIMENSIONS,
  refuseTiersWithoutDefinition,
  whereNames,
  checkTierDimensions,
} from '../../definitions/tierDimensions.js';
import path from 'node:path';
import { datasetKindOf } from '../../access/agreementFile.js';
import { INCIDENT_SOURCE_DATASETS, isDataKind } from '../../app/access/readerScope.js';
import { holdPoliceUkCoverage, holdSourceCoverage } from '../../app/access/heldCoverage.js';
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
import { queryObject, type RouteContext } from '../routeContext.js';
import { uploadsOff } from '../workspacePool.js';
import { actorOf, holdWhere, notPermitted } from '../accessGate.js';
import { FILTER_PROPERTIES, filtersOf, type FilterQuery } from './filterSchema.js';

export function registerDataRoutes(ctx: RouteContext): void {
  const { pool } = ctx;
  const filters = queryObject(FILTER_PROPERTIES);

  ctx.get(
    {
      url: '/api/meta',
      access: 'live',
      summary:
        'what the filters can offer: months, areas of the partnership, classified definitions and their tiers, sources',
    },
    async (_q, request): Promise<DashboardMeta> => {
      const meta = await pool.read((ws) => dashboardMeta(ws, path.basename(pool.path)));
      const scope = ctx.scopeOf(request);
      if (scope === null) return { ...meta, access: ctx.access };
      // A signed-in reader is offered the sources and areas their agreements give, no others.
      const sources = meta.sources.filter((s) => scope.recordSources.includes(s.source));
      const areas =
        scope.districts === null
          ? meta.areas
          : meta.areas.filter((a) => scope.districts!.some((d) => a.value === `district:${d}`));
      return {
        ...meta,
        access: ctx.access,
        sources,
        areas,
        defaultSource:
          meta.defaultSource !== null && scope.recordSources.includes(meta.defaultSource)
            ? meta.defaultSource
            : (sources[0]?.source ?? null),
        defaultArea: areas.some((a) => a.value === meta.defaultArea)
          ? meta.defaultArea
          : (areas[0]?.value ?? 'all'),
      };
    },
  );

  ctx.get<FilterQuery>(
    {
      url: '/api/overview',
      access: 'live',
      summary:
        'serious violence by tier under the definition, monthly series, success measures, sources and their coverage and freshness',
      querystring: filters,
    },
    (q, request): Promise<DashboardOverview> =>
      pool.read(async (ws) => {
        const overview = await dashboardOverview(ws, filtersOf(q), ctx.dashboard);
        const scope = ctx.scopeOf(request);
        return scope === null
          ? overview
          : { ...overview, coverage: await holdSourceCoverage(ws, overview.coverage, scope) };
      }),
  );

  ctx.get<{ by: string; where?: string[]; definition?: string }>(
    {
      url: '/api/counts',
      access: 'live',
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
    (q, request) =>
      pool.read(async (ws) => {
        const dimensions =
          q.definition === undefined ? DIMENSIONS : [...DIMENSIONS, ...TIER_DIMENSIONS];
        const held = holdWhere(q.where ?? [], ctx.scopeOf(request));
        refuseTiersWithoutDefinition(
          [...q.by.split(','), ...whereNames(held)],
          q.definition,
          'definition=',
        );
        const by = parseBy(q.by, dimensions);
        const where = parseWhere(held, dimensions);
        const named = [...by, ...where.map((w) => w.dimension)];
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
      access: 'live',
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
      access: 'signed-in',
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
      access: 'records',
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
      access: 'live',
      summary:
        'force × month rows held (missing = never ingested, not zero), as `svd coverage --json`, and the months of every source',
      querystring: queryObject({
        dataset: { type: 'string', enum: ['street', 'outcomes', 'stop-and-search'] },
      }),
    },
    (q, request): Promise<CoverageAnswer> =>
      pool.read(async (ws) => {
        const policeUk = await getCoverage(ws, parseCoverageDataset(q.dataset ?? 'street'));
        const sources = await sourceCoverage(ws);
        const scope = ctx.scopeOf(request);
        return scope === null
          ? { policeUk, sources }
          : {
              policeUk: holdPoliceUkCoverage(policeUk, scope),
              sources: await holdSourceCoverage(ws, sources, scope),
            };
      }),
  );

  ctx.get(
    {
      url: '/api/batches',
      access: 'live',
      summary: 'every ingested file with its provenance, as `svd batches --json`',
    },
    async (_q, request): Promise<BatchRow[]> => {
      // The file's name only: where it lay on the server is nobody's business.
      const batches = (await pool.read((ws) => listBatches(ws))).map((b) => ({
        ...b,
        file_path: path.basename(b.file_path),
      }));
      const scope = ctx.scopeOf(request);
      return scope === null ? batches : batches.filter((b) => batchVisible(b, scope));
    },
  );

  ctx.get<{ id: number }>(
    {
      url: '/api/batches/:id/messages',
      access: 'live',
      summary: "a batch's validation report: errors, warnings and notes as stored",
      params: queryObject({ id: { type: 'integer', minimum: 1 } }, ['id']),
    },
    async (_q, request): Promise<BatchMessageRow[]> => {
      const id = (request.params as { id: number }).id;
      const scope = ctx.scopeOf(request);
      if (scope !== null) {
        // Messages quote the file's rows: only for the supplier and readers of its records whole.
        const batch = (await pool.read((ws) => listBatches(ws))).find((b) => b.batch_id === id);
        if (batch === undefined || !batchVisible(batch, scope, true))
          throw notPermitted(
            `batch ${id} is not one whose records you may see`,
            'ask the organisation that supplied it',
          );
      }
      return pool.read((ws) => batchMessages(ws, id));
    },
  );

  ctx.route(
    {
      method: 'POST',
      url: '/api/uploads',
      access: 'upload',
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
      // Before the body is read.
      if (!ctx.uploadsAllowed) throw uploadsOff();
      return ctx.withUploadedFile(request, q.name, (file) =>
        pool.write((ws) =>
          audited(
            ws,
            {
              actor: actorOf(ctx.gate.known(request)),
              action: 'upload',
              attempt: ingestAttempt(kind, [file]),
              clock: ctx.clock,
            },
            () =>
              // A signed-in user's upload is their organisation's data (its controller).
              suppliedBy(ws, ctx.scopeOf(request)?.organisation, silentReporter, () =>
                ingestUpload(ws, {
                  kind,
                  file,
                  reporter: ctx.reporter,
                  ...(q.mapping === undefined ? {} : { mapping: q.mapping }),
                  ...(q.maxErrors === undefined ? {} : { maxErrors: q.maxErrors }),
                }),
              ),
            uploadOutcome,
          ),
        ),
      );
    },
    { bodyLimit: ctx.maxUploadBytes },
  );
}

/**
 * Whether a signed-in reader sees a batch in the list: their own organisation's, or a dataset they
 * read at record level (`whole`: records whole, for its messages, which quote rows). Reference
 * data (boundaries, lookups, population) is open data and always listed.
 */
function batchVisible(
  batch: BatchRow,
  scope: NonNullable<ReturnType<RouteContext['scopeOf']>>,
  whole = false,
): boolean {
  if (batch.controller !== null && batch.controller === scope.organisation) return true;
  const dataset = datasetKindOf(batch.source_kind);
  const access = scope.datasets.find((d) => d.dataset === dataset);
  if (access === undefined) return !isDataKind(batch.source_kind);
  const sources = whole ? scope.wholeRecordSources : scope.recordSources;
  return Object.entries(INCIDENT_SOURCE_DATASETS).some(
    ([source, kind]) => kind === dataset && sources.includes(source),
  );
}
