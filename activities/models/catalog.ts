/** The models as plain data for the API: columns with their aggregation and lineage (table and column apart). */
import type { ColumnType } from '../../domain/streams/types';
import { MODELS } from './index';

export const COLUMN_TYPES_LIST = [
  'string',
  'integer',
  'number',
  'boolean',
  'timestamp',
  'date',
  'json',
] as const satisfies readonly ColumnType[];

export function describeModels() {
  return MODELS.map((model) => ({
    name: model.name,
    description: model.description,
    grain: model.grain,
    primaryKey: [...model.primaryKey],
    reads: [...model.reads],
    columns: model.columns.map((column) => ({
      name: column.name,
      type: column.type,
      description: column.description,
      aggregation: column.aggregation,
      personal: column.personal ?? false,
      lineage: column.lineage.map((source) => {
        const [table = '', name = ''] = source.split('.');
        return { table, column: name };
      }),
    })),
  }));
}
