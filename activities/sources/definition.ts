/**
 * What a source is, as data: its streams, the schema of a connector's `source` block, each stream's
 * default expectation suite, the service's request limit and a connector's default schedule. Each
 * source folder holds one in its definition.ts, registered in domain/sources.ts. Workflow-safe (zod
 * and plain data only), so workflows and the API read definitions without loading any plug-in.
 */
import { z } from 'zod';
import type { StreamColumn, StreamDefinition } from '../../domain/streams/types';

/** `requests` per `perSeconds`, as the service documents it. */
export const rateLimitSchema = z.object({
  requests: z.number().positive(),
  perSeconds: z.number().positive(),
});
export type RateLimit = z.infer<typeof rateLimitSchema>;

/** The streams a connector reads: at least one of the source's, all of them when left out. */
export const streamChoice = <const Names extends readonly [string, ...string[]]>(names: Names) =>
  z
    .array(z.enum(names))
    .min(1)
    .default([...names]);

/** Rows per staged batch file. */
export const batchSizeSchema = z.number().int().min(100).max(200_000).default(10_000);

export interface SourceDefinition<
  Kind extends string = string,
  Stream extends string = string,
  Config extends { kind: Kind } = { kind: Kind },
> {
  readonly kind: Kind;
  /** Short label for docs and the Web UI. */
  readonly title: string;
  /** A connector's `source` block: the type, the API's validation and its OpenAPI description. */
  readonly config: z.ZodType<Config>;
  readonly streams: Readonly<Record<Stream, StreamDefinition>>;
  /**
   * A connector's own streams where its config defines them (GA4: the reports it chooses), keyed by
   * stream name. Omitted: `streams`. Workflow-safe, like the rest of the definition.
   */
  streamsOf?(config: Config): Readonly<Record<string, StreamDefinition>>;
  /** Each stream's default expectation suite (GX JSON in the folder's suites/), validated when activities/quality/suites.ts loads. */
  readonly suites: Readonly<Record<Stream, unknown>>;
  /** The service's request limit; null for push sources, which make no calls. */
  readonly rateLimit: RateLimit | null;
  /** A connector's schedule when its config names none; null: it runs when events arrive (webhooks). */
  readonly defaultSchedule: string | null;
}

/** A stream column; `sourceField` when the source's records name it otherwise, `personal` for personal data. */
export const column = (name: string, type: StreamColumn['type'], sourceField?: string, personal = false): StreamColumn => ({
  name,
  type,
  ...(sourceField ? { sourceField } : {}),
  ...(personal ? { personal } : {}),
});

/** A source's field name as a warehouse column: avgTimeOnPage → avg_time_on_page, page-type → page_type, customEvent:plan → custom_event_plan. */
export const snakeCaseColumn = (field: string): string =>
  field
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();

/** The field a column is read from in the source's records. */
export const sourceFieldOf = (column: StreamColumn): string => column.sourceField ?? column.name;
