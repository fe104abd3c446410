/**
 * Dates and times as partner extracts write them, and Europe/London wall-clock times across the
 * March and October clock changes. Expected instants are worked by hand: GMT = UTC, BST = UTC+1,
 * clocks go forward at 01:00 UTC on the last Sunday of March and back at 01:00 UTC on the last
 * Sunday of October (2024: 31 March and 27 October; 2018: 25 March and 28 October).
 */
import { describe, expect, it } from 'vitest';
import { londonToUtc, utcToLondon } from '../../src/core/londonTime.js';
import {
  fromExcelSerial,
  parseDateCell,
  parseTimeCell,
  toInstant,
} from '../../src/sources/partner/dateTime.js';

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

function instant(date: string, time?: string, end: 'start' | 'end' = 'start'): string {
  const r = toInstant(date, time, end);
  if (!('utcMs' in r)) throw new Error(`${date} ${time ?? ''}: ${r.reason}`);
  return iso(r.utcMs);
}

describe('date formats', () => {
  it.each([
    ['15/01/2024', '2024-01-15'],
    ['5/1/2024', '2024-01-05'],
    ['05-01-2024', '2024-01-05'],
    ['05.01.2024', '2024-01-05'],
    ['29/02/2024', '2024-02-29'],
    ['2024-01-15', '2024-01-15'],
    ['2024-01-15T21:30', '2024-01-15'],
    ['45306', '2024-01-15'],
    ['45306.895833', '2024-01-15'],
    ['  15/01/2024  ', '2024-01-15'],
  ])('%s is %s', (text, expected) => {
    const cell = parseDateCell(text);
    expect('date' in cell).toBe(true);
    if (!('date' in cell)) return;
    const d = cell.date;
    expect(`${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`).toBe(
      expected,
    );
  });

  it('names the format it read', () => {
    expect(parseDateCell('15/01/2024')).toMatchObject({ format: 'dd/mm/yyyy' });
    expect(parseDateCell('2024-01-15')).toMatchObject({ format: 'iso-8601' });
    expect(parseDateCell('45306')).toMatchObject({ format: 'excel-serial' });
  });

  it('reads Excel serials in the 1900 system (with its phantom 29/02/1900) and the 1904 system', () => {
    expect(fromExcelSerial(1).date).toEqual({ year: 1900, month: 1, day: 1 });
    expect(fromExcelSerial(59).date).toEqual({ year: 1900, month: 2, day: 28 });
    expect(fromExcelSerial(61).date).toEqual({ year: 1900, month: 3, day: 1 });
    expect(fromExcelSerial(45382.0625)).toEqual({
      date: { year: 2024, month: 3, day: 31 },
      time: { hour: 1, minute: 30, second: 0 },
    });
    expect(fromExcelSerial(0, true).date).toEqual({ year: 1904, month: 1, day: 1 });
    expect(fromExcelSerial(45306 - 1462, true).date).toEqual({ year: 2024, month: 1, day: 15 });
  });

  it.each([
    ['31/02/2024', /has day 31/],
    ['29/02/2023', /has day 29/],
    ['01/13/2024', /has month 13/],
    ['15/01/24', /two-digit year/],
    ['20240115', /too large to be a spreadsheet date/],
    ['yesterday', /is not a date/],
    ['2024-01-15T25:00', /no clock shows/],
  ])('refuses %s', (text, reason) => {
    const cell = parseDateCell(text);
    expect('reason' in cell).toBe(true);
    if ('reason' in cell) {
      expect(cell.reason).toMatch(reason);
      expect(cell.fix).not.toBe('');
    }
  });

  it('says a month-first date may be US-style', () => {
    const cell = parseDateCell('01/13/2024');
    expect('fix' in cell && cell.fix).toMatch(/US-style/);
  });
});

