/**
 * Suite regexes are Python's (GX runs re.search on pandas): the translation to JavaScript answers as
 * Python does. The rules that differ from JavaScript are pinned here; with the Python environment of
 * scripts/python-env.sh, a corpus of patterns and texts and every code point are held against Python.
 */
import { z } from 'zod';
import { PythonRegexError, pythonRegex } from '../../activities/quality/python-regex';
import { gxPython, runPython, skippedBecause } from './gx/harness';

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

/** Patterns that exercise every rule, over texts that tell the dialects apart. */
const PATTERNS = [
  '',
  'a',
  '^a',
  'a$',
  '^a$',
  '\\Aa\\Z',
  '(?m)^a$',
  '(?m)a$',
  '(?s).',
  '.',
  '^.$',
  '^..$',
  '\\n',
  'a\\Z',
  '$',
  '^',
  '(?m)$',
  '(?m)^',
  '\\w',
  '^\\w+$',
  '\\W',
  '\\d',
  '^\\d+$',
  '\\D',
  '\\s',
  '\\S',
  '\\b',
  '\\B',
  '\\bx\\b',
  '(?a)\\w',
  '(?a)^\\w+$',
  '(?a)\\b',
  '(?a)\\s',
  '(?a)\\d',
  '[\\w.-]+@[\\w-]+\\.\\w+',
  '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
  '^https?://',
  '[a-z]',
  '[^a-z]',
  '[\\W\\d]',
  '[^\\W]',
  '[^\\s@]',
  '[]a]',
  '[^]a]',
  '[a-]',
  '[-a]',
  '[\\b]',
  '[\\x41-\\x43]',
  '\\u00e9',
  '\\U0001F600',
  '\\x41',
  '\\101',
  '\\0',
  '\\07',
  '[\\0-\\10]',
  '\\t',
  '\\a',
  '\\.',
  '\\-',
  '\\ ',
  '\\@',
  'a{2}',
  'a{2,}',
  'a{,2}',
  'a{1,2}',
  '^a{,}$',
  'a{}',
  'a{',
  'a{x}',
  'a{1,x}',
  '{',
  '}',
  'a{2,1}',
  'x*',
  'x+?',
  'x??',
  'x{1,2}?',
  'a++',
  'a*+b',
  '(?>a|ab)c',
  '(?>a+)a',
  '(a)\\1',
  '(?P<n>a+)b(?P=n)',
  '(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10',
  '(a)(?:b)\\1',
  '(?=a)',
  '(?!a)',
  '(?<=a)b',
  '(?<!a)b',
  '(?<=ab|cd)e',
  '(?=a)*b',
  '(?i)a',
  '(?i)[a-c]',
  '(?i)[^a-c]',
  '(?i)\\w',
  '(?i)[\\W]',
  '(?i)k',
  '(?i)[k]',
  '(?i)s',
  '(?i)ſ',
  '(?i)σ',
  '(?i)[σ-ς]',
  '(?i)ß',
  '(?i)İ',
  '(?i)i',
  '(?i)[i-j]',
  '(?i)µ',
  '(?i:a)b',
  '(?-i:a)b',
  '(?i)(?-i:a)b',
  '(?s:.)',
  '(?m:^)b',
  '(?x) a b c',
  '(?x)[ ]',
  '(?x)a # c\nb',
  '(?#comment)a',
  '(?u)\\w',
  '(?L)a',
  '(?ia)\\w',
  '(?-i)a',
  '\\p{L}',
  '\\z',
  '\\e',
  '\\8',
  '[\\8]',
  '[a-\\w]',
  '[z-a]',
  '(',
  ')',
  '[',
  'a)',
  '(?<n>a)',
  '(?P<1>a)',
  '(?P<n>a)(?P<n>b)',
  '(?P=m)',
  '(a\\1)',
  '*',
  'a**',
  '(?<=a+)b',
  '(?<=a{2})b',
  '(a|b)*c',
  '(?:a|)b',
  'a|',
  '|a',
  'a||b',
  '\\x4',
  '\\u00g1',
  '\\U00110000',
  '\\400',
  '\\777',
  '[\\400]',
  '\\N{BULLET}',
  '(?(1)a|b)',
];

