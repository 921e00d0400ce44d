/**
 * Texts shaped like the timestamps sources send, for checking a fast path against the general one:
 * the plain UTC form (`2024-05-01T12:00:00.000Z`, Salesforce's `…+0000`) with every field drawn
 * past its range (day 30 of February, hour 24, minute and second 60, years below 1000 and above
 * 9999), other zones, other fractions, other separators, a character replaced anywhere, and garbage.
 */
import fc from 'fast-check';

const pad = (width: number) => (n: number) => String(n).padStart(width, '0');

/** Two digits, the edges of every field among them. */
const twoDigits = fc.oneof(
  fc.integer({ min: 0, max: 99 }).map(pad(2)),
  fc.constantFrom('00', '01', '02', '12', '13', '23', '24', '28', '29', '30', '31', '32', '59', '60', '99'),
);
const year = fc.oneof(
  fc.integer({ min: 0, max: 9999 }).map(pad(4)),
  fc.constantFrom('0000', '0001', '0004', '0049', '0050', '0099', '0100', '0999', '1000', '1900', '2000', '2023', '2024', '9999'),
  fc.constantFrom('10000', '+010000', '-000001', '999', '20245'),
);
const dateSeparator = fc.constantFrom('T', 'T', 'T', ' ', 't');
const fraction = fc.constantFrom('.000', '.999', '.123', '.123', '', '.5', '.12', '.1234', '.123456', '.123456789', '.', '.12a');
/** Zones Salesforce writes (Z, +0000), and ones it does not. */
export const ZONES = ['Z', '+0000', '-0000', '+00:00', '+0100', '-0530', '+2400', '+0060', '', 'z', ' +0000', '+000', ' UTC'] as const;
const zone = fc.oneof(fc.constantFrom('Z', '+0000'), fc.constantFrom(...ZONES));

const shaped = fc
  .tuple(year, twoDigits, twoDigits, dateSeparator, twoDigits, twoDigits, twoDigits, fraction, zone)
  .map(([y, mo, d, t, h, mi, s, f, z]) => `${y}-${mo}-${d}${t}${h}:${mi}:${s}${f}${z}`);

/** A shaped text with one character replaced by any other. */
const mutated = fc
  .tuple(shaped, fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }))
  .map(([text, at, char]) => text.slice(0, at % text.length) + char + text.slice((at % text.length) + 1));

export const timestampTexts: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: shaped },
  { weight: 2, arbitrary: mutated },
  { weight: 1, arbitrary: fc.string() },
);

/**
 * Every day 00 to 32 of every month 00 to 13, in common, leap and century years (and years below
 * 100, which Date.UTC reads as 19xx), at the day's last millisecond, midnight and hour 24, in each zone.
 */
export function calendarGrid(zones: readonly string[] = ZONES): string[] {
  const texts: string[] = [];
  for (const y of ['0000', '0004', '0099', '0100', '1900', '2000', '2023', '2024', '9999']) {
    for (let month = 0; month <= 13; month += 1) {
      for (let day = 0; day <= 32; day += 1) {
        for (const time of ['23:59:59.999', '00:00:00.000', '24:00:00.000']) {
          for (const z of zones) texts.push(`${y}-${pad(2)(month)}-${pad(2)(day)}T${time}${z}`);
        }
      }
    }
  }
  return texts;
}
