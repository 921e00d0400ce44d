/**
 * Python `re` patterns in JavaScript. Great Expectations on pandas runs a regex with Python's `re`
 * (`str.contains`, that is re.search), so a suite's regex is Python syntax and means what Python
 * makes of it: `\A`/`\Z` anchor the string, `$` also matches before a trailing newline, `.` stops
 * only at `\n`, `\w`, `\d`, `\s` and `\b` are Unicode, `(?i)` folds case Python's way, `\p{L}` is a
 * syntax error. A pattern is parsed as Python's parser (`re/_parser.py`) parses it, with its errors,
 * and written out as a JavaScript RegExp (flag `v`, no `i`, `m` or `s`) that matches the same strings;
 * what JavaScript cannot say exactly (conditionals, `\N{name}`, a case-insensitive backreference) is
 * refused with a PythonRegexError naming it. test/quality/python-regex.test.ts pins each rule, and
 * python-regex-vs-python.test.ts holds them against Python itself.
 */
import { Parser } from './parser';
import { PythonRegexError } from './tree';
import { ANY, startsAtStart, Writer } from './writer';

export { PythonRegexError };

const compiled = new Map<string, RegExp>();

/**
 * The JavaScript RegExp that matches what the Python pattern matches (use `.test` as re.search);
 * throws PythonRegexError when Python would refuse the pattern or JavaScript cannot say it.
 */
export function pythonRegex(pattern: string): RegExp {
  const known = compiled.get(pattern);
  if (known) return known;
  // Anchored, and moved along by whole code points: V8 would also try a match between the two halves
  // of a surrogate pair, where a lookaround sees neither, and find a \B or a (?<!…) Python never does.
  // A pattern that starts at the start of the string can match nowhere else: it needs no such walk.
  const tree = new Parser(pattern).parse();
  const body = new Writer().write(tree);
  const source = startsAtStart(tree) ? body : `^${ANY}*?(?:${body})`;
  let regex: RegExp;
  try {
    regex = new RegExp(source, 'v');
  } catch (error) {
    throw new PythonRegexError(`cannot be written as a JavaScript pattern (${error instanceof Error ? error.message : String(error)})`);
  }
  if (compiled.size > 1_000) compiled.clear();
  compiled.set(pattern, regex);
  return regex;
}
