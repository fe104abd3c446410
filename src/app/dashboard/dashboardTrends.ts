/**
 * The Trends page's answer: `svd analyse trends` on the selection of the dashboard's filters,
 * counted from the workspace's aggregate when the server holds one that covers the definition
 * (the same figures as from the records; decision 0081).
 */
import { analyseTrends } from '../../analyses/trends/analyseTrends.js';
import type { Reporter } from '../../core/reporter.js';
import type { CountsDefinition } from '../../definitions/countsDefinition.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type { AnalysisResult, TrendsResult } from '../../api/analyses.js';
import {
  definitionFor,
  filtersToSelection,
  withCounting,
  type DashboardContext,
  type DashboardFilters,
} from './dashboardFilters.js';

export async function dashboardTrends(
  ws: Workspace,
  filters: DashboardFilters,
  context: DashboardContext & { reporter: Reporter },
): Promise<AnalysisResult<TrendsResult>> {
  const selection = filtersToSelection(filters);
  const analysis = {
    cwd: context.cwd,
    reporter: context.reporter,
    ...(context.definition === undefined ? {} : { definition: context.definition }),
  };
  let definition: CountsDefinition | undefined;
  if (filters.definition !== undefined)
    try {
      definition = await definitionFor(ws, filters.definition, context);
    } catch {
      // The analysis says what is wrong with the selection, in its own order.
      return analyseTrends(ws, selection, {}, analysis);
    }
  return withCounting(ws, context, [definition], (counting) =>
    analyseTrends(
      ws,
      selection,
      {},
      { ...analysis, ...(counting === undefined ? {} : { counting }) },
    ),
  );
}
