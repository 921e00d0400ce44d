/** Snowflake's bindings (protocols.md: column-wise, values as strings) as rows of DuckDB values. */
import type { DuckDBValue } from '@duckdb/node-api';
import type { Binding } from './wire';

/** Snowflake's binding values (strings, column-wise arrays for multi-row binds) as DuckDB values. */
function bindValue(type: string, value: string | null): DuckDBValue {
  if (value === null) return null;
  switch (type) {
    case 'FIXED':
      return /^-?\d+$/.test(value) ? BigInt(value) : Number(value);
    case 'REAL':
      return Number(value);
    case 'BOOLEAN':
      return /^(true|1)$/i.test(value);
    default:
      return value;
  }
}

const valueAt = (binding: Binding, row: number): string | null =>
  Array.isArray(binding.value) ? (binding.value[row] ?? null) : binding.value;

/** Binds in position order ("1", "2", ...): one row, or one per element when the binds are arrays. */
export function bindRows(bindings: Readonly<Record<string, Binding>> | undefined): DuckDBValue[][] | null {
  if (!bindings) return null;
  const ordered = Object.entries(bindings)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, binding]) => binding);
  const rowCount = Math.max(1, ...ordered.map((b) => (Array.isArray(b.value) ? b.value.length : 1)));
  return Array.from({ length: rowCount }, (_, row) => ordered.map((b) => bindValue(b.type, valueAt(b, row))));
}
