// Runs in: node (approval worker, CLI). Dates in the forms people type: ISO, 8 October 2011,
// Oct 8th, 10/8/2011 (read both ways), 2011년 10월 8일, 11.10.8, 10월8일, 20111008. English
// goes through chrono-node; Korean and dotted numeric forms through the patterns below.
// The English locale alone: the full package loads every language's parsers (seconds, not ms).
import * as chronoEn from 'chrono-node/en';

export interface DateValue {
  year?: number;
  month: number;
  day?: number;
}

export interface FoundDate {
  /** Every reading of the text (10/8/2011 is 8 October in Britain, 10 August in the US). */
  readings: DateValue[];
  start: number;
  end: number;
}

// A fixed reference: a parse must not depend on today's date. Answers name past events.
const REFERENCE = new Date(Date.UTC(2024, 0, 1, 12));

function fullYear(text: string): number {
  const n = Number(text);
  if (text.length >= 3) return n;
  // Two-digit years of personal dates: '90 is 1990, '11 is 2011.
  return n <= 30 ? 2000 + n : 1900 + n;
}

function valid(d: DateValue): boolean {
  if (!(d.month >= 1 && d.month <= 12)) return false;
  if (d.day !== undefined && !(d.day >= 1 && d.day <= 31)) return false;
  if (d.year !== undefined && !(d.year >= 1900 && d.year <= 2100)) return false;
  return true;
}

interface NumericPattern {
  pattern: RegExp;
  read(m: RegExpExecArray): DateValue[];
}

const NUMERIC: NumericPattern[] = [
  // 2011년 10월 8일, 11년 10월 8일, 10월 8일, 2011년 10월
  {
    pattern: /(?:(\d{2,4})\s*년\s*)?(\d{1,2})\s*월(?:\s*(\d{1,2})\s*일)?/g,
    read: (m) => [{ ...(m[1] ? { year: fullYear(m[1]) } : {}), month: Number(m[2]), ...(m[3] ? { day: Number(m[3]) } : {}) }],
  },
  // 2011-10-08, 2011.10.8, 2011/10/08, 2011. 10. 8.
  {
    pattern: /\b(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\b\.?/g,
    read: (m) => [{ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }],
  },
  // 20111008
  {
    pattern: /\b((?:19|20)\d{2})(\d{2})(\d{2})\b/g,
    read: (m) => [{ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }],
  },
  // 11.10.8 / 90.3.5 (Korean year-first with dots), 8.10.2011, 10/8/11: every order that
  // makes a valid date is a reading, since the writer's convention is unknown.
  {
    pattern: /\b(\d{1,4})\s*([./-])\s*(\d{1,2})\s*\2\s*(\d{1,4})\b\.?/g,
    read: (m) => {
      const [a, b, c] = [m[1]!, Number(m[3]), m[4]!];
      if (a.length === 3 || c.length === 3 || (a.length === 4 && c.length === 4)) return [];
      if (a.length === 4) return [{ year: Number(a), month: b, day: Number(c) }];
      const readings: DateValue[] = [];
      if (c.length !== 1) readings.push({ year: fullYear(c), month: b, day: Number(a) }, { year: fullYear(c), month: Number(a), day: b });
      if (c.length <= 2 && a.length === 2) readings.push({ year: fullYear(a), month: b, day: Number(c) });
      return readings;
    },
  },
];

/** All dates in a text, in order, each with its character span so callers can cut it out. */
export function findDates(text: string): FoundDate[] {
  const found: FoundDate[] = [];
  const taken: [number, number][] = [];
  const overlaps = (s: number, e: number) => taken.some(([a, b]) => s < b && a < e);
  for (const { pattern, read } of NUMERIC) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (overlaps(start, end)) continue;
      const readings = read(m).filter(valid);
      if (readings.length === 0) continue;
      taken.push([start, end]);
      found.push({ readings: unique(readings), start, end });
    }
  }
  // chrono reads "8 October 2011", "Oct 8th", "the eighth of october"; a British parser as well,
  // so an all-digits date keeps its day-first reading.
  const english = [...chronoEn.strict.parse(text, REFERENCE), ...chronoEn.GB.parse(text, REFERENCE)];
  for (const result of english) {
    const start = result.index;
    const end = start + result.text.length;
    const known = result.start;
    const month = known.isCertain('month') ? known.get('month') : null;
    if (month === null) continue;
    const reading: DateValue = {
      month,
      ...(known.isCertain('day') ? { day: known.get('day')! } : {}),
      ...(known.isCertain('year') ? { year: known.get('year')! } : {}),
    };
    if (!valid(reading)) continue;
    const existing = found.find((f) => f.start < end && start < f.end);
    if (existing) {
      existing.readings = unique([...existing.readings, reading]);
      existing.start = Math.min(existing.start, start);
      existing.end = Math.max(existing.end, end);
      continue;
    }
    taken.push([start, end]);
    found.push({ readings: [reading], start, end });
  }
  return found.sort((a, b) => a.start - b.start);
}

function unique(readings: DateValue[]): DateValue[] {
  const seen = new Set<string>();
  return readings.filter((r) => {
    const key = `${r.year}-${r.month}-${r.day}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type DateAgreement = 'same' | 'partial' | 'conflict';

/**
 * How an answer's date relates to an enrolled one: the same day, compatible but less precise
 * (no year given), or a different date. Any reading of either side may be the intended one.
 */
export function compareDates(enrolled: FoundDate, answer: FoundDate): DateAgreement {
  let best: DateAgreement = 'conflict';
  for (const e of enrolled.readings) {
    for (const a of answer.readings) {
      if (e.month !== a.month) continue;
      if (e.day !== undefined && a.day !== undefined && e.day !== a.day) continue;
      if (e.year !== undefined && a.year !== undefined && e.year !== a.year) continue;
      const complete = (e.day === undefined || a.day !== undefined) && (e.year === undefined || a.year !== undefined);
      if (complete) return 'same';
      best = 'partial';
    }
  }
  return best;
}
