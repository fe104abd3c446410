/**
 * Where each emergency department (A&E site) lies: its district from the `sites` of the stored
 * partnership configuration (or from `--site-area`), and through the district the partnerships
 * and force areas it belongs to. A&E data carry no location beyond the site, so this is what lets
 * A&E figures follow a selection by area; a site with no known area is never silently counted in
 * one (see docs/decisions/0060-area-of-figures.md).
 */
import { storedPartnershipConfig } from '../../geo/partnershipConfig.js';
import type { AreaLevel } from '../../geo/levels.js';
import type { SelectionArea } from '../../geo/selectionAreas.js';
import type { Workspace } from '../../store/openWorkspace.js';

export interface SiteArea {
  site: string;
  /** The hospital's name, from the partnership configuration. */
  name: string | null;
  /** The codes of the areas the site lies in, by level; a partnership list runs innermost first. */
  areas: Partial<Record<AreaLevel, string[]>>;
  /** Where the areas come from, or null when none is known. */
  source: 'partnership configuration' | '--site-area' | null;
}

/**
 * The areas of these sites. Areas given for a site (at `level`) take the place of those of the
 * configuration; a district, given or configured, brings its partnerships and force areas.
 */
export async function siteAreas(
  ws: Workspace,
  sites: readonly string[],
  given: { level: AreaLevel; areas: Record<string, string> },
): Promise<Map<string, SiteArea>> {
  const stored = await storedPartnershipConfig(ws);
  const config = stored?.config;
  const partnerships = [...(config?.partnerships ?? [])].sort(
    (a, b) => a.districts.length - b.districts.length,
  );
  const forces = config?.forces ?? [];
  const fromDistrict = (d: string): Partial<Record<AreaLevel, string[]>> => ({
    district: [d],
    csp: partnerships.filter((p) => p.districts.includes(d)).map((p) => p.code),
    force: forces.filter((f) => f.districts.includes(d)).map((f) => f.code),
  });
  const out = new Map<string, SiteArea>();
  for (const site of sites) {
    const configured = config?.sites.find((s) => s.code === site);
    const name = configured?.name ?? null;
    const code = given.areas[site];
    if (code !== undefined) {
      let areas: Partial<Record<AreaLevel, string[]>>;
      if (given.level === 'district') areas = fromDistrict(code);
      else if (given.level === 'csp') {
        // A partnership brings those it lies within.
        const chain = [code];
        let up = partnerships.find((p) => p.code === code)?.within;
        while (up !== undefined && !chain.includes(up)) {
          chain.push(up);
          up = partnerships.find((p) => p.code === up)?.within;
        }
        areas = { csp: chain };
      } else areas = { [given.level]: [code] };
      out.set(site, { site, name, areas, source: '--site-area' });
    } else if (configured !== undefined)
      out.set(site, {
        site,
        name,
        areas: fromDistrict(configured.district),
        source: 'partnership configuration',
      });
    else out.set(site, { site, name, areas: {}, source: null });
  }
  return out;
}

/**
 * Whether a site lies in the area of a selection filter: yes, no, or unknown (no area known at
 * the filter's level — none at all, or only coarser ones, as for a district's site and a filter
 * by ward).
 */
export function siteInArea(site: SiteArea, area: SelectionArea): 'in' | 'out' | 'unknown' {
  const codes = site.areas[area.level];
  if (codes === undefined || codes.length === 0) {
    // A site known to lie in no partnership or force of the configuration lies outside them.
    if ((area.level === 'csp' || area.level === 'force') && site.areas.district !== undefined)
      return 'out';
    return 'unknown';
  }
  return codes.some((c) => area.codes.includes(c)) ? 'in' : 'out';
}

/** Whether a site lies in every area of the selection. */
export function siteInAreas(
  site: SiteArea,
  areas: readonly SelectionArea[],
): 'in' | 'out' | 'unknown' {
  const each = areas.map((a) => siteInArea(site, a));
  if (each.includes('out')) return 'out';
  if (each.includes('unknown')) return 'unknown';
  return 'in';
}
