/** The query parameters of the dashboard's filters, as the JSON Schema requests are checked with. */
import type { DashboardFilters } from '../../app/dashboard/dashboardFilters.js';

const MONTH = '^\\d{4}-(0[1-9]|1[0-2])$';

export const FILTER_PROPERTIES: Record<string, Record<string, unknown>> = {
  from: { type: 'string', pattern: MONTH, description: 'first month, YYYY-MM' },
  to: { type: 'string', pattern: MONTH, description: 'last month, YYYY-MM' },
  area: {
    type: 'string',
    maxLength: 120,
    pattern: '^(all|(district|csp|force):[A-Za-z0-9_-]{1,100})$',
    description: 'LEVEL:CODE (district, csp or force), or all',
  },
  // A definition id only: the server never reads a definition file named by a request.
  definition: {
    type: 'string',
    maxLength: 120,
    pattern: '^[a-z0-9]+(-[a-z0-9]+)*(@[0-9]{1,6})?$',
    description: 'a classified definition: ID or ID@VERSION',
  },
  tier: {
    type: 'string',
    maxLength: 100,
    pattern: '^[a-z0-9-]+$',
    description: 'a tier of the definition, or all (every record, whatever its tier)',
  },
  source: {
    type: 'string',
    maxLength: 50,
    pattern: '^[a-z0-9-]+$',
    description: 'police-uk, force-extract, …',
  },
};

export type FilterQuery = Partial<Record<keyof DashboardFilters, string>>;

/** The filters of a query, leaving out empty values, `area=all` and `tier=all`. */
export function filtersOf(query: FilterQuery): DashboardFilters {
  const out: DashboardFilters = {};
  for (const key of ['from', 'to', 'area', 'definition', 'tier', 'source'] as const) {
    const value = query[key];
    if (
      value !== undefined &&
      value !== '' &&
      !((key === 'area' || key === 'tier') && value === 'all')
    )
      out[key] = value;
  }
  return out;
}
