/**
 * A source account's catalog, like every ELT tool's "discover": the streams the account offers, each
 * with its fields (warehouse column, source field, type, nullability), primary key and the columns it
 * can be read incrementally by. One zod schema: the plug-ins' return type and the API's response.
 * Workflow-safe.
 */
import { z } from 'zod';
import { COLUMN_TYPES, type StreamDefinition } from './streams/types';

export const catalogFieldSchema = z.object({
  /** Warehouse column name (snake_case). */
  column: z.string(),
  /** The field's name in the source's records. */
  sourceField: z.string(),
  type: z.enum(COLUMN_TYPES),
  /** The type the source itself names, when it says more than `type` (Salesforce: picklist, currency, address). */
  sourceType: z.string().optional(),
  nullable: z.boolean(),
  /** Personal data: hashed in metrics, erased on request. */
  personal: z.boolean(),
  /** A distinct count or a ratio (GA4's users): never summed over rows. */
  nonAdditive: z.boolean().optional(),
});
export type CatalogField = z.infer<typeof catalogFieldSchema>;

export const catalogStreamSchema = z.object({
  /** The stream's name as a connector's config chooses it. */
  name: z.string(),
  /** The object or endpoint it is read from, as the source names it (Salesforce: the sObject). */
  sourceName: z.string(),
  /** Read by a connector whose config names no streams. */
  defaultSelected: z.boolean(),
  primaryKey: z.array(z.string()).min(1),
  /** Columns the stream can be read incrementally by, in the order the source prefers them. */
  cursorCandidates: z.array(z.string()),
  fields: z.array(catalogFieldSchema),
});
export type CatalogStream = z.infer<typeof catalogStreamSchema>;

export const sourceCatalogSchema = z.object({
  source: z.string(),
  /** When the account was asked (ISO 8601). */
  discoveredAt: z.string(),
  streams: z.array(catalogStreamSchema),
});
export type SourceCatalog = z.infer<typeof sourceCatalogSchema>;

/** A fixed stream schema as a catalog entry: what a source without a real discovery offers. */
export function catalogStreamOf(stream: StreamDefinition, sourceName = stream.name, defaultSelected = true): CatalogStream {
  return {
    name: stream.name,
    sourceName,
    defaultSelected,
    primaryKey: [stream.primaryKey],
    cursorCandidates: [stream.cursorColumn],
    fields: stream.columns.map((c) => ({
      column: c.name,
      sourceField: c.sourceField ?? c.name,
      type: c.type,
      nullable: c.name !== stream.primaryKey,
      personal: c.personal ?? false,
      ...(c.nonAdditive ? { nonAdditive: true } : {}),
    })),
  };
}
