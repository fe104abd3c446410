import type { PageEntry } from '../pageProps';
import { MeasuresPage, ReviewsPage, StrategyPage } from './StrategyPages';
import { CausesPage } from './CausesPage';
import { DeprivationPage, HealthPage, TrendsPage, WhenPage, WhoPage } from './AnalysisPages';

/** Pages of the analyses (trends, when, who, police beside health, deprivation, causes and risk factors), as the API offers them. */
export const ANALYSIS_PAGES: PageEntry[] = [
  { path: '/trends', title: 'Trends', render: (p) => <TrendsPage {...p} /> },
  { path: '/when', title: 'When', render: (p) => <WhenPage {...p} /> },
  { path: '/who', title: 'Who', render: (p) => <WhoPage {...p} /> },
  { path: '/health', title: 'Police and health', render: (p) => <HealthPage {...p} /> },
  { path: '/deprivation', title: 'Deprivation', render: (p) => <DeprivationPage {...p} /> },
  { path: '/causes', title: 'Causes and risk factors', render: (p) => <CausesPage {...p} /> },
];

/** Pages of the partnership's strategy; the workspace filters do not apply to them. */
export const STRATEGY_PAGES: PageEntry[] = [
  { path: '/strategy', title: 'Strategy', render: (p) => <StrategyPage {...p} />, filters: false },
  { path: '/measures', title: 'Measures', render: (p) => <MeasuresPage {...p} />, filters: false },
  { path: '/reviews', title: 'Reviews', render: (p) => <ReviewsPage {...p} />, filters: false },
];
