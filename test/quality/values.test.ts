/**
 * PyValueMap, which uniqueness and set rules key values by, finds a value exactly when pyKey (the
 * key Python's equality and hashing are written down as) holds it equal to one it holds.
 */
import fc from 'fast-check';
import { pyKey, PythonTypeError, PyValueMap, type PyValue } from '../../activities/quality/values';

/** Values that look alike across kinds: text "1" and "n1", number 1 and True, -0 and 0, NaN, instants a microsecond apart. */
const pyValue: fc.Arbitrary<PyValue> = fc.oneof(
  fc.constantFrom('1', 'n1', 's1', 't0.0', '', 'True', '0').map((value): PyValue => ({ kind: 'str', value })),
  fc.string({ maxLength: 3 }).map((value): PyValue => ({ kind: 'str', value })),
  fc.constantFrom(0, -0, 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e21).map((value): PyValue => ({ kind: 'num', value, float: true })),
  fc.integer({ min: -3, max: 3 }).map((value): PyValue => ({ kind: 'num', value, float: false })),
  fc.boolean().map((value): PyValue => ({ kind: 'bool', value })),
  fc
    .tuple(fc.constantFrom(0, 1, -62_135_596_800_000), fc.constantFrom(0, 1, 999))
    .map(([ms, us]): PyValue => ({ kind: 'time', instant: { ms, us } })),
);

describe('PyValueMap', () => {
  it('holds two values one key exactly when pyKey does', () => {
    fc.assert(
      fc.property(fc.array(pyValue, { minLength: 1, maxLength: 12 }), pyValue, (held, probe) => {
        const map = new PyValueMap<number>();
        held.forEach((value, i) => map.set(value, i));
        const byKey = new Map(held.map((value, i) => [pyKey(value), i]));
        expect(map.get(probe)).toBe(byKey.get(pyKey(probe)));
      }),
      { numRuns: 5_000 },
    );
  });

  it('refuses an unhashable value as pyKey does', () => {
    const map = new PyValueMap<number>();
    for (const value of [{}, []]) {
      expect(() => map.get({ kind: 'object', value })).toThrow(PythonTypeError);
      expect(() => map.set({ kind: 'object', value }, 1)).toThrow(PythonTypeError);
    }
  });
});
