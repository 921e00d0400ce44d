/**
 * Points in time for the quality gate: strict ISO-8601 values and bounds relative to the run time.
 *
 * Values are parsed strictly because `Date.parse` is lenient: it reads `"3"` as a date in 2001, so a
 * misaligned field (a phone number in a timestamp column) would slip through a timestamp window.
 */

/** `2024-03-01`, or a datetime with a zone: `2024-03-01T12:00:00Z`, `…+05:30`, Salesforce's `…+0000`. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/** `now`, or `now` plus or minus a whole number of s, m, h, d, w or y: `now-3y`, `now+5m`, `now-24h`. */
const RELATIVE_TIME = /^now(?:([+-])(\d+)([smhdwy]))?$/;

const fixedShift =
  (unitMs: number) =>
  (runTime: Date, amount: number): number =>
    runTime.getTime() + amount * unitMs;

const SHIFTS: Readonly<Record<string, (runTime: Date, amount: number) => number>> = {
  s: fixedShift(1_000),
  m: fixedShift(60_000),
  h: fixedShift(3_600_000),
  d: fixedShift(86_400_000),
  w: fixedShift(604_800_000),
  // Calendar years, so that `now-10y` on 2026-03-01 is 2016-03-01 whatever the leap days between.
  y: (runTime, amount) => {
    const shifted = new Date(runTime.getTime());
    shifted.setUTCFullYear(shifted.getUTCFullYear() + amount);
    return shifted.getTime();
  },
};

/** 400 Gregorian years: the calendar repeats exactly after them. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;
const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (year: number, month: number): number => (month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0));

/** The number written by `count` digits at `start` (the caller has checked they are digits). */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i += 1) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
}

/** The zone's offset from UTC in minutes (`zoneAt` is where `Z`, `+hh:mm` or `+hhmm` starts); null when out of range. */
function offsetMinutes(text: string, zoneAt: number): number | null {
  if (text[zoneAt] === 'Z') return 0;
  const [hours, minutes] = [digitsAt(text, zoneAt + 1, 2), digitsAt(text, text.length - 2, 2)];
  if (hours > 23 || minutes > 59) return null;
  return text[zoneAt] === '-' ? -(hours * 60 + minutes) : hours * 60 + minutes;
}

/** Milliseconds from UTC midnight of the date to the zoned time after its `T`; null when a field is out of range. */
function zonedTimeMs(text: string): number | null {
  const zoneAt = text.endsWith('Z') ? text.length - 1 : text.length - (text[text.length - 3] === ':' ? 6 : 5);
  const [hour, minute] = [digitsAt(text, 11, 2), digitsAt(text, 14, 2)];
  const second = text[16] === ':' ? digitsAt(text, 17, 2) : 0;
  const fractionDigits = text[19] === '.' ? Math.min(3, zoneAt - 20) : 0;
  const millis = digitsAt(text, 20, fractionDigits) * 10 ** (3 - fractionDigits);
  const offset = offsetMinutes(text, zoneAt);
  if (hour > 23 || minute > 59 || second > 59 || offset === null) return null;
  return ((hour * 60 + minute - offset) * 60 + second) * 1000 + millis;
}

/** Milliseconds from the epoch to UTC midnight of a real date. */
function utcMidnightMs(year: number, month: number, day: number): number {
  // Date.UTC reads years 0-99 as 1900-1999 (0001-01-01 is a common placeholder): compute 400 years on.
  const early = year < 100;
  const midnight = Date.UTC(early ? year + 400 : year, month - 1, day);
  return early ? midnight - FOUR_CENTURIES_MS : midnight;
}

/** The plain UTC form: what toISOString writes, and Salesforce with `+0000` for its `Z`. */
const PLAIN_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?:Z|\+0000)$/;

/**
 * Whether `text` is `YYYY-MM-DDTHH:MM:SS.sss` then `Z` or `+0000`, every field in range (no 24:00,
 * no leap second, no 02-30): nearly every timestamp a source sends, read without the general pattern.
 */
