/** What every page is given, and how a page is listed. */
import type { ReactNode } from 'react';
import type { DashboardMeta } from '@api';
import type { SignedIn } from './session';
import type { Filters } from './url';

export interface PageProps {
  meta: DashboardMeta;
  /** The filters as the page asks the API: "all" values left out. */
  filters: Filters;
  params: URLSearchParams;
  /** The signed-in user, or null in local single-user mode. */
  session: SignedIn | null;
}

export interface PageEntry {
  path: string;
  title: string;
  render: (props: PageProps) => ReactNode;
  /** False for pages the workspace filters do not apply to. */
  filters?: boolean;
}
