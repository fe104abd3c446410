/**
 * A published period ("2024", "202324", "2015/16", "2016-17 (OT)", "2013/14-15/16", "2018 (Rev)")
 * with the kind of year it counts ("Calendar year", "Academic Year", "Financial Year", "Reporting
 * year") → a readable period and its first and last day. A kind of year not known gives no dates
 * rather than wrong ones; so does a shape not recognised (the period is kept as written).
 */

export type YearKind = 'calendar' | 'academic' | 'financial' | 'march' | 'census' | 'unknown';

export interface IndicatorPeriod {
  period: string;
  start: string | null;
  end: string | null;
}

/** The kind of year named by EES `time_identifier`, LAIT `Year_Type` or a mapping. */
export function yearKind(text: string | null | undefined): YearKind {
  const t = (text ?? '').toLowerCase();
  if (t.includes('calendar')) return 'calendar';
  if (t.includes('academic')) return 'academic';
  if (t.includes('financial') || t.includes('fiscal')) return 'financial';
  // DfE children's social care "reporting year": the year to 31 March.
  if (t.includes('reporting')) return 'march';
  if (t.includes('census')) return 'census';
  return 'unknown';
}

/** Census days of England and Wales. */
const CENSUS_DAYS: Readonly<Record<number, string>> = { 2011: '2011-03-27', 2021: '2021-03-21' };

const day = (y: number, m: number, d: number): string =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** The first and last day of a one-year period beginning in year `y` (or ending in it, 'march'). */
function yearSpan(y: number, kind: YearKind, split: boolean): [string, string] | null {
  switch (kind) {
    case 'calendar':
      return split ? [day(y, 4, 1), day(y + 1, 3, 31)] : [day(y, 1, 1), day(y, 12, 31)];
    case 'academic':
      return split ? [day(y, 9, 1), day(y + 1, 8, 31)] : [day(y - 1, 9, 1), day(y, 8, 31)];
    case 'financial':
      return split ? [day(y, 4, 1), day(y + 1, 3, 31)] : [day(y - 1, 4, 1), day(y, 3, 31)];
    case 'march':
      return split ? [day(y, 4, 1), day(y + 1, 3, 31)] : [day(y - 1, 4, 1), day(y, 3, 31)];
    case 'census': {
      const censusDay = CENSUS_DAYS[y];
      return split || censusDay === undefined ? null : [censusDay, censusDay];
    }
    case 'unknown':
      return split ? [day(y, 4, 1), day(y + 1, 3, 31)] : null;
  }
}

const century = (first: number, yy: number): number => {
  const y = Math.floor(first / 100) * 100 + yy;
  return y < first ? y + 100 : y;
};

/**
 * A split year ("2023/24") runs September to August when the kind is academic, else April to
 * March; a single year is the calendar year, or the academic/financial/reporting year ending in it.
 */
export function parsePeriod(raw: string, kind: YearKind): IndicatorPeriod | null {
  const text = raw.trim().replace(/\s+/g, ' ');
  if (text === '' || /^0+$/.test(text)) return null;
  let m = /^(\d{4})(\d{2})$/.exec(text);
  if (m !== null) {
    const y = Number(m[1]);
    if (century(y, Number(m[2])) === y + 1) {
      const span = yearSpan(y, kind, true);
      return { period: `${m[1]}/${m[2]}`, start: span?.[0] ?? null, end: span?.[1] ?? null };
    }
  }
  m = /^(\d{4})$/.exec(text);
  if (m !== null) {
    const span = yearSpan(Number(m[1]), kind, false);
    return { period: text, start: span?.[0] ?? null, end: span?.[1] ?? null };
  }
  m = /^(\d{4}) ?[/-] ?(\d{2})( \(.+\))?$/.exec(text);
  if (m !== null) {
    const y = Number(m[1]);
    const last = century(y, Number(m[2]));
    const suffix = m[3] ?? '';
    if (last === y + 1) {
      const span = yearSpan(y, kind, true);
      return {
        period: `${m[1]}/${m[2]}${suffix}`,
        start: span?.[0] ?? null,
        end: span?.[1] ?? null,
      };
    }
    // A pooled run of calendar years ("2017 - 19").
    return { period: `${m[1]}-${m[2]}${suffix}`, start: day(y, 1, 1), end: day(last, 12, 31) };
  }
  m = /^(\d{4})\/(\d{2}) ?- ?(\d{2})\/(\d{2})$/.exec(text);
  if (m !== null) {
    const first = yearSpan(Number(m[1]), kind, true);
    const lastYear = century(Number(m[1]), Number(m[3]));
    const last = yearSpan(lastYear, kind, true);
    return { period: text, start: first?.[0] ?? null, end: last?.[1] ?? null };
  }
  m = /^(\d{4}) \(.+\)$/.exec(text);
  if (m !== null) {
    const span = yearSpan(Number(m[1]), kind, false);
    return { period: text, start: span?.[0] ?? null, end: span?.[1] ?? null };
  }
  return { period: text, start: null, end: null };
}
