import { listShippedDefinitions, listStoredDefinitions } from '../../app/listDefinitions.js';
/** Endpoints of the definitions: list, readable form, sample records, explain a record, what-if. */
import { compileDefinition } from '../../definitions/compileDefinition.js';
import { describeDefinition } from '../../definitions/describeDefinition.js';
import { explainStoredRecord } from '../../definitions/explainStoredRecord.js';
import { definitionError, readDefinitionText } from '../../definitions/readDefinition.js';
import { resolveDefinition } from '../../definitions/resolveDefinition.js';
import { parseWhatIfBy, whatIf, WHATIF_DIMENSIONS } from '../../analyses/whatIf/whatIf.js';
import { parseWhere } from '../../analyses/counts/countIncidents.js';
import { sampleRecords } from '../../app/dashboard/sampleRecords.js';
// Each handler is typed with its answer as the web app reads it, so the two cannot drift apart.
import type {
  DefinitionAnswer,
  ExplainAnswer,
  SampleRecord,
  WhatIfAnswer,
} from '../../api/index.js';
import { queryObject, type RouteContext } from '../routeContext.js';
import { holdWhere, notPermitted } from '../accessGate.js';
import { readsWholeWorkspace, recordPlace } from '../../app/access/readerScope.js';
import { FILTER_PROPERTIES, filtersOf, type FilterQuery } from './filterSchema.js';

const DEFINITION_ID = FILTER_PROPERTIES['definition']!;
/** The largest proposed definition accepted (the shipped ones are a few kilobytes). */
export const MAX_PROPOSAL_CHARS = 200_000;

export function registerDefinitionRoutes(ctx: RouteContext): void {
  const { pool } = ctx;

  ctx.get(
    {
      url: '/api/definitions',
      access: 'signed-in',
      summary:
        'the shipped definitions and the versions stored in the workspace, as `svd definitions list --json`',
    },
    (_q, request) =>
      pool.read(async (ws) => {
        const scope = ctx.scopeOf(request);
        const stored = await listStoredDefinitions(ws);
        return {
          shipped: listShippedDefinitions(),
          // How many records each classified counts the whole workspace: only for readers of all of it.
          workspace:
            scope === null || readsWholeWorkspace(scope)
              ? stored
              : stored.map((d) => ({ ...d, records_classified: null, in_tiers: null })),
        };
      }),
  );

  ctx.get<{ spec: string }>(
    {
      url: '/api/definitions/:spec',
      access: 'signed-in',
      summary:
        'a definition in readable form: tiers, rules in plain words, exclusions, offence codes',
      params: queryObject({ spec: DEFINITION_ID }, ['spec']),
    },
    (_q, request): Promise<DefinitionAnswer> =>
      pool.read(async (ws) => {
        const spec = (request.params as { spec: string }).spec;
        const resolved = await resolveDefinition(spec, { ws, cwd: ctx.cwd });
        return {
          ...describeDefinition(resolved.definition),
          source: resolved.source,
          notes: resolved.notes,
        };
      }),
  );

  ctx.get<FilterQuery & { limit?: number }>(
    {
      url: '/api/records',
      access: 'records',
      summary: 'a few records of the selection (id, source, month, offence, tier), newest first',
      querystring: queryObject({
        ...FILTER_PROPERTIES,
        limit: { type: 'integer', minimum: 1, maximum: 200 },
      }),
    },
    (q): Promise<SampleRecord[]> =>
      pool.read((ws) =>
        sampleRecords(ws, filtersOf(q), { ...ctx.dashboard, limit: q.limit ?? 25 }),
      ),
  );

  ctx.get<{ definition: string }>(
    {
      url: '/api/explain/:id',
      access: 'records',
      summary:
        'why a record is in its tier: rules matched, nearly matched and why not, as `svd explain --json`',
      params: queryObject({ id: { type: 'integer', minimum: 1 } }, ['id']),
      querystring: queryObject({ definition: DEFINITION_ID }, ['definition']),
    },
    (q, request): Promise<ExplainAnswer> =>
      pool.read(async (ws) => {
        const scope = ctx.scopeOf(request);
        if (scope !== null) {
          // One record, whole: only of a source and district the reader may see so.
          const place = await recordPlace(ws, (request.params as { id: number }).id);
          if (
            place === undefined ||
            !scope.wholeRecordSources.includes(place.source) ||
            (scope.districts !== null &&
              (place.district === null || !scope.districts.includes(place.district)))
          )
            throw notPermitted(
              `record ${(request.params as { id: number }).id} is not one you may see`,
              'choose a record from the records of your selection',
            );
        }
        const {
          notes: _notes,
          warnings: _warnings,
          ...shown
        } = await explainStoredRecord(
          ws,
          (request.params as { id: number }).id,
          q.definition,
          ctx.cwd,
        );
        return shown;
      }),
  );

  ctx.route(
    {
      method: 'POST',
      url: '/api/whatif',
      access: 'live',
      summary:
        'every record classified under the base definition and under a proposal (its YAML text); the records that change tier, as `svd whatif --json`',
      body: {
        type: 'object',
        properties: {
          base: DEFINITION_ID,
          proposal: { type: 'string', minLength: 1, maxLength: MAX_PROPOSAL_CHARS },
          by: { type: 'array', items: { type: 'string', maxLength: 40 }, maxItems: 5 },
          where: { type: 'array', items: { type: 'string', maxLength: 300 }, maxItems: 20 },
        },
        required: ['base', 'proposal'],
        additionalProperties: false,
      },
    },
    async (request): Promise<WhatIfAnswer> => {
      const body = request.body as {
        base: string;
        proposal: string;
        by?: string[];
        where?: string[];
      };
      const read = readDefinitionText(body.proposal, 'proposal');
      if (read.definition === undefined) throw definitionError('the proposal', read.issues);
      const proposal = read.definition;
      const by = parseWhatIfBy(body.by?.join(','));
      const where = parseWhere(
        holdWhere(body.where ?? [], ctx.scopeOf(request)),
        WHATIF_DIMENSIONS,
      );
      return pool.read(async (ws) => {
        const base = await resolveDefinition(body.base, { ws, cwd: ctx.cwd });
        const result = await whatIf(
          ws,
          compileDefinition(base.definition),
          compileDefinition(proposal),
          { by, where },
        );
        return { ...result, warnings: read.issues.map((i) => i.message) };
      });
    },
    { auditRead: true },
  );
}
