import { useEffect } from 'react';
import { getJson } from './api';
import { FiltersBar } from './components/FiltersBar';
import { definitionOf } from './components/CountingLine';
import { AccessLabel, Header, SignedInUser } from './components/Header';
import { Show } from './components/Status';
import { SyntheticBanner } from './components/SyntheticBanner';
import type { DashboardMeta } from '@api';
import type { SignedIn } from './session';
import { filtersFrom, navigate, useLocation, type FilterKey, type Filters } from './url';
import { useApi } from './useApi';
import { OverviewPage } from './pages/OverviewPage';
import { MapPage } from './pages/MapPage';
import { DefinitionsPage } from './pages/DefinitionsPage';
import { DataPage } from './pages/DataPage';
import { ANALYSIS_PAGES, STRATEGY_PAGES } from './pages/pageList';
import { AuditPage } from './pages/AuditPage';
import { AdminPage } from './pages/AdminPage';
import { WhatYouCanSeePage } from './pages/AccessPages';
import type { PageEntry } from './pageProps';

const PAGES: PageEntry[] = [
  { path: '/', title: 'Overview', render: (p) => <OverviewPage {...p} /> },
  { path: '/map', title: 'Map', render: (p) => <MapPage {...p} /> },
  ...ANALYSIS_PAGES,
  { path: '/definitions', title: 'Definitions', render: (p) => <DefinitionsPage {...p} /> },
  { path: '/data', title: 'Data', render: (p) => <DataPage {...p} /> },
  ...STRATEGY_PAGES,
];

/**
 * The live pages for the one answered: every page in local mode; for a signed-in user, also what
 * they can see, and the audit log and administration for partnership administrators.
 */
function pagesFor(session: SignedIn | null): PageEntry[] {
  if (session === null) return PAGES;
  const extra: PageEntry[] = [];
  if (session.user.role === 'partnership-admin')
    extra.push(
      {
        path: '/audit',
        title: 'Audit',
        filters: false,
        render: (p) => <AuditPage page="/audit" params={p.params} />,
      },
      {
        path: '/admin',
        title: 'Administration',
        filters: false,
        render: () => <AdminPage self={session.user} />,
      },
    );
  extra.push({
    path: '/access',
    title: 'What you can see',
    filters: false,
    render: () => <WhatYouCanSeePage grants={session.grants} />,
  });
  return [...PAGES, ...extra];
}

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

/**
 * The live dashboard: in local single-user mode (`session` null; the label from the session, or
 * from the workspace's meta when the server has no sign-in at all), or for a signed-in user whose
 * view is `live`.
 */
export function App({
  label,
  session,
  onSignOut,
}: {
  label: string | null;
  session: SignedIn | null;
  onSignOut: () => void;
}) {
  const location = useLocation();
  const meta = useApi('meta', () => getJson<DashboardMeta>('/api/meta'));
  const pages = pagesFor(session);
  const page = pages.find((p) => p.path === location.page);

  useEffect(() => {
    if (meta.state !== 'ready') return;
    const full = withDefaults(location.params, meta.data);
    if (full.toString() !== location.params.toString()) navigate(location.page, full, true);
  }, [meta, location]);

  useEffect(() => {
    document.title = `${page?.title ?? 'Not found'} — Serious Violence Duty dashboard`;
  }, [page]);

  const change = (key: FilterKey, value: string): void => {
    const next = new URLSearchParams(location.params);
    if (value === '') next.delete(key);
    else next.set(key, value);
    if (key === 'definition') next.delete('tier');
    navigate(location.page, next);
  };

  return (
    <>
      <Header
        pages={pages}
        page={location.page}
        params={location.params}
        label={
          session !== null ? undefined : label !== null ? (
            <AccessLabel label={label} />
          ) : meta.state === 'ready' ? (
            <AccessLabel label={meta.data.access.label} />
          ) : undefined
        }
        user={
          session === null ? undefined : <SignedInUser user={session.user} onSignOut={onSignOut} />
        }
      />
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
                  session,
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
