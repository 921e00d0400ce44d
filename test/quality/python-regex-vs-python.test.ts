/**
 * The regex translation held against Python's re itself (the Python environment of
 * scripts/python-env.sh): the corpus of patterns and texts, and every code point of the classes.
 */
import { z } from 'zod';
import { PythonRegexError, pythonRegex } from '../../activities/quality/python-regex';
import { gxPython, runPython, skippedBecause } from './gx/harness';
import { PATTERNS, TEXTS } from './python-regex-corpus';

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