describe('time formats', () => {
  it.each([
    ['21:30', [21, 30, 0]],
    ['9:05', [9, 5, 0]],
    ['21:30:15', [21, 30, 15]],
    ['2130', [21, 30, 0]],
    ['0000', [0, 0, 0]],
    ['0.895833', [21, 30, 0]],
    ['.5', [12, 0, 0]],
  ])('%s', (text, [hour, minute, second]) => {
    expect(parseTimeCell(text)).toEqual({ hour, minute, second });
  });

  it.each(['24:00', '2460', '21h30', '1.5'])('refuses %s', (text) => {
    expect('reason' in parseTimeCell(text)).toBe(true);
  });
});

describe('Europe/London across the clock changes', () => {
  it('winter is GMT, summer is BST', () => {
    expect(instant('15/01/2024', '21:30')).toBe('2024-01-15T21:30:00Z');
    expect(instant('15/07/2024', '21:30')).toBe('2024-07-15T20:30:00Z');
  });

  it('March 2024: 00:59 GMT, the skipped hour read as GMT, 02:00 BST', () => {
    expect(instant('31/03/2024', '00:59')).toBe('2024-03-31T00:59:00Z');
    expect(londonToUtc({ year: 2024, month: 3, day: 31, hour: 1, minute: 30, second: 0 })).toEqual({
      utcMs: Date.parse('2024-03-31T01:30:00Z'),
      kind: 'gap',
    });
    expect(instant('31/03/2024', '02:00')).toBe('2024-03-31T01:00:00Z');
    expect(instant('31/03/2024', '02:30')).toBe('2024-03-31T01:30:00Z');
  });

  it('October 2024: the repeated hour takes its first (BST) occurrence', () => {
    expect(instant('27/10/2024', '00:30')).toBe('2024-10-26T23:30:00Z');
    expect(londonToUtc({ year: 2024, month: 10, day: 27, hour: 1, minute: 30, second: 0 })).toEqual(
      {
        utcMs: Date.parse('2024-10-27T00:30:00Z'),
        kind: 'overlap',
      },
    );
    expect(instant('27/10/2024', '02:00')).toBe('2024-10-27T02:00:00Z');
  });

  it('2018 changes fall on 25 March and 28 October', () => {
    expect(
      londonToUtc({ year: 2018, month: 3, day: 25, hour: 1, minute: 15, second: 0 }).kind,
    ).toBe('gap');
    expect(
      londonToUtc({ year: 2018, month: 3, day: 18, hour: 1, minute: 15, second: 0 }).kind,
    ).toBe('normal');
    expect(
      londonToUtc({ year: 2018, month: 10, day: 28, hour: 1, minute: 15, second: 0 }).kind,
    ).toBe('overlap');
  });

  it('a day without a time covers the whole London day, 23 hours long in March', () => {
    expect(instant('31/03/2024', undefined, 'start')).toBe('2024-03-31T00:00:00Z');
    expect(instant('31/03/2024', undefined, 'end')).toBe('2024-03-31T22:59:59Z');
    expect(instant('27/10/2024', undefined, 'end')).toBe('2024-10-27T23:59:59Z');
  });

  it('ISO 8601 with an offset is an exact instant; without one it is London time', () => {
    expect(instant('2024-07-15T21:30:00Z')).toBe('2024-07-15T21:30:00Z');
    expect(instant('2024-07-15T21:30:00+01:00')).toBe('2024-07-15T20:30:00Z');
    expect(instant('2024-07-15T21:30:00')).toBe('2024-07-15T20:30:00Z');
  });

  it('Excel serials are London wall-clock times', () => {
    expect(instant(String(45488 + 21.5 / 24))).toBe('2024-07-15T20:30:00Z');
  });

  it('utcToLondon inverts londonToUtc on every hour of 2024', () => {
    for (
      let t = Date.parse('2024-01-01T00:00:00Z');
      t < Date.parse('2025-01-01T00:00:00Z');
      t += 3_600_000
    ) {
      const local = utcToLondon(t);
      const back = londonToUtc(local);
      // In the repeated October hour both instants read 01:xx; the first (an hour earlier) is taken.
      const repeated = back.kind === 'overlap' && utcToLondon(t - 3_600_000).hour === local.hour;
      expect(back.utcMs).toBe(repeated ? t - 3_600_000 : t);
    }
  });
});
