/**
 * Suite regexes are Python's (GX runs re.search on pandas): the translation to JavaScript answers as
 * Python does. The rules that differ from JavaScript are pinned here; python-regex-vs-python.test.ts
 * holds a corpus of patterns and texts and every code point against Python.
 */
import { PythonRegexError, pythonRegex } from '../../activities/quality/python-regex';

const finds = (pattern: string, text: string): boolean => pythonRegex(pattern).test(text);

describe('Python regex semantics in JavaScript', () => {
  it('anchors as Python does: \\A and \\Z the string, $ also before one trailing newline', () => {
    expect(finds('\\Aab\\Z', 'ab')).toBe(true);
    expect(finds('\\Aab\\Z', 'ab\n')).toBe(false);
    expect(finds('^ab$', 'ab\n')).toBe(true);
    expect(finds('^ab$', 'ab\n\n')).toBe(false);
    expect(finds('^ab$', 'x\nab')).toBe(false);
    expect(finds('(?m)^ab$', 'x\nab\ny')).toBe(true);
    expect(finds('(?m)^ab$', 'x\rab\ry')).toBe(false);
  });

  it('reads \\w, \\d, \\s and \\b as Unicode, and as ASCII under (?a)', () => {
    expect(finds('^\\w+$', 'Zoë_Ångström')).toBe(true);
    expect(finds('^\\d+$', '١٢٣')).toBe(true);
    expect(finds('^\\d+$', '١٢٣'.replace('١', '½'))).toBe(false);
    expect(finds('(?a)^\\w+$', 'Zoë')).toBe(false);
    expect(finds('^\\s$', '\u001c')).toBe(true);
    expect(finds('^\\s$', '\ufeff')).toBe(false);
    expect(finds('\\bë', 'Zoë')).toBe(false);
    expect(finds('\\B', '')).toBe(false);
  });

  it('lets . stop only at \\n, and (?s) take it too', () => {
    expect(finds('^a.b$', 'a\rb')).toBe(true);
    expect(finds('^a.b$', 'a\nb')).toBe(false);
    expect(finds('(?s)^a.b$', 'a\nb')).toBe(true);
  });

  it('folds case as Python under (?i), scoped flags included', () => {
    expect(finds('(?i)^I$', 'ı')).toBe(true);
    expect(finds('(?i)^i$', 'İ')).toBe(true);
    expect(finds('(?i)^k$', 'K')).toBe(true);
    expect(finds('^(?i:a)b$', 'AB')).toBe(false);
    expect(finds('^(?i:a)b$', 'Ab')).toBe(true);
  });

  it('takes Python-only syntax: named groups, {,n}, a literal {, atomic groups and possessive repeats', () => {
    expect(finds('^(?P<x>ab)(?P=x)$', 'abab')).toBe(true);
    expect(finds('^a{,2}$', 'aa')).toBe(true);
    expect(finds('^a{}$', 'a{}')).toBe(true);
    expect(finds('^(?>a+)a$', 'aaa')).toBe(false);
    expect(finds('^a++b$', 'aab')).toBe(true);
    expect(finds('(?x)^ a \\  b # comment\n$', 'a b')).toBe(true);
  });

  it.each([
    ['\\p{L}', 'bad escape \\p'],
    ['\\z', 'bad escape \\z'],
    ['(?<=a|bc)x', 'look-behind requires fixed-width pattern'],
    ['a(?i)b', 'global flags not at the start'],
    ['(?<n>a)', 'unknown extension ?<n'],
    ['a**', 'multiple repeat'],
    ['\\1(a)', 'invalid group reference 1'],
    ['(?(1)a|b)', 'conditional groups'],
    ['\\N{BULLET}', 'named characters'],
    ['(?i)(a)\\1', 'IGNORECASE'],
  ])('refuses %s, saying why', (pattern, message) => {
    expect(() => pythonRegex(pattern)).toThrow(PythonRegexError);
    expect(() => pythonRegex(pattern)).toThrow(message);
  });
});
