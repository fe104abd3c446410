/**
 * What a dashboard needs to offer its filters: the months held, the areas of the partnership
 * configuration (partnerships, their districts, the force area), the definitions classified in
 * the workspace with their tiers, the sources, and whether any synthetic batch is held.
 */
import { definitionMeta, latestRuns } from '../../definitions/classificationRuns.js';
import { loadStoredDefinition } from '../../definitions/storeDefinition.js';
import { storedPartnershipConfig } from '../../geo/partnershipConfig.js';
import { SOFTWARE_VERSION } from '../../core/version.js';
import { SQL_BATCH_IN_USE } from '../../store/batchStatus.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type { AreaOption, ClassifiedDefinition, DashboardMeta } from '../../api/dashboard.js';
import { STATUS_LABELS } from '../../strategy/formatMeasure.js';

/** The definition used when none is named: the partnership's own, else the first classified. */
export const PREFERRED_DEFINITIONS = ['thames-valley-vru', 'home-office-success-measures'];

/** The workspace's part of `/api/meta`; how it is reached (`access`) is the server's to add. */
export async function dashboardMeta(
  ws: Workspace,
  workspaceName: string,
): Promise<Omit<DashboardMeta, 'access'>> {
  const months = await ws.db.one<{ first: string | null; last: string | null }>(
    `SELECT strftime(min(month), '%Y-%m') AS first, strftime(max(month), '%Y-%m') AS last FROM incidents`,
  );
  const areas: AreaOption[] = [];
  const config = await storedPartnershipConfig(ws);
  if (config !== undefined) {
    const names = new Map(
      (
        await ws.db.all<{ code: string; name: string | null }>(
          `SELECT code, name FROM geo_area_list WHERE level = 'district'`,
        )
      ).map((r) => [r.code, r.name]),
    );
    const seen = new Set<string>();
    for (const p of config.config.partnerships) {
      areas.push({
        value: `csp:${p.code}`,
        level: 'csp',
        code: p.code,
        name: p.name,
        within: p.within ?? null,
      });
      if (p.within === undefined)
        for (const d of p.districts) {
          if (seen.has(d)) continue;
          seen.add(d);
          areas.push({
            value: `district:${d}`,
            level: 'district',
            code: d,
            name: names.get(d) ?? d,
            within: p.code,
          });
        }
    }
    const forces = await ws.db.all<{ force: string }>(`SELECT DISTINCT force FROM incidents`);
    for (const f of config.config.forces)
      if (forces.some((x) => x.force === f.code))
        areas.push({
          value: `force:${f.code}`,
          level: 'force',
          code: f.code,
          name: `${f.name} (force area)`,
          within: null,
        });
  }
  const definitions: ClassifiedDefinition[] = [];
  for (const run of await latestRuns(ws)) {
    const d = await loadStoredDefinition(ws, run.definition_id, run.version);
    if (d === undefined || d.contentHash !== run.content_hash) continue;
    definitions.push({
      ...definitionMeta(d),
      classifiedAt: run.classified_at,
      tiers: d.file.tiers.map((t) => ({ id: t.id, label: t.label })),
    });
  }
  // Only the newest classified version of each id is offered by its bare id.
  const preferred =
    PREFERRED_DEFINITIONS.map((id) => definitions.filter((d) => d.id === id).at(-1)).find(
      (d) => d !== undefined,
    ) ?? definitions[0];
  const sources = await ws.db.all<{ source: string; records: number; synthetic: boolean }>(
    `SELECT i.source, count(*) AS records, coalesce(bool_or(b.synthetic), false) AS synthetic
       FROM incidents i JOIN batches b ON b.batch_id = i.batch_id GROUP BY 1 ORDER BY 1`,
  );
  const ae = await ws.db.one<{ n: number; synthetic: boolean }>(
    `SELECT count(*) AS n, coalesce(bool_or(b.synthetic), false) AS synthetic
       FROM ae_attendances a JOIN batches b ON b.batch_id = a.batch_id`,
  );
  if (ae !== undefined && ae.n > 0)
    sources.push({ source: 'istv', records: ae.n, synthetic: ae.synthetic });
  const counts = await ws.db.one<{ synthetic: number; shapes: number; population: number }>(
    `SELECT (SELECT count(*) FROM batches WHERE synthetic AND ${SQL_BATCH_IN_USE}) AS synthetic,
            (SELECT count(*) FROM geo_areas WHERE level = 'lsoa11' AND shape IS NOT NULL) AS shapes,
            (SELECT count(*) FROM population_datasets) AS population`,
  );
  const top = areas.find((a) => a.level === 'csp' && a.within === null);
  return {
    software: SOFTWARE_VERSION,
    workspace: workspaceName,
    months: { first: months?.first ?? null, last: months?.last ?? null },
    areas,
    defaultArea: top?.value ?? 'all',
    definitions,
    defaultDefinition: preferred === undefined ? null : preferred.id,
    defaultTier: preferred?.tiers[0]?.id ?? null,
    defaultSource:
      sources.find((s) => s.source === 'force-extract')?.source ??
      sources.find((s) => s.source !== 'istv')?.source ??
      null,
    sources,
    syntheticBatches: counts?.synthetic ?? 0,
    hasBoundaries: (counts?.shapes ?? 0) > 0,
    hasPopulation: (counts?.population ?? 0) > 0,
    targetStatusLabels: STATUS_LABELS,
  };
}
