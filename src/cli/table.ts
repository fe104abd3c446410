/** Aligned plain-text tables for the terminal; numbers right-aligned in en-GB format. */
export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
}

let numberFormat: Intl.NumberFormat | undefined;

/** A number as en-GB writes it (12,345.6); the format is made on first use, not at start-up. */
export function formatNumber(value: number): string {
  numberFormat ??= new Intl.NumberFormat('en-GB');
  return numberFormat.format(value);
}

export function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return formatNumber(value);
  return value;
}

export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const text = rows.map((row) => columns.map((c) => cell(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...text.map((r) => r[i]!.length)));
  const align = columns.map(
    (c) => c.align ?? (rows.length > 0 && typeof c.value(rows[0]!) === 'number' ? 'right' : 'left'),
  );
  const line = (cells: string[]): string =>
    cells
      .map((t, i) => (align[i] === 'right' ? t.padStart(widths[i]!) : t.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...text.map(line),
  ].join('\n');
}
