/**
 * Dates and times as partner extracts write them: UK `dd/mm/yyyy` (with `-` or `.` too, and an
 * optional time), ISO 8601 (`2024-03-31`, `2024-03-31T01:30`, with or without an offset), and
 * Excel serial day numbers (`45382`, `45382.8958`), which is what a spreadsheet holds under a
 * date format. Times: `21:30`, `21:30:15`, `2130`, or an Excel fraction of a day (`0.8958`).
 * A wall-clock time is Europe/London; only an ISO time with `Z` or an offset is absolute.
 */
import { londonToUtc, type LocalTimeKind } from '../../core/londonTime.js';

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export interface ClockTime {
  hour: number;
  minute: number;
  second: number;
}

export interface DateCell {
  date: CalendarDate;
  time?: ClockTime;
  /** Set when the text carried its own offset (ISO 8601 with Z or ±hh:mm): the exact instant. */
  instantMs?: number;
  format: 'dd/mm/yyyy' | 'iso-8601' | 'excel-serial';
}

export interface Refusal {
  reason: string;
  fix: string;
}

export const DATE_FIX =
  'write dates as dd/mm/yyyy (31/03/2024), ISO 8601 (2024-03-31) or leave the spreadsheet date as it is (an Excel serial number)';
const TIME_FIX = 'write times as HH:MM (21:30), HH:MM:SS or HHMM (2130)';

const UK =
  /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const SERIAL = /^\d+(?:\.\d+)?$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!;
}

function checkDate(year: number, month: number, day: number): Refusal | undefined {
  if (month < 1 || month > 12) {
    return {
      reason: `has month ${month}`,
      fix:
        day <= 12 && month <= 31
          ? 'UK dates are day/month/year; a US-style month/day/year date must be converted'
          : DATE_FIX,
    };
  }
  if (day < 1 || day > daysInMonth(year, month)) {
    return { reason: `has day ${day}, which ${month}/${year} does not have`, fix: DATE_FIX };
  }
  if (year < 1900 || year > 2100) return { reason: `has year ${year}`, fix: DATE_FIX };
  return undefined;
}

function checkTime(hour: number, minute: number, second: number): Refusal | undefined {
  if (hour > 23 || minute > 59 || second > 59) {
    return { reason: `has a time that no clock shows`, fix: TIME_FIX };
  }
  return undefined;
}

/** An Excel serial day number (1900 date system unless `date1904`) as a date and time. */
export function fromExcelSerial(
  serial: number,
  date1904 = false,
): { date: CalendarDate; time: ClockTime } {
  const whole = Math.floor(serial);
  let seconds = Math.round((serial - whole) * 86_400);
  let days = whole;
  if (seconds >= 86_400) {
    days += 1;
    seconds -= 86_400;
  }
  // The 1900 system counts a 29 February 1900 that never was; serials after it are one day ahead.
  const base = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, days >= 61 ? 30 : 31);
  const d = new Date(base + days * 86_400_000);
  return {
    date: { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() },
    time: {
      hour: Math.floor(seconds / 3600),
      minute: Math.floor((seconds % 3600) / 60),
      second: seconds % 60,
    },
  };
}

