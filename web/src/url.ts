/** The page and its filters live in the address, so a view can be shared as a link. */
import { useEffect, useState } from 'react';

export const FILTER_KEYS = ['from', 'to', 'area', 'definition', 'tier', 'source'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

export interface Location {
  page: string;
  params: URLSearchParams;
}

function read(): Location {
  return { page: window.location.pathname, params: new URLSearchParams(window.location.search) };
}

const listeners = new Set<() => void>();

export function navigate(page: string, params: URLSearchParams, replace = false): void {
  const query = params.toString();
  const url = `${page}${query === '' ? '' : `?${query}`}`;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  listeners.forEach((l) => l());
}

export function useLocation(): Location {
  const [location, setLocation] = useState(read);
  useEffect(() => {
    const update = (): void => setLocation(read());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return location;
}

export function filtersFrom(params: URLSearchParams): Filters {
  const out: Filters = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v !== null && v !== '') out[k] = v;
  }
  return out;
}

/** The query string of the filters (and any page-specific parameters). */
export function filterParams(
  filters: Filters,
  extra: Record<string, string> = {},
): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = filters[k];
    if (v !== undefined && v !== '') p.set(k, v);
  }
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p;
}
