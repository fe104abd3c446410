/**
 * After the server starts, it answers the questions each page asks first — the workspace's
 * default view — once, in the background, so that the first person to open the dashboard finds
 * them ready (at ten million incidents they take seconds each; see
 * docs/decisions/0043-dashboard-caching.md). Requests that arrive meanwhile share the work.
 */
import type { FastifyInstance } from 'fastify';
import type { Reporter } from '../core/reporter.js';

interface MetaDefaults {
  defaultArea: string;
  defaultDefinition: string | null;
  defaultTier: string | null;
  defaultSource: string | null;
}

/** `host`: a name the server answers to (the Host check covers these requests too). */
export async function warmUp(
  app: FastifyInstance,
  reporter: Reporter,
  host: string,
): Promise<number> {
  const started = performance.now();
  const headers = { host };
  const meta = await app.inject({ method: 'GET', url: '/api/meta', headers });
  if (meta.statusCode !== 200) return 0;
  const m = meta.json() as MetaDefaults;
  const filters = new URLSearchParams();
  if (m.defaultArea !== 'all') filters.set('area', m.defaultArea);
  if (m.defaultDefinition !== null) filters.set('definition', m.defaultDefinition);
  // In the order the pages write them (web/src/url.ts), so that the cached answers are theirs.
  if (m.defaultDefinition !== null && m.defaultTier !== null) filters.set('tier', m.defaultTier);
  if (m.defaultSource !== null) filters.set('source', m.defaultSource);
  const withoutTier = new URLSearchParams(filters);
  withoutTier.delete('tier');
  const area = new URLSearchParams(m.defaultArea === 'all' ? {} : { area: m.defaultArea });
  const urls = [
    `/api/overview?${filters.toString()}`,
    `/api/map?${filters.toString()}`,
    `/api/boundaries?${area.toString()}`,
    `/api/points?${filters.toString()}`,
    `/api/trends?${filters.toString()}`,
    `/api/when?${filters.toString()}`,
    `/api/who?${filters.toString()}`,
    // The health page compares all assaults with injury, whatever their tier.
    `/api/health-vs-police?${withoutTier.toString()}`,
    `/api/deprivation?${filters.toString()}`,
    `/api/causes?${filters.toString()}`,
    `/api/coverage`,
    `/api/batches`,
  ];
  if (m.defaultDefinition !== null) {
    const records = new URLSearchParams(filters);
    records.set('limit', '12');
    urls.push(`/api/definitions/${m.defaultDefinition}`, `/api/records?${records.toString()}`);
  }
  for (const url of urls) await app.inject({ method: 'GET', url, headers });
  const seconds = (performance.now() - started) / 1000;
  reporter.info(`the default view of each page is ready (${seconds.toFixed(1)} s)`);
  return seconds;
}