/** Reads a date (possibly with a time) from one cell. */
export function parseDateCell(text: string, date1904 = false): DateCell | Refusal {
  const t = text.trim();
  let m = UK.exec(t);
  if (m !== null) {
    if (m[3]!.length === 2) {
      return {
        reason: 'has a two-digit year',
        fix: 'export dates with four-digit years (31/03/2024)',
      };
    }
    const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const bad = checkDate(year, month, day);
    if (bad !== undefined) return bad;
    const cell: DateCell = { date: { year, month, day }, format: 'dd/mm/yyyy' };
    if (m[4] !== undefined) {
      const time = { hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6] ?? 0) };
      const badTime = checkTime(time.hour, time.minute, time.second);
      if (badTime !== undefined) return badTime;
      cell.time = time;
    }
    return cell;
  }
  m = ISO.exec(t);
  if (m !== null) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const bad = checkDate(year, month, day);
    if (bad !== undefined) return bad;
    const cell: DateCell = { date: { year, month, day }, format: 'iso-8601' };
    if (m[4] !== undefined) {
      const time = { hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6] ?? 0) };
      const badTime = checkTime(time.hour, time.minute, time.second);
      if (badTime !== undefined) return badTime;
      cell.time = time;
      const zone = m[8];
      if (zone !== undefined) {
        let offset = 0;
        if (zone !== 'Z') {
          const digits = zone.replace(':', '');
          offset =
            (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || 0)) *
            (zone[0] === '-' ? -1 : 1);
        }
        cell.instantMs =
          Date.UTC(year, month - 1, day, time.hour, time.minute, time.second) - offset * 60_000;
      }
    }
    return cell;
  }
  if (SERIAL.test(t)) {
    const serial = Number(t);
    if (serial < 1 || serial > 73_415) {
      // 73,415 is 31/12/2100; a larger number is more likely yyyymmdd or an id than a date.
      return {
        reason: 'is a number too large to be a spreadsheet date',
        fix: DATE_FIX,
      };
    }
    const { date, time } = fromExcelSerial(serial, date1904);
    const cell: DateCell = { date, format: 'excel-serial' };
    if (t.includes('.')) cell.time = time;
    return cell;
  }
  return { reason: 'is not a date', fix: DATE_FIX };
}

/** Reads a time of day from its own cell. */
export function parseTimeCell(text: string): ClockTime | Refusal {
  const t = text.trim();
  let m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(t);
  if (m === null) m = /^(\d{2})(\d{2})$/.exec(t);
  if (m !== null) {
    const time = { hour: Number(m[1]), minute: Number(m[2]), second: Number(m[3] ?? 0) };
    return checkTime(time.hour, time.minute, time.second) ?? time;
  }
  if (/^0?\.\d+$|^0$|^1$/.test(t)) {
    // An Excel time: a fraction of a day.
    const seconds = Math.round(Number(t) * 86_400);
    if (seconds >= 86_400) return { reason: 'is a whole day, not a time', fix: TIME_FIX };
    return {
      hour: Math.floor(seconds / 3600),
      minute: Math.floor((seconds % 3600) / 60),
      second: seconds % 60,
    };
  }
  // A spreadsheet cell holding date and time where only the time is wanted.
  if (/[/T -]/.test(t)) {
    const cell = parseDateCell(t);
    if ('date' in cell && cell.time !== undefined) return cell.time;
  }
  return { reason: 'is not a time', fix: TIME_FIX };
}

export interface Instant {
  utcMs: number;
  kind: LocalTimeKind;
  /** False when only a date was given (the time was taken as the start or end of that day). */
  timeGiven: boolean;
  format: DateCell['format'];
}

/**
 * The instant of a date (and optional separate time). A date without a time stands for the whole
 * day: its start for the beginning of a range, its last second for the end.
 */
export function toInstant(
  dateText: string,
  timeText: string | undefined,
  end: 'start' | 'end',
  date1904 = false,
): Instant | (Refusal & { field: 'date' | 'time' }) {
  const cell = parseDateCell(dateText, date1904);
  if (!('date' in cell)) return { ...cell, field: 'date' };
  let time = cell.time;
  if (timeText !== undefined && timeText.trim() !== '') {
    const parsed = parseTimeCell(timeText);
    if (!('hour' in parsed)) return { ...parsed, field: 'time' };
    time = parsed;
  }
  if (cell.instantMs !== undefined && time === cell.time) {
    return { utcMs: cell.instantMs, kind: 'normal', timeGiven: true, format: cell.format };
  }
  const d = cell.date;
  const { utcMs, kind } =
    time !== undefined
      ? londonToUtc({
          year: d.year,
          month: d.month,
          day: d.day,
          hour: time.hour,
          minute: time.minute,
          second: time.second,
        })
      : end === 'start'
        ? londonToUtc({ year: d.year, month: d.month, day: d.day, hour: 0, minute: 0, second: 0 })
        : londonToUtc({
            year: d.year,
            month: d.month,
            day: d.day,
            hour: 23,
            minute: 59,
            second: 59,
          });
  return { utcMs, kind, timeGiven: time !== undefined, format: cell.format };
}
