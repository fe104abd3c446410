import type { ReactNode } from 'react';
import type { PageProps } from '../App';
import { MeasuresPage, ReviewsPage, StrategyPage } from './StrategyPages';

type Entry = {
  path: string;
  title: string;
  render: (p: PageProps) => ReactNode;
  filters?: boolean;
};

/** Pages of the analyses (trends, when, who, police beside health), as the API offers them. */
export const ANALYSIS_PAGES: Entry[] = [];

/** Pages of the partnership's strategy; the workspace filters do not apply to them. */
export const STRATEGY_PAGES: Entry[] = [
  { path: '/strategy', title: 'Strategy', render: (p) => <StrategyPage {...p} />, filters: false },
  { path: '/measures', title: 'Measures', render: (p) => <MeasuresPage {...p} />, filters: false },
  { path: '/reviews', title: 'Reviews', render: (p) => <ReviewsPage {...p} />, filters: false },
];
