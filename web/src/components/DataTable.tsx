import type { ReactNode } from 'react';

export interface Column<T> {
  header: string;
  value: (row: T) => ReactNode;
  numeric?: boolean;
}

export function DataTable<T>({
  rows,
  columns,
  caption,
  rowKey,
  testId,
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  caption: string;
  rowKey: (row: T, index: number) => string;
  testId?: string;
}) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.numeric === true ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={rowKey(r, i)}>
              {columns.map((c) => (
                <td key={c.header} className={c.numeric === true ? 'num' : undefined}>
                  {c.value(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
