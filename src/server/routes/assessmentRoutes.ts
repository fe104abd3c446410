/**
 * The assessment of a signed-in reader (docs/decisions/0076-assessment-for-aggregate-readers.md):
 * the Strategic Needs Assessment of their partnership's area (or of the district their agreements
 * cover), drawn from the datasets they are granted only, every figure through disclosure control
 * at their agreements' minimum cell size. The one output a reader with aggregate access is given.
 * In local single-user mode, the partnership's public assessment.
 */
import path from 'node:path';
import { assessmentFor } from '../../app/access/assessmentView.js';
import { dashboardMeta } from '../../app/dashboard/dashboardMeta.js';
import { DEFAULT_PUBLIC_MINIMUM } from '../../core/disclosureMinimums.js';
import { silentReporter } from '../../core/reporter.js';
import { ResponseCache } from '../responseCache.js';
import { notPermitted } from '../accessGate.js';
import { queryObject, type RouteContext } from '../routeContext.js';

const DISTRICT = '^district:[EW][0-9]{8}$';

export function registerAssessmentRoutes(ctx: RouteContext): void {
  const { pool } = ctx;
  const cache = new ResponseCache(20);
  ctx.route(
    {
      method: 'GET',
      url: '/api/assessment',
      access: 'assessment',
      summary:
        "the Strategic Needs Assessment the reader's agreements give (HTML): their area, their datasets, every figure under disclosure control",
      querystring: queryObject({
        area: {
          type: 'string',
          maxLength: 40,
          pattern: DISTRICT,
          description:
            'district:CODE, one of the districts the agreements cover (when they name some)',
        },
      }),
      produces: 'text/html',
    },
    async (request, reply) => {
      const scope = ctx.scopeOf(request);
      const asked = (request.query as { area?: string }).area;
      const html = await pool.read(async (ws) => {
        let area: string;
        const districts = scope?.assessmentDistricts ?? null;
        if (districts !== null) {
          const allowed = districts.map((d) => `district:${d}`);
          if (districts.length === 0)
            throw notPermitted(
              'your agreements name no district in common',
              'ask your data-governance lead',
            );
          if (asked !== undefined && !allowed.includes(asked))
            throw notPermitted(
              `your agreements cover ${districts.join(', ')} only`,
              `choose one of: ${allowed.join(', ')}`,
            );
          area = (asked ?? allowed[0]!).replace(':', '=');
        } else {
          const meta = await dashboardMeta(ws, path.basename(pool.path));
          area = (asked ?? meta.defaultArea).replace(':', '=');
        }
        const sources = scope?.assessmentSources ?? ['police-uk', 'force-extract', 'istv'];
        const minimum = scope?.assessmentMinimum ?? DEFAULT_PUBLIC_MINIMUM;
        const key = `${pool.generation}|${area}|${[...sources].sort().join(',')}|${minimum}|${scope === null ? 'local' : 'partner'}`;
        return cache.get(key, async () => {
          const held = await heldDatasets(ws);
          return (
            await assessmentFor(
              ws,
              {
                area,
                minimum,
                sources: sources.filter((s) => held.includes(s)),
                // Shared with a partner under an agreement: marked, not a published document.
                ...(scope === null ? {} : { marking: 'OFFICIAL' }),
              },
              { cwd: ctx.cwd, reporter: silentReporter, clock: ctx.clock },
            )
          ).html;
        }) as Promise<string>;
      });
      void reply.header('Cache-Control', 'no-store');
      return reply.type('text/html; charset=utf-8').send(html);
    },
    { auditRead: true },
  );
}

/** The datasets the workspace holds records of (the assessment is asked for those only). */
async function heldDatasets(ws: Parameters<Parameters<RouteContext['pool']['read']>[0]>[0]) {
  const rows = await ws.db.all<{ source: string }>(
    `SELECT DISTINCT source FROM incidents
     UNION SELECT 'istv' WHERE EXISTS (SELECT 1 FROM ae_attendances) OR EXISTS (SELECT 1 FROM ae_attendance_counts)`,
  );
  return rows.map((r) => r.source);
}
