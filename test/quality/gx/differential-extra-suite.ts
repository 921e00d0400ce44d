/** A suite of the other expectation types users bring, on Salesforce contacts: every type, row_condition, repeats, the raising cases. */
export const EXTRA_SUITE = {
  name: 'salesforce.contact.extra',
  expectations: [
    { type: 'expect_column_to_exist', kwargs: { column: 'email' } },
    { type: 'expect_column_to_exist', kwargs: { column: 'email_address' } },
    { type: 'expect_column_to_exist', kwargs: { column: 'id', column_index: 0 } },
    { type: 'expect_column_to_exist', kwargs: { column: 'id', column_index: 3 } },
    { type: 'expect_table_row_count_to_be_between', kwargs: { min_value: 10, max_value: 1_000_000 } },
    { type: 'expect_table_row_count_to_be_between', kwargs: { max_value: 5, strict_max: true } },
    {
      type: 'expect_table_row_count_to_equal',
      kwargs: { value: 3, row_condition: { type: 'comparison', column: { name: 'last_name' }, operator: '==', parameter: 'Zoë' } },
    },
    { type: 'expect_column_value_lengths_to_be_between', kwargs: { column: 'last_name', min_value: 2, max_value: 12 } },
    { type: 'expect_column_value_lengths_to_be_between', kwargs: { column: 'email', min_value: 6, strict_min: true, mostly: 0.9 } },
    { type: 'expect_column_value_lengths_to_equal', kwargs: { column: 'customer_id', value: 11 } },
    { type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '\\A[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+\\Z' } },
    {
      type: 'expect_column_values_to_match_regex',
      kwargs: { column: 'email', regex: '(?i)^[A-Z0-9._%+-]+@[A-Z0-9.-]+\\.[A-Z]{2,}$', mostly: 0.95 },
    },
    { type: 'expect_column_values_to_match_regex', kwargs: { column: 'phone', regex: '^\\+?\\d[\\d\\s().-]{6,}$' } },
    { type: 'expect_column_values_to_not_match_regex', kwargs: { column: 'email', regex: '(?<=@)example\\.(?:com|org)$' } },
    { type: 'expect_column_values_to_not_match_regex', kwargs: { column: 'last_name', regex: '\\d' } },
    { type: 'expect_column_values_to_match_regex', kwargs: { column: 'is_active', regex: '^True$' } },
    { type: 'expect_column_values_to_not_be_in_set', kwargs: { column: 'lead_source', value_set: ['Purchased List', 'Other'] } },
    { type: 'expect_column_values_to_be_in_set', kwargs: { column: 'is_active', value_set: [1] } },
    { type: 'expect_column_values_to_be_in_set', kwargs: { column: 'created_at', value_set: ['2024-01-01T00:00:00Z'] } },
    { type: 'expect_column_values_to_be_between', kwargs: { column: 'is_active', min_value: 0, max_value: 0.5 } },
    { type: 'expect_column_values_to_be_between', kwargs: { column: 'created_at', min_value: 0 } },
    { type: 'expect_column_values_to_be_between', kwargs: { column: 'email', min_value: '2020-01-01T00:00:00Z' } },
    {
      type: 'expect_column_values_to_be_between',
      kwargs: {
        column: 'created_at',
        min_value: { $PARAMETER: 'now_minus_2y' },
        max_value: { $PARAMETER: 'now' },
        strict_max: true,
        mostly: 0.5,
      },
    },
    { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'email_address' } },
    { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'phone', mostly: 0.8 } },
    {
      type: 'expect_column_values_to_not_be_null',
      kwargs: { column: 'title', row_condition: { type: 'nullity', column: { name: 'account_id' }, is_null: false } },
    },
    {
      type: 'expect_column_values_to_not_be_null',
      kwargs: { column: 'email', row_condition: 'col("lead_source") == "Web"', condition_parser: 'great_expectations' },
    },
    {
      type: 'expect_column_values_to_not_be_null',
      kwargs: { column: 'email', row_condition: { type: 'comparison', column: { name: 'nickname' }, operator: '==', parameter: 'x' } },
    },
    {
      type: 'expect_column_values_to_be_unique',
      kwargs: {
        column: 'email',
        row_condition: {
          type: 'or',
          conditions: [
            { type: 'comparison', column: { name: 'mailing_country' }, operator: 'IN', parameter: ['DE', 'FR', 'GB'] },
            {
              type: 'and',
              conditions: [
                { type: 'comparison', column: { name: 'is_active' }, operator: '!=', parameter: true },
                { type: 'nullity', column: { name: 'phone' }, is_null: true },
              ],
            },
          ],
        },
      },
    },
    {
      type: 'expect_column_values_to_be_unique',
      kwargs: {
        column: 'last_name',
        row_condition: { type: 'comparison', column: { name: 'created_at' }, operator: '>', parameter: '2025-01-01T00:00:00Z' },
      },
    },
    {
      type: 'expect_column_values_to_be_unique',
      kwargs: {
        column: 'last_name',
        row_condition: { type: 'comparison', column: { name: 'created_at' }, operator: '==', parameter: '2025-01-01T00:00:00Z' },
      },
    },
    {
      type: 'expect_column_values_to_be_unique',
      kwargs: { column: 'first_name', row_condition: { type: 'comparison', column: { name: 'last_name' }, operator: '>', parameter: 5 } },
    },
    { type: 'expect_column_values_to_be_unique', kwargs: { column: 'is_active' } },
    { type: 'expect_compound_columns_to_be_unique', kwargs: { column_list: ['first_name', 'last_name'] } },
    {
      type: 'expect_compound_columns_to_be_unique',
      kwargs: { column_list: ['account_id', 'title'], ignore_row_if: 'any_value_is_missing' },
    },
    {
      type: 'expect_compound_columns_to_be_unique',
      kwargs: { column_list: ['mailing_country', 'is_active', 'created_at'], ignore_row_if: 'never', mostly: 0.5 },
    },
  ],
};
