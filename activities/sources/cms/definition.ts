/**
 * Content from the CMS's GraphQL API (FR-4), read incrementally by a last-changed field. A preset
 * (./presets.ts) reads content view metrics — one row per piece of content per day, updated through
 * the day as views accumulate — into cms_content_views, whichever CMS serves them. A query of the
 * user's own (./query.ts) reads any records (articles, products) into a stream of its own, named by
 * the config or for the records' root field, whose columns are the fields the query selects, typed
 * by the CMS's schema once the cycle has asked it (cmsStreamFrom). Workflow-safe.
 */
import { z } from 'zod';
import { httpUrlSchema } from '../../../domain/http-url';
import { COLUMN_TYPES, type StreamDefinition } from '../../../domain/streams/types';
import { batchSizeSchema, column, type SourceDefinition } from '../definition';
import { refuseUnfitQuery } from './config-rules';
import { CMS_PRESETS, cmsQueryOf } from './presets';
import { isPreset, recordFieldsOf } from './query';
import { columnNameOf, ownStreamName, recordColumns, STREAM_NAME, STREAM_NAME_RULE, type RecordColumn } from './record-columns';
import contentViewsSuite from './suites/content_views.json';

export const CMS_STREAM_NAMES = ['content_views'] as const;
export type CmsStreamName = (typeof CMS_STREAM_NAMES)[number];

/** FR-4: a response must stay under 500 MB (decimal, the strictest reading). */
export const CMS_MAX_PAYLOAD_BYTES = 500_000_000;

const dottedPath = z.string().regex(/^[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*)*$/, 'must be response keys joined by dots');

export const cmsSourceSchema = z
  .object({
    kind: z.literal('cms'),
    /** The GraphQL endpoint, e.g. https://cms.example.com/graphql */
    endpoint: httpUrlSchema,
    /** Sent as `Authorization: Bearer …`. */
    accessToken: z.string().min(1),
    /** Records per GraphQL page ($first, or $limit with offset paging). */
    pageSize: z.number().int().min(1).max(1000).default(500),
    /** A response larger than this is refused; at most the 500 MB of FR-4. */
    maxPayloadBytes: z.number().int().min(1024).max(CMS_MAX_PAYLOAD_BYTES).default(CMS_MAX_PAYLOAD_BYTES),
    /**
     * What is read: a preset (content-views: Insight Hub's CMS; hygraph, contentful, strapi: those
     * CMSs' shapes of a content views model), or a GraphQL query of your own that pages by cursor
     * ($first, $after) or by offset ($skip, $limit), and may take $updatedSince (the cursor) to read
     * only what changed, with recordsPath and cursorField. Checked against the CMS's schema
     * (introspection) when the connector is created or changed.
     */
    query: z.string().trim().min(1).max(20_000).default('content-views'),
    /** With your own query: response keys from `data` to the records, dotted, e.g. `articles.edges.node`. */
    recordsPath: dottedPath.optional(),
    /** With your own query paged by cursor: response keys from `data` to the object with hasNextPage and endCursor. */
    pageInfoPath: dottedPath.optional(),
    /** With your own query paged by offset: response keys from `data` to the count of all records, e.g. `articleCollection.total`. */
    totalPath: dottedPath.optional(),
    /** With your own query: response keys from a record to when it last changed (the stream's cursor), e.g. `sys.publishedAt`. */
    cursorField: dottedPath.optional(),
    /** With your own query: response keys from a record to what identifies it, e.g. `sys.id`; default `id`. */
    primaryKey: dottedPath.optional(),
    /** With your own query: the stream's name (its table is cms_<name>); default: the one in `streams`, else the records' root field (articleCollection → article). */
    streamName: z.string().regex(STREAM_NAME, STREAM_NAME_RULE).optional(),
    /** With your own query: column types by record field (response keys, dotted), over the schema's. */
    fieldTypes: z.record(z.string(), z.enum(COLUMN_TYPES)).optional(),
    /** The streams read: the connector's one stream, its name by default. */
    streams: z.array(z.string()).min(1).default([]),
    batchSize: batchSizeSchema,
  })
  .superRefine(refuseUnfitQuery)
  .overwrite((config) => (config.streams.length > 0 ? config : { ...config, streams: [cmsStreamNameOf(config)] }));
