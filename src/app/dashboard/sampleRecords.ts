/**
 * A few records of the selection, for the Definitions page to explain: id, source, month, crime
 * type, offence and tier. Nothing that identifies a person is shown (pseudonymised references,
 * ages and locations stay in the workspace).
 */
import { DIMENSIONS } from '../../analyses/selection/dimensions.js';
import { incidentFilterSql } from '../../analyses/selection/incidentFilter.js';
import { TIER_DIMENSIONS } from '../../definitions/tierDimensions.js';
import type { Workspace } from '../../store/openWorkspace.js';
import {
  filtersDefinition,
  filtersToSelection,
  selectionWhere,
  type DashboardContext,
  type DashboardFilters,
} from './dashboardFilters.js';
import type { SampleRecord } from '../../api/dashboard.js';

export async function sampleRecords(
  ws: Workspace,
  filters: DashboardFilters,
  options: DashboardContext & { limit: number },
): Promise<SampleRecord[]> {
  const definition = await filtersDefinition(ws, filters, options);
  const dimensions = [...DIMENSIONS, ...TIER_DIMENSIONS];
  const sql = incidentFilterSql(selectionWhere(filtersToSelection(filters)), dimensions, {
    alsoUsing: definition === undefined ? [] : ['tier'],
    ...(definition === undefined ? {} : { params: definition.params }),
  });
  const tier = definition === undefined ? 'NULL' : TIER_DIMENSIONS[0]!.sql;
  return ws.db.all<SampleRecord>(
    `SELECT i.id, i.source, strftime(i.month, '%Y-%m') AS month, i.crime_type, i.offence_code,
        i.offence_description, ${tier} AS tier
       FROM ${sql.from} WHERE ${sql.where}
      ORDER BY i.month DESC, i.id DESC LIMIT ${Math.max(1, Math.min(200, Math.floor(options.limit)))}`,
    sql.params,
  );
}
