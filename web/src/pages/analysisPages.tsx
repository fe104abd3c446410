import type { ReactNode } from 'react';
import type { PageProps } from '../App';

/** Pages of the analyses (trends, when, who, police beside health), added as the API offers them. */
export const EXTRA_PAGES: { path: string; title: string; render: (p: PageProps) => ReactNode }[] =
  [];
