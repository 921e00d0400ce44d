/** Case folding as Python's `re` does it: the class a set becomes under IGNORECASE. */
import { categoryClass, inRanges, normalise, rangesSource } from './charset';
import { MAX_CODE_POINT, type CharSet, type Range } from './tree';

/**
 * Python's re/_casefix.py (3.11): lower-case letters that also match each other under IGNORECASE,
 * as sets of letters that match one another (_casefix.py lists each letter with the rest of its set).
 */
const EXTRA_CASE_SETS: readonly (readonly number[])[] = [
  [105, 305],
  [115, 383],
  [181, 956],
  [837, 953, 8126],
  [912, 8147],
  [944, 8163],
  [946, 976],
  [949, 1013],
  [952, 977],
  [954, 1008],
  [960, 982],
  [961, 1009],
  [962, 963],
  [966, 981],
  [1074, 7296],
  [1076, 7297],
  [1086, 7298],
  [1089, 7299],
  [1090, 7300, 7301],
  [1098, 7302],
  [1123, 7303],
  [7304, 42571],
  [7777, 7835],
  [64261, 64262],
];

/** Each letter of a set with the others of its set. */
const EXTRA_CASES: ReadonlyMap<number, readonly number[]> = new Map(
  EXTRA_CASE_SETS.flatMap((set) => set.map((code): [number, number[]] => [code, set.filter((other) => other !== code)])),
);

/** Python's simple lower-case mapping (sre_lower_unicode): one code point to one. */
function lower(code: number): number {
  if (code === 0x130) return 0x69; // İ: its full lower case is two code points, its simple one is i
  const folded = String.fromCodePoint(code).toLowerCase();
  const first = folded.codePointAt(0);
  return first !== undefined && folded.length === String.fromCodePoint(first).length ? first : code;
}

let changedByLower: Map<number, number> | null = null;
/** Every code point whose lower case is another one, with it: found once, on the first `(?i)`. */
function lowerCased(): Map<number, number> {
  if (changedByLower) return changedByLower;
  const changed = new Map<number, number>();
  for (let start = 0; start <= MAX_CODE_POINT; start += 0x1000) {
    const codes: number[] = [];
    for (let code = start; code < start + 0x1000; code += 1) if (code < 0xd800 || code > 0xdfff) codes.push(code);
    for (const found of String.fromCodePoint(...codes).matchAll(/\p{Changes_When_Lowercased}/gu)) {
      const code = found[0].codePointAt(0) ?? 0;
      const low = lower(code);
      if (low !== code) changed.set(code, low);
    }
  }
  changedByLower = changed;
  return changed;
}

/**
 * The class a set becomes under IGNORECASE. Python lower-cases each listed code point (adding the
 * extra cases of _casefix.py) and, matching, lower-cases the text's character before looking it up,
 * categories included: x matches when lower(x) is in the lowered set. Code points lower() keeps are
 * in or out as they are; the few it changes are decided one by one.
 */
export function foldedSource(set: CharSet): string {
  const changed = lowerCased();
  const images: Range[] = [];
  for (const [code, low] of changed) if (inRanges(set.ranges, code)) images.push([low, low]);
  const lowered = (code: number): boolean => (inRanges(set.ranges, code) && !changed.has(code)) || inRanges(images, code);
  const extras: Range[] = [];
  for (const [code, others] of EXTRA_CASES) if (lowered(code)) for (const other of others) extras.push([other, other]);
  const listed = normalise([...set.ranges, ...images, ...extras]);
  const categories = set.categories.map((c) => new RegExp(`^${categoryClass(c)}$`, 'v'));
  const member = (code: number): boolean =>
    lowered(code) || inRanges(extras, code) || categories.some((pattern) => pattern.test(String.fromCodePoint(code)));
  const extra: Range[] = [];
  for (const [code, low] of changed) if (member(low)) extra.push([code, code]);
  const base = `${rangesSource(listed)}${set.categories.map(categoryClass).join('')}`;
  const changedSource = rangesSource(normalise([...changed.keys()].map((code): Range => [code, code])));
  const kept = base === '' ? '' : `[[${base}]--[${changedSource}]]`;
  return `[${set.negated ? '^' : ''}${kept}${rangesSource(normalise(extra))}]`;
}
