/**
 * Wall-clock times in Europe/London (what partner extracts hold) turned into UTC instants, across
 * the clock changes. The offset is read from the platform's time-zone database (ICU) once per UTC
 * hour and cached: British clock changes happen on the hour, so one hour has one offset.
 *
 * Two local times need a rule:
 * - in the spring gap (e.g. 01:30 on the last Sunday of March) the time never existed on a
 *   clock; it is read with the offset before the change (GMT), which is the instant the clock
 *   would have shown as 02:30 BST — the same choice as DuckDB, JavaScript and RFC 5545;
 * - in the autumn overlap (01:00–01:59 on the last Sunday of October) the time happened twice;
 *   the first (BST) is taken.
 * Both are reported so that an ingest can count them.
 */

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export type LocalTimeKind = 'normal' | 'gap' | 'overlap';

const HOUR = 3_600_000;
const offsetCache = new Map<number, number>();
const formatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** Minutes to add to UTC to get London wall-clock time at this instant (0 or 60 today). */
export function londonOffsetMinutes(utcMs: number): number {
  const key = Math.floor(utcMs / HOUR);
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const at = key * HOUR;
  const parts: Record<string, number> = {};
  for (const p of formatter.formatToParts(new Date(at))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts['year']!,
    parts['month']! - 1,
    parts['day']!,
    parts['hour']!,
    parts['minute']!,
    parts['second']!,
  );
  const offset = Math.round((asUtc - at) / 60_000);
  if (offsetCache.size > 200_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

/** The UTC instant (ms) of a London wall-clock time, and whether it fell in a gap or overlap. */
export function londonToUtc(local: LocalDateTime): { utcMs: number; kind: LocalTimeKind } {
  const wall = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
  );
  // Candidate offsets: those in force two hours either side.
  const before = londonOffsetMinutes(wall - 2 * HOUR);
  const after = londonOffsetMinutes(wall + 2 * HOUR);
  const first = wall - before * 60_000;
  const firstValid = first + londonOffsetMinutes(first) * 60_000 === wall;
  if (before === after) {
    return { utcMs: first, kind: firstValid ? 'normal' : 'gap' };
  }
  const second = wall - after * 60_000;
  const secondValid = second + londonOffsetMinutes(second) * 60_000 === wall;
  if (firstValid && secondValid) return { utcMs: Math.min(first, second), kind: 'overlap' };
  if (firstValid) return { utcMs: first, kind: 'normal' };
  if (secondValid) return { utcMs: second, kind: 'normal' };
  return { utcMs: first, kind: 'gap' };
}

/** The London calendar date and time of a UTC instant. */
export function utcToLondon(utcMs: number): LocalDateTime {
  const d = new Date(utcMs + londonOffsetMinutes(utcMs) * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}
