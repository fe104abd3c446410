import { useEffect, type MouseEvent } from 'react';
import { getJson } from './api';
import { FiltersBar } from './components/FiltersBar';
import { definitionOf } from './components/CountingLine';
import { Show } from './components/Status';
import { SyntheticBanner } from './components/SyntheticBanner';
import type { DashboardMeta } from '@api';
import { filtersFrom, navigate, useLocation, type FilterKey, type Filters } from './url';
import { useApi } from './useApi';
import { OverviewPage } from './pages/OverviewPage';
import { MapPage } from './pages/MapPage';
import { DefinitionsPage } from './pages/DefinitionsPage';
import { DataPage } from './pages/DataPage';
import { ANALYSIS_PAGES, STRATEGY_PAGES } from './pages/pageList';
import type { PageEntry } from './pageProps';

const PAGES: PageEntry[] = [
  { path: '/', title: 'Overview', render: (p) => <OverviewPage {...p} /> },
  { path: '/map', title: 'Map', render: (p) => <MapPage {...p} /> },
  ...ANALYSIS_PAGES,
  { path: '/definitions', title: 'Definitions', render: (p) => <DefinitionsPage {...p} /> },
  { path: '/data', title: 'Data', render: (p) => <DataPage {...p} /> },
  ...STRATEGY_PAGES,
];

/** The filters with the workspace's defaults filled in where the address says nothing. */
function withDefaults(params: URLSearchParams, meta: DashboardMeta): URLSearchParams {
  const out = new URLSearchParams(params);
  if (!out.has('area')) out.set('area', meta.defaultArea);
  if (!out.has('definition') && meta.defaultDefinition !== null)
    out.set('definition', meta.defaultDefinition);
  if (!out.has('source')) out.set('source', meta.defaultSource ?? 'all');
  // Serious violence by default: the primary (first) tier of the definition in use; "all"
  // (All records) is a choice the user makes, kept in the address like any other filter.
  if (!out.has('tier')) {
    const primary = definitionOf(meta, out.get('definition') ?? undefined)?.tiers[0]?.id;
    if (primary !== undefined) out.set('tier', primary);
  }
  return out;
}

/** What the API is asked: "all" means no filter. */
export function apiFilters(params: URLSearchParams): Filters {
  const f = filtersFrom(params);
  if (f.area === 'all') delete f.area;
  if (f.source === 'all') delete f.source;
  if (f.tier === 'all') delete f.tier;
  return f;
}

/** Whether a synthetic source contributes to what the pages show. */
function selectionIsSynthetic(meta: DashboardMeta, filters: Filters): boolean {
  return meta.sources.some(
    (s) => s.synthetic && (filters.source === undefined || filters.source === s.source),
  );
}

export function App() {
  const location = useLocation();
  const meta = useApi('meta', () => getJson<DashboardMeta>('/api/meta'));
  const page = PAGES.find((p) => p.path === location.page);

  useEffect(() => {
    if (meta.state !== 'ready') return;
    const full = withDefaults(location.params, meta.data);
    if (full.toString() !== location.params.toString()) navigate(location.page, full, true);
  }, [meta, location]);

  useEffect(() => {
    document.title = `${page?.title ?? 'Not found'} — Serious Violence Duty dashboard`;
  }, [page]);

  const go = (e: MouseEvent<HTMLAnchorElement>, path: string): void => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(path, location.params);
    document.getElementById('main')?.focus();
  };
  const change = (key: FilterKey, value: string): void => {
    const next = new URLSearchParams(location.params);
    if (value === '') next.delete(key);
    else next.set(key, value);
    if (key === 'definition') next.delete('tier');
    navigate(location.page, next);
  };

  return (
    <>
      <a className="skip" href="#main">
        Skip to the content
      </a>
      <header className="top">
        <p className="brand">
          Serious Violence Duty <span>· partnership dashboard</span>
          {meta.state === 'ready' && (
            <span className="access" data-testid="access-mode" title="svd has no sign-in yet">
              {meta.data.access.label}
            </span>
          )}
        </p>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((p) => {
              const query = location.params.toString();
              return (
                <li key={p.path}>
                  <a
                    href={`${p.path}${query === '' ? '' : `?${query}`}`}
                    aria-current={p.path === location.page ? 'page' : undefined}
                    onClick={(e) => go(e, p.path)}
                  >
                    {p.title}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
      </header>
      <Show loaded={meta} what="the workspace">
        {(m) => (
          <>
            {page?.filters !== false && (
              <FiltersBar meta={m} filters={filtersFrom(location.params)} onChange={change} />
            )}
            {selectionIsSynthetic(m, apiFilters(withDefaults(location.params, m))) && (
              <SyntheticBanner incidents={null} />
            )}
            <main id="main" tabIndex={-1}>
              {page === undefined ? (
                <>
                  <h1>Page not found</h1>
                  <p>
                    There is no page at {location.page}. <a href="/">Go to the overview.</a>
                  </p>
                </>
              ) : (
                page.render({
                  meta: m,
                  filters: apiFilters(withDefaults(location.params, m)),
                  params: location.params,
                })
              )}
            </main>
            <footer>
              <p>
                svd {m.software} · workspace {m.workspace} · Contains public sector information
                licensed under the Open Government Licence v3.0. Contains OS data © Crown copyright
                and database right. Source: police.uk, Office for National Statistics, Ministry of
                Housing, Communities &amp; Local Government.
              </p>
            </footer>
          </>
        )}
      </Show>
    </>
  );
}
