/**
 * Each column-map expectation compiled into a check that sees every judged row once, in order, and
 * tells at the end which rows it found unexpected. Semantics are GX's on pandas over the typed batch
 * (./README.md): missing values are judged by not_null only; uniqueness marks every occurrence of a
 * repeated value (and a value held outside the batch by another row); values compare as Python's;
 * a comparison pandas refuses makes the expectation raise (PythonTypeError).
 */
import { ConnectorError } from '../errors';
import { betweenCheck, lengthWithin } from './bounds';
import { valueCheck, type BatchView, type Check, type TakenOutside } from './column-check';
import { pythonRegex } from './python-regex';
import type { Expectation } from './suite';
import { compoundUniqueCheck, uniqueCheck } from './uniqueness';
import { codePointLength, PythonTypeError, pyText, PyValueMap, type PyValue } from './values';

/** pandas' astype(str) of a value; timestamps are refused up front (their text depends on the whole column). */
function textOf(value: PyValue): string {
  const text = pyText(value);
  if (text === null)
    throw new PythonTypeError('Insight Hub does not match or measure the text of a JSON object (GX would use its Python repr)');
  return text;
}

function refuseTimestampText(batch: BatchView, column: string, label: string): void {
  const type = batch.typeOf(column);
  if (batch.typed && (type === 'timestamp' || type === 'date')) {
    throw new ConnectorError(
      'config',
      `${label}: ${column} is a timestamp column, whose text GX takes from pandas (its format depends on the whole column); judge it with expect_column_values_to_be_between instead`,
    );
  }
}

/** Rules of one expectation, given the batch's view; the engine handles table-level expectations. */
export function compileCheck(
  expectation: Expectation,
  label: string,
  batch: BatchView,
  parameters: Readonly<Record<string, string>>,
  takenOutside?: ReadonlyMap<string, TakenOutside>,
): Check | null {
  switch (expectation.type) {
    case 'expect_column_values_to_be_unique':
      return uniqueCheck(batch, expectation.kwargs.column, takenOutside?.get(expectation.kwargs.column));
    case 'expect_column_values_to_not_be_null':
      return valueCheck(batch, expectation.kwargs.column, () => true, true);
    case 'expect_column_values_to_be_between':
      return betweenCheck(batch, expectation.kwargs, parameters);
    case 'expect_column_values_to_be_in_set':
    case 'expect_column_values_to_not_be_in_set': {
      const { column, value_set: valueSet } = expectation.kwargs;
      const keys = new PyValueMap<true>();
      for (const v of valueSet) {
        const value: PyValue =
          typeof v === 'string'
            ? { kind: 'str', value: v }
            : typeof v === 'boolean'
              ? { kind: 'bool', value: v }
              : { kind: 'num', value: v, float: false };
        keys.set(value, true);
      }
      const wanted = expectation.type === 'expect_column_values_to_be_in_set';
      return valueCheck(batch, column, (value) => (keys.get(value) === true) === wanted);
    }
    case 'expect_column_values_to_match_regex':
    case 'expect_column_values_to_not_match_regex': {
      const { column, regex } = expectation.kwargs;
      refuseTimestampText(batch, column, label);
      // re.search, as GX on pandas (str.contains): unanchored unless the pattern anchors itself.
      const pattern = pythonRegex(regex);
      const wanted = expectation.type === 'expect_column_values_to_match_regex';
      return valueCheck(batch, column, (value) => pattern.test(textOf(value)) === wanted);
    }
    case 'expect_column_value_lengths_to_be_between': {
      const { column, min_value: min, max_value: max, strict_min: strictMin, strict_max: strictMax } = expectation.kwargs;
      refuseTimestampText(batch, column, label);
      const within = lengthWithin(min, max, strictMin, strictMax);
      return valueCheck(batch, column, (value) => within(codePointLength(textOf(value))));
    }
    case 'expect_column_value_lengths_to_equal': {
      const { column, value: length } = expectation.kwargs;
      refuseTimestampText(batch, column, label);
      return valueCheck(batch, column, (value) => codePointLength(textOf(value)) === length);
    }
    case 'expect_compound_columns_to_be_unique':
      return compoundUniqueCheck(batch, expectation.kwargs);
    case 'expect_column_to_exist':
    case 'expect_table_row_count_to_be_between':
    case 'expect_table_row_count_to_equal':
      return null;
  }
}
