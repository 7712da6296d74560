// Runs in: renderer (DOM); pure, also unit-tested in node. Money and date formatting with Intl.

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = moneyFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    moneyFormats.set(key, format);
  }
  return format;
}

/** How many minor digits a currency has, as Intl knows it (KRW 0, USD 2, BHD 3). */
export function currencyDigits(currency: string): number {
  return moneyFormat('en', currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/**
 * Formats an amount given in minor units: 1500 KRW is ₩1,500, 1500 USD is $15.00.
 */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const digits = currencyDigits(currency);
  return moneyFormat(locale, currency).format(minor / 10 ** digits);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions, key: string): Intl.DateTimeFormat {
  const cacheKey = `${locale}|${key}`;
  let format = dateFormats.get(cacheKey);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, options);
    dateFormats.set(cacheKey, format);
  }
  return format;
}

function toDate(value: string | number | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "2025. 11. 25. 오후 5:20" / "Nov 25, 2025, 5:20 PM". */
export function formatDateTime(value: string | number | Date, locale: string): string {
  const date = toDate(value);
  return date ? dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }, 'dt').format(date) : '';
}

/** Time of day only, for today's order board: "17:20" style per locale. */
export function formatTime(value: string | number | Date, locale: string): string {
  const date = toDate(value);
  return date ? dateFormat(locale, { timeStyle: 'short' }, 't').format(date) : '';
}

/** A calendar day given as YYYY-MM-DD (a business day, no time zone of its own): "2025년 11월 25일 화요일" / "Tuesday, November 25, 2025". */
export function formatDay(day: string, locale: string): string {
  const date = toDate(`${day}T00:00:00Z`);
  return date ? dateFormat(locale, { dateStyle: 'full', timeZone: 'UTC' }, 'day').format(date) : day;
}

/** As formatDateTime, on the wall clock of a given zone (the station's, which a report counts in). */
export function formatDateTimeIn(value: string | number | Date, locale: string, timeZone: string): string {
  const date = toDate(value);
  return date ? dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }, `dt|${timeZone}`).format(date) : '';
}

/** As formatTime, on the wall clock of a given zone. */
export function formatTimeIn(value: string | number | Date, locale: string, timeZone: string): string {
  const date = toDate(value);
  return date ? dateFormat(locale, { timeStyle: 'short', timeZone }, `t|${timeZone}`).format(date) : '';
}