export function isPlainUtcInstant(text: string): boolean {
  if (!PLAIN_UTC.test(text)) return false;
  const [year, month, day] = [digitsAt(text, 0, 4), digitsAt(text, 5, 2), digitsAt(text, 8, 2)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  return digitsAt(text, 11, 2) <= 23 && digitsAt(text, 14, 2) <= 59 && digitsAt(text, 17, 2) <= 59;
}

/** The instant of a text `isPlainUtcInstant` holds. */
function plainUtcMs(text: string): number {
  const midnight = utcMidnightMs(digitsAt(text, 0, 4), digitsAt(text, 5, 2), digitsAt(text, 8, 2));
  const seconds = (digitsAt(text, 11, 2) * 60 + digitsAt(text, 14, 2)) * 60 + digitsAt(text, 17, 2);
  return midnight + seconds * 1000 + digitsAt(text, 20, 3);
}

/**
 * Milliseconds since the epoch, or null when `text` is not a real ISO-8601 date or zoned datetime
 * (2023-02-29 is refused, where Date.parse rolls it over to March). The pattern fixes where each part
 * sits, so the parts are read in place: this runs once per value per timestamp rule, and for the
 * plain UTC form, which nearly every value is, a shorter pattern and no zone to read.
 */
export function parseInstant(text: string): number | null {
  if (isPlainUtcInstant(text)) return plainUtcMs(text);
  if (!ISO_INSTANT.test(text)) return null;
  const [year, month, day] = [digitsAt(text, 0, 4), digitsAt(text, 5, 2), digitsAt(text, 8, 2)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const time = text.length > 10 ? zonedTimeMs(text) : 0;
  return time === null ? null : utcMidnightMs(year, month, day) + time;
}

export function isRelativeTime(text: string): boolean {
  return RELATIVE_TIME.test(text);
}

/** Resolves `now±N<unit>` against the run time; null when `text` is not a relative time. */
export function resolveRelativeTime(text: string, runTime: Date): number | null {
  const match = RELATIVE_TIME.exec(text);
  if (!match) return null;
  const [, sign, amount, unit] = match;
  if (!sign || !amount || !unit) return runTime.getTime();
  const shift = SHIFTS[unit];
  return shift ? shift(runTime, sign === '-' ? -Number(amount) : Number(amount)) : null;
}

/** A datetime bound as written in a suite (absolute or relative), in epoch milliseconds; null when neither. */
export function resolveTimeBound(text: string, runTime: Date): number | null {
  return resolveRelativeTime(text, runTime) ?? parseInstant(text);
}

/**
 * An instant to the microsecond, as pandas and warehouses keep timestamps (GX compares these): the
 * millisecond since the epoch and the microseconds within it, since a double cannot hold microseconds
 * over the years 0001 to 9999.
 */
export interface PreciseInstant {
  readonly ms: number;
  readonly us: number;
}

/** 0001-01-01T00:00:00Z: Date.UTC reads year 1 as 1901. */
const FIRST_INSTANT_MS = -62_135_596_800_000;
const LAST_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * `parseInstant` to the microsecond, fraction digits past the sixth cut off (as pandas, pydantic and
 * dateutil do); null as well outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999Z, which
 * Python's datetime cannot hold.
 */
export function parsePreciseInstant(text: string): PreciseInstant | null {
  const ms = parseInstant(text);
  if (ms === null || ms < FIRST_INSTANT_MS || ms > LAST_INSTANT_MS) return null;
  return { ms, us: text[19] === '.' ? microsecondsAt(text) : 0 };
}

/** The fourth to sixth digits of the fraction that starts at 20, as microseconds; digits past the sixth are cut off. */
function microsecondsAt(text: string): number {
  let end = 20;
  while (end < 26 && text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end += 1;
  return end > 23 ? digitsAt(text, 23, end - 23) * 10 ** (26 - end) : 0;
}

export const compareInstants = (a: PreciseInstant, b: PreciseInstant): number => a.ms - b.ms || a.us - b.us;
