import fc from 'fast-check';
import {
  isPlainUtcInstant,
  isRelativeTime,
  parseInstant,
  parsePreciseInstant,
  resolveRelativeTime,
  resolveTimeBound,
} from '../../activities/quality/instants';
import { calendarGrid, timestampTexts } from '../support/timestamp-texts';

describe('parseInstant', () => {
  it('reads the forms sources send, zones included', () => {
    expect(parseInstant('2024-03-01T12:00:00.000Z')).toBe(Date.UTC(2024, 2, 1, 12));
    expect(parseInstant('2024-03-01T12:00:00.000+0000')).toBe(Date.UTC(2024, 2, 1, 12));
    expect(parseInstant('2024-03-01T12:00:00+05:30')).toBe(Date.UTC(2024, 2, 1, 6, 30));
    expect(parseInstant('2024-03-01T12:00:00.5-0130')).toBe(Date.UTC(2024, 2, 1, 13, 30, 0, 500));
    expect(parseInstant('2024-03-01T12:00Z')).toBe(Date.UTC(2024, 2, 1, 12));
    expect(parseInstant('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
    expect(parseInstant('0001-01-01')).toBe(Date.parse('0001-01-01T00:00:00Z'));
  });

  it('refuses what Date.parse would wrongly accept: loose text, impossible days, no zone', () => {
    for (const text of [
      '3',
      '555-1234',
      '+1 415-555-0100',
      'March 1, 2024',
      '2023-02-29',
      '2024-04-31',
      '2024-03-01T24:00:00Z',
      '2024-03-01T12:00:00',
      '2024-03-01T12:00:60Z',
      '2024-03-01T12:00:00+00:99',
      '2024-03-01T12:00:00+2400',
      '',
    ]) {
      expect({ text, parsed: parseInstant(text) }).toEqual({ text, parsed: null });
    }
    expect(parseInstant('2024-02-29')).not.toBeNull();
  });

  it('agrees with Date.parse on every ISO timestamp, in any zone', () => {
    const offsets = fc.record({
      sign: fc.constantFrom('+', '-'),
      hours: fc.integer({ min: 0, max: 14 }),
      minutes: fc.constantFrom(0, 30, 45),
    });
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0100-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }),
        offsets,
        fc.boolean(),
        (date, zone, colon) => {
          const iso = date.toISOString();
          expect(parseInstant(iso)).toBe(date.getTime());
          const hh = String(zone.hours).padStart(2, '0');
          const mm = String(zone.minutes).padStart(2, '0');
          const zoned = `${iso.slice(0, -1)}${zone.sign}${hh}${colon ? ':' : ''}${mm}`;
          expect(parseInstant(zoned)).toBe(Date.parse(`${iso.slice(0, -1)}${zone.sign}${hh}:${mm}`));
        },
      ),
    );
  });
});

describe('the plain UTC form, read without the general pattern', () => {
  /** A plain text is read right exactly when it is the text of the instant Date.parse gives it (no rolling over). */
  const roundTrips = (text: string): boolean => {
    const at = Date.parse(text);
    return !Number.isNaN(at) && new Date(at).toISOString().slice(0, 23) === text.slice(0, 23);
  };

  it('is read as Date.parse reads it when every field is in range, and refused otherwise', () => {
    const grid = calendarGrid(['Z', '+0000']);
    for (const text of grid) {
      expect({ text, plain: isPlainUtcInstant(text) }).toEqual({ text, plain: roundTrips(text) });
      expect({ text, parsed: parseInstant(text) }).toEqual({ text, parsed: roundTrips(text) ? Date.parse(text) : null });
    }
    expect(grid.filter(isPlainUtcInstant).length).toBeGreaterThan(1000);
  });

  it('is taken only when it is that form, whatever the text', () => {
    fc.assert(
      fc.property(timestampTexts, (text) => {
        const plainShape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?:Z|\+0000)$/.test(text);
        expect({ text, plain: isPlainUtcInstant(text) }).toEqual({ text, plain: plainShape && roundTrips(text) });
        if (isPlainUtcInstant(text)) expect(parseInstant(text)).toBe(Date.parse(text));
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('parsePreciseInstant', () => {
  /** The microseconds as first written: the fraction's fourth to sixth digits, read by a pattern. */
  const microsecondsByPattern = (text: string): number => {
    const fraction = text[19] === '.' ? (/^\.(\d+)/.exec(text.slice(19))?.[1] ?? '') : '';
    return fraction.length > 3 ? Number(fraction.slice(3, 6).padEnd(3, '0')) : 0;
  };

  it('keeps the microseconds of any fraction, in any zone', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0002-01-01T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }),
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: 9 }),
        fc.constantFrom('Z', '+0000', '-05:30', '+0100'),
        (date, digits, zone) => {
          const text = `${date.toISOString().slice(0, 19)}${digits === '' ? '' : `.${digits}`}${zone}`;
          const instant = parsePreciseInstant(text);
          expect({ text, instant }).toEqual({ text, instant: { ms: parseInstant(text), us: microsecondsByPattern(text) } });
        },
      ),
      { numRuns: 5_000 },
    );
    expect(parsePreciseInstant('2024-03-01T12:00:00.1234567+05:30')).toEqual({ ms: Date.UTC(2024, 2, 1, 6, 30, 0, 123), us: 456 });
    expect(parsePreciseInstant('2024-03-01T12:00:00.1234Z')).toEqual({ ms: Date.UTC(2024, 2, 1, 12, 0, 0, 123), us: 400 });
    expect(parsePreciseInstant('2024-03-01T12:00:00.12+0100')).toEqual({ ms: Date.UTC(2024, 2, 1, 11, 0, 0, 120), us: 0 });
  });
});

describe('relative times', () => {
  const runTime = new Date('2026-03-01T12:00:00.000Z');

  it('shifts the run time by the written amount', () => {
    expect(resolveRelativeTime('now', runTime)).toBe(runTime.getTime());
    expect(resolveRelativeTime('now+5m', runTime)).toBe(runTime.getTime() + 5 * 60_000);
    expect(resolveRelativeTime('now-24h', runTime)).toBe(runTime.getTime() - 24 * 3_600_000);
    expect(resolveRelativeTime('now-90s', runTime)).toBe(runTime.getTime() - 90_000);
    expect(resolveRelativeTime('now-2w', runTime)).toBe(Date.UTC(2026, 1, 15, 12));
    expect(resolveRelativeTime('now-3d', runTime)).toBe(Date.UTC(2026, 1, 26, 12));
  });

  it('counts years on the calendar, across leap days', () => {
    expect(resolveRelativeTime('now-3y', runTime)).toBe(Date.UTC(2023, 2, 1, 12));
    expect(resolveRelativeTime('now-10y', runTime)).toBe(Date.UTC(2016, 2, 1, 12));
    expect(resolveRelativeTime('now+1y', runTime)).toBe(Date.UTC(2027, 2, 1, 12));
  });

  it('knows its syntax, and an absolute bound resolves to itself', () => {
    for (const text of ['now', 'now-3y', 'now+5m', 'now-24h']) expect(isRelativeTime(text)).toBe(true);
    for (const text of ['NOW', 'now -3y', 'now-3', 'now-3mo', 'now-1.5h', 'today', 'now-y']) expect(isRelativeTime(text)).toBe(false);
    expect(resolveTimeBound('2020-01-01T00:00:00Z', runTime)).toBe(Date.UTC(2020, 0, 1));
    expect(resolveTimeBound('yesterday', runTime)).toBeNull();
  });
});