export type CmsSourceConfig = z.infer<typeof cmsSourceSchema>;

export type CmsStream = StreamDefinition;

export const cmsStreams: Record<CmsStreamName, CmsStream> = {
  content_views: {
    name: 'content_views',
    table: 'cms_content_views',
    // `<contentId>:<day>`, as the API gives it.
    primaryKey: 'id',
    cursorColumn: 'updated_at',
    columns: [
      column('id', 'string', 'id'),
      column('content_id', 'string', 'contentId'),
      column('title', 'string', 'title'),
      column('url', 'string', 'url'),
      column('content_type', 'string', 'contentType'),
      column('day', 'date', 'day'),
      column('views', 'integer', 'views'),
      column('unique_visitors', 'integer', 'uniqueVisitors'),
      column('avg_time_on_page_seconds', 'number', 'avgTimeOnPageSeconds'),
      column('updated_at', 'timestamp', 'updatedAt'),
    ],
  },
};

/** What a config reads with: a preset or a query of its own with its paths. */
type QueryConfig = Parameters<typeof cmsQueryOf>[0] & { streamName?: string | undefined; streams?: readonly string[] };

/** The connector's one stream's name: content_views for a preset, else the configured or derived one. */
export function cmsStreamNameOf(config: QueryConfig): string {
  if (isPreset(config.query)) return 'content_views';
  return ownStreamName(config, cmsQueryOf(config).recordsPath);
}

/**
 * The stream of a query of one's own, its columns as `columns` type them: the query's alone, or as
 * the CMS's schema types them (the catalog the cycle's plan discovered); fieldTypes over either.
 */
export function cmsStreamFrom(config: CmsSourceConfig, columns: readonly RecordColumn[]): CmsStream {
  const query = cmsQueryOf(config);
  const name = cmsStreamNameOf(config);
  const cursor = query.cursorField.join('.');
  const typeOf = (c: RecordColumn) => config.fieldTypes?.[c.sourceField] ?? (c.sourceField === cursor ? 'timestamp' : c.type);
  return {
    name,
    table: `cms_${name}`,
    primaryKey: columnNameOf(query.primaryKey),
    cursorColumn: columnNameOf(query.cursorField),
    columns: columns.map((c) => column(c.column, typeOf(c), c.sourceField)),
  };
}

/** A preset's content views, each field read from where its CMS keeps it. */
function presetStream(config: { query: keyof typeof CMS_PRESETS }): CmsStream {
  const moved = CMS_PRESETS[config.query].movedFields;
  const { content_views: stream } = cmsStreams;
  const columns = stream.columns.map((c) => column(c.name, c.type, moved[c.sourceField ?? c.name] ?? c.sourceField));
  return { ...stream, columns };
}

/** The connector's stream: a preset's content views, or the fields its own query selects (text where the schema is not known). */
export function cmsStreamsOf(config: CmsSourceConfig): Readonly<Record<string, CmsStream>> {
  if (isPreset(config.query)) return { content_views: presetStream({ query: config.query }) };
  const shape = recordFieldsOf(cmsQueryOf(config));
  if ('problem' in shape) throw new Error(`the CMS query was validated, yet: ${shape.problem.message}`);
  const stream = cmsStreamFrom(config, recordColumns(shape.fields, null));
  return { [stream.name]: stream };
}

/**
 * 10 requests per second, a common GraphQL gateway default. Every 5 minutes by default: results
 * are cached for 5 minutes (FR-4), so polling more often would only be served from the cache.
 */
export const cmsDefinition = {
  kind: 'cms',
  title: 'CMS (GraphQL)',
  config: cmsSourceSchema,
  streams: cmsStreams,
  streamsOf: cmsStreamsOf,
  suites: { content_views: contentViewsSuite },
  rateLimit: { requests: 10, perSeconds: 1 },
  defaultSchedule: '5m',
} satisfies SourceDefinition<'cms', CmsStreamName>;
