// Runs in: node. Business days in the station's time zone: a Z-report covers local midnight to
// local midnight, which is not a fixed 24 h span of UTC (DST days have 23 or 25 hours).
import { AppError } from '../../errors.js';
import { readSetting } from '../../station.js';
import type { Db } from '../../db.js';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const partFormats = new Map<string, Intl.DateTimeFormat>();

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The station's zone: its `time_zone` setting (IANA name) when valid, else the machine's. Read
 * per report, so fixing the setting needs no restart.
 */
export function stationTimeZone(db: Db): string {
  const configured = readSetting(db, 'time_zone');
  if (configured && isTimeZone(configured)) return configured;
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(ms: number, zone: string): LocalParts {
  let format = partFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormats.set(zone, format);
  }
  const out: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  }
  return out as unknown as LocalParts;
}

/** How far the zone's wall clock is ahead of UTC at that instant. */
function offsetAt(ms: number, zone: string): number {
  const p = localParts(ms, zone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The instant the zone's wall clock shows 00:00 of that calendar day. */
function localMidnight(year: number, month: number, day: number, zone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  let instant = wall - offsetAt(wall, zone);
  // The offset at the guess may differ from the offset at midnight itself (a DST change that
  // day): one correction lands on it.
  const corrected = wall - offsetAt(instant, zone);
  if (corrected !== instant) instant = corrected;
  return instant;
}

export function localDay(ms: number, zone: string): string {
  const p = localParts(ms, zone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

export function localHour(ms: number, zone: string): number {
  return localParts(ms, zone).hour;
}

/** Validates a `YYYY-MM-DD` calendar day; anything else is a 400 `date_invalid`. */
export function parseDay(day: string): { year: number; month: number; day: number } {
  const match = DAY.exec(day);
  const refuse = () =>
    new AppError(400, 'date_invalid', `"${day.slice(0, 32)}" is not a calendar day: give the date as YYYY-MM-DD (e.g. 2026-01-15), from 1970 on.`);
  if (!match) throw refuse();
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, date));
  if (year < 1970 || check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) {
    throw refuse();
  }
  return { year, month, day: date };
}

/** [start, end) of a business day in the zone, as epoch milliseconds. */
export function dayBounds(day: string, zone: string): { start: number; end: number } {
  const { year, month, day: date } = parseDay(day);
  const next = new Date(Date.UTC(year, month - 1, date + 1));
  return {
    start: localMidnight(year, month, date, zone),
    end: localMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), zone),
  };
}
