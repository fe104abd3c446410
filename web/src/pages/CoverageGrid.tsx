import { fmtInt, fmtMonth } from '../format';
import type { SourceCoverage } from '@api';

interface Column {
  label: string;
  /** Index of the month, or null for a run of months no source holds. */
  index: number | null;
  months: number;
}

/**
 * Sources × months: rows held, and "missing" where a source holds nothing for a month (never 0).
 * Runs of months that no source holds are folded into one column.
 */
export function CoverageGrid({ coverage }: { coverage: SourceCoverage }) {
  const columns: Column[] = [];
  let gap: number[] = [];
  const flush = (): void => {
    if (gap.length === 0) return;
    const first = coverage.months[gap[0]!]!;
    const last = coverage.months[gap.at(-1)!]!;
    columns.push({
      label: gap.length === 1 ? fmtMonth(first) : `${fmtMonth(first)} – ${fmtMonth(last)}`,
      index: null,
      months: gap.length,
    });
    gap = [];
  };
  coverage.months.forEach((m, i) => {
    if (coverage.sources.every((s) => s.months[i] === null)) gap.push(i);
    else {
      flush();
      columns.push({ label: fmtMonth(m), index: i, months: 1 });
    }
  });
  flush();
  if (coverage.sources.length === 0) return <p className="empty">Nothing has been ingested yet.</p>;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Coverage grid">
      <table className="coverage" data-testid="coverage-grid">
        <caption>Rows held per source and month — “missing” means never received, not zero</caption>
        <thead>
          <tr>
            <th scope="col">Source</th>
            {columns.map((c) => (
              <th scope="col" key={c.label}>
                {c.label}
                {c.index === null && c.months > 1 ? ` (${c.months} months)` : ''}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {coverage.sources.map((s) => (
            <tr key={s.source}>
              <th scope="row">{s.label}</th>
              {columns.map((c) => {
                const n = c.index === null ? null : (s.months[c.index] ?? null);
                return n === null ? (
                  <td key={c.label} className="missing">
                    missing
                  </td>
                ) : (
                  <td key={c.label} className="num">
                    {fmtInt(n)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
