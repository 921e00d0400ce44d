/**
 * Query parameters as the SDK sends them (`queryParameters` with `parameterType`/`parameterValue`),
 * turned into values DuckDB binds. Every value is bound as text and cast to its declared type in
 * the SQL (see the parameter rewrite in dialect.ts), so DuckDB parses it exactly as a literal.
 */
import { LIST, VARCHAR, listValue, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { z } from 'zod';
import { BigQueryRequestError } from './errors';
import { duckdbTypeOf } from './types';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]).optional();

export const queryParameterSchema = z.object({
  name: z.string().optional(),
  parameterType: z.object({ type: z.string(), arrayType: z.object({ type: z.string() }).optional() }),
  parameterValue: z.object({ value: scalar, arrayValues: z.array(z.object({ value: scalar })).optional() }).default({}),
});
export type QueryParameter = z.infer<typeof queryParameterSchema>;

export interface BoundParameter {
  /** The DuckDB type the SQL casts the bound text to. */
  duckdbType: string;
  value: DuckDBValue;
  bindType: DuckDBType;
}

const text = (value: string | number | boolean | null | undefined): string | null =>
  value === null || value === undefined ? null : String(value);

function bind(parameter: QueryParameter): BoundParameter {
  const { parameterType, parameterValue } = parameter;
  if (parameterType.type === 'ARRAY') {
    const itemType = parameterType.arrayType?.type;
    if (!itemType) throw new BigQueryRequestError('invalid', 'Array parameter has no arrayType');
    const items = (parameterValue.arrayValues ?? []).map((item) => text(item.value));
    return { duckdbType: `${duckdbTypeOf(itemType)}[]`, value: listValue(items), bindType: LIST(VARCHAR) };
  }
  return { duckdbType: duckdbTypeOf(parameterType.type), value: text(parameterValue.value), bindType: VARCHAR };
}

/** Parameters by name (named mode) and in order (positional mode). */
export class ParameterSet {
  private readonly named = new Map<string, BoundParameter>();
  private readonly positional: BoundParameter[] = [];
  private nextPosition = 0;

  constructor(parameters: readonly QueryParameter[]) {
    for (const parameter of parameters) {
      const bound = bind(parameter);
      if (parameter.name) this.named.set(parameter.name.toLowerCase(), bound);
      else this.positional.push(bound);
    }
  }

  /** `@name`, or the next `?` of the script when name is null. */
  take(name: string | null): BoundParameter {
    if (name === null) {
      const bound = this.positional[this.nextPosition];
      if (!bound) throw BigQueryRequestError.invalidQuery(`Query parameter ${this.nextPosition + 1} has no value`);
      this.nextPosition += 1;
      return bound;
    }
    const bound = this.named.get(name.toLowerCase());
    if (!bound) throw BigQueryRequestError.invalidQuery(`Query parameter '${name}' not found`);
    return bound;
  }
}