const TEXTS = [
  '',
  'a',
  'A',
  'ab',
  'ba',
  'a\n',
  'a\n\n',
  '\na',
  'x\na\ny',
  'a\r\n',
  'a\rb',
  'ab\u2028',
  'aa',
  'aab',
  'aaa',
  'aaab',
  'abab',
  'abc',
  'ac',
  'cde',
  'abe',
  'x',
  ' x ',
  'x_y',
  'Zoë',
  'ëx',
  'naïve café',
  'Ångström',
  'ſ',
  'S',
  's',
  'K',
  'k',
  'Σ',
  'σ',
  'ς',
  'ß',
  'ẞ',
  'SS',
  'İ',
  'ı',
  'i',
  'I',
  'µ',
  'μ',
  'Μ',
  '123',
  '١٢٣',
  '½',
  'Ⅻ',
  '²',
  '\u0301',
  'e\u0301',
  '\u00a0',
  '\u3000',
  '\u001c',
  '\u0085',
  '\ufeff',
  '\t',
  '\v',
  '\f',
  '\u0007',
  '\b',
  '\0',
  '\u0008',
  'ada@example.com',
  'ada@example.com\n',
  'ada.lovelace+1@sub.example.co.uk',
  'not an email',
  'a@b',
  'a b@c.d',
  'ü@ß.de',
  'http://x',
  'https://x',
  'ftp://x',
  'a{}',
  'a{',
  'a{x}',
  'a{1,x}',
  '{',
  '}',
  'ABC',
  'a-b',
  ']',
  '-',
  '.',
  '@',
  '😀',
  'a😀b',
  '𐐀',
  '𐐨',
  'a𐐀',
  '𐐀 x',
  'abcdefghijj',
  'abcdefghija0',
  'A\n',
  '\n',
];

const gx = gxPython();
const describeWithPython = 'python' in gx ? describe : describe.skip;

describeWithPython(`against Python's re${'python' in gx ? '' : ` (${skippedBecause(gx.missing)})`}`, () => {
  const python = 'python' in gx ? gx.python : '';

  it('finds the same texts, and refuses the same patterns (or says why JavaScript cannot follow)', async () => {
    const answers = z
      .object({ answers: z.array(z.union([z.object({ error: z.string() }), z.object({ found: z.array(z.boolean()) })])) })
      .parse(await runPython(python, { kind: 'regex', cases: PATTERNS.map((pattern) => ({ pattern, texts: TEXTS })) })).answers;
    const differences: string[] = [];
    PATTERNS.forEach((pattern, i) => {
      const expected = answers[i];
      let ours: RegExp | PythonRegexError;
      try {
        ours = pythonRegex(pattern);
      } catch (error) {
        if (!(error instanceof PythonRegexError)) throw error;
        ours = error;
      }
      if (!expected) return;
      if ('error' in expected) {
        if (!(ours instanceof PythonRegexError))
          differences.push(`${JSON.stringify(pattern)}: Python refuses it (${expected.error}), we accept it`);
        return;
      }
      if (ours instanceof PythonRegexError) {
        // Refusing what JavaScript cannot say is allowed, as long as we say so.
        if (!/no (exact )?JavaScript equivalent|not supported/.test(ours.message))
          differences.push(`${JSON.stringify(pattern)}: Python accepts it, we refuse it (${ours.message})`);
        return;
      }
      TEXTS.forEach((text, j) => {
        if (ours.test(text) !== expected.found[j])
          differences.push(`${JSON.stringify(pattern)} on ${JSON.stringify(text)}: Python ${String(expected.found[j])}`);
      });
    });
    expect(differences).toEqual([]);
  });

  it('puts the same code points in each class, but for those this Python does not know yet', async () => {
    const classes = ['\\w', '\\d', '(?i)[^\\W\\d]'];
    const range = z.tuple([z.number(), z.number()]);
    const answer = z
      .object({ answers: z.object({ unassigned: z.array(range), patterns: z.array(z.object({ found: z.array(range) })) }) })
      .parse(await runPython(python, { kind: 'classes', cases: classes.map((pattern) => ({ pattern })) })).answers;
    const unassigned = (code: number): boolean => answer.unassigned.some(([lo, hi]) => code >= lo && code <= hi);
    classes.forEach((pattern, i) => {
      const expected = answer.patterns[i]?.found ?? [];
      const inPython = (code: number): boolean => expected.some(([lo, hi]) => code >= lo && code <= hi);
      const regex = pythonRegex(pattern);
      const differing: number[] = [];
      for (let code = 0; code <= 0x10ffff; code += 1) {
        if (regex.test(String.fromCodePoint(code)) !== inPython(code) && !unassigned(code)) differing.push(code);
      }
      expect({ pattern, differing: differing.slice(0, 20).map((code) => code.toString(16)) }).toEqual({ pattern, differing: [] });
    });
  });
});
