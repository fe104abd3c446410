/** Statement parameters, shared by the modules that build SQL (no database module loaded here). */
import type { DuckDBValue } from '@duckdb/node-api';

/**
 * The named parameters a statement refers to, of those given: DuckDB refuses a statement given a
 * parameter it does not name, and a query built from parts (a definition's parameters given to
 * counts that, grouped by source, read no classification) may be handed more than it uses.
 */
export function paramsUsedBy(
  sql: string,
  params: Readonly<Record<string, DuckDBValue>>,
): Record<string, DuckDBValue> {
  return Object.fromEntries(
    Object.entries(params).filter(([name]) => new RegExp(`\\$${name}(?![A-Za-z0-9_])`).test(sql)),
  );
}
