/**
 * Content from the CMS's GraphQL API (FR-4), read incrementally by a last-changed field through a
 * Relay-style connection. By default (the `content-views` preset) content view metrics: one row per
 * piece of content per day, updated through the day as views accumulate. A preset for another CMS,
 * or a query of the user's own (./query.ts), chooses what is read; the stream's columns are the
 * fields its query selects. Workflow-safe.
 */
import { z } from 'zod';
import { COLUMN_TYPES, type StreamColumn, type StreamDefinition } from '../../../domain/streams/types';
import { batchSizeSchema, column, snakeCaseColumn, streamChoice, type SourceDefinition } from '../definition';
import { CMS_PRESET_NAMES, cmsQueryOf, isPreset, recordFieldsOf, type CmsQueryChoice } from './query';
import contentViewsSuite from './suites/content_views.json';

export const CMS_STREAM_NAMES = ['content_views'] as const;
export type CmsStreamName = (typeof CMS_STREAM_NAMES)[number];

/** FR-4: a response must stay under 500 MB (decimal, the strictest reading). */
export const CMS_MAX_PAYLOAD_BYTES = 500_000_000;

const dottedPath = z.string().regex(/^[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*)*$/, 'must be response keys joined by dots');

const OWN_QUERY_FIELDS = ['recordsPath', 'pageInfoPath', 'cursorField', 'primaryKey', 'fieldTypes'] as const;
const REQUIRED_WITH_OWN_QUERY = ['recordsPath', 'pageInfoPath', 'cursorField'] as const;

/** A preset says where its records are; a query of one's own must, and must select what it names. */
function refuseUnfitQuery(config: CmsQueryChoice & { fieldTypes?: Record<string, unknown> | undefined }, ctx: z.RefinementCtx): void {
  if (isPreset(config.query)) {
    for (const field of OWN_QUERY_FIELDS.filter((name) => config[name] !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `the ${config.query} preset sets its own; leave ${field} out or write the query`,
      });
    }
    return;
  }
  const missing = REQUIRED_WITH_OWN_QUERY.filter((name) => config[name] === undefined);
  for (const field of missing)
    ctx.addIssue({
      code: 'custom',
      path: [field],
      message: `is required with a query of your own (not a preset: ${CMS_PRESET_NAMES.join(', ')})`,
    });
  if (missing.length > 0) return;
  const shape = recordFieldsOf(cmsQueryOf(config));
  if ('problem' in shape) {
    ctx.addIssue({ code: 'custom', path: [shape.problem.field], message: shape.problem.message });
    return;
  }
  for (const field of Object.keys(config.fieldTypes ?? {}).filter((key) => !shape.fields.some((f) => f.key === key))) {
    ctx.addIssue({ code: 'custom', path: ['fieldTypes', field], message: `is not a field selected at ${config.recordsPath ?? ''}` });
  }
}

export const cmsSourceSchema = z
  .object({
    kind: z.literal('cms'),
    /** The GraphQL endpoint, e.g. https://cms.example.com/graphql */
    endpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    /** Sent as `Authorization: Bearer …`. */
    accessToken: z.string().min(1),
    /** Rows per GraphQL page (`first`). */
    pageSize: z.number().int().min(1).max(1000).default(500),
    /** A response larger than this is refused; at most the 500 MB of FR-4. */
    maxPayloadBytes: z.number().int().min(1024).max(CMS_MAX_PAYLOAD_BYTES).default(CMS_MAX_PAYLOAD_BYTES),
    /**
     * What is read: a preset (content-views: Insight Hub's CMS; hygraph: a Hygraph-shaped model), or a
     * GraphQL query of your own that takes $first and $after (and $updatedSince, the cursor, to read
     * only what changed), with recordsPath, pageInfoPath and cursorField. Checked against the CMS's
     * schema (introspection) when the connector is created or changed.
     */
    query: z.string().trim().min(1).max(20_000).default('content-views'),
    /** With your own query: response keys from `data` to the records, dotted, e.g. `articles.edges.node`. */
    recordsPath: dottedPath.optional(),
    /** With your own query: response keys from `data` to the object with hasNextPage and endCursor. */
    pageInfoPath: dottedPath.optional(),
    /** With your own query: the record field holding when it last changed (the stream's cursor). */
    cursorField: z.string().min(1).optional(),
    /** With your own query: the record field that identifies it; default `id`. */
    primaryKey: z.string().min(1).optional(),
    /** With your own query: column types by record field; left out, a field lands as text (an object as JSON). */
    fieldTypes: z.record(z.string(), z.enum(COLUMN_TYPES)).optional(),
    streams: streamChoice(CMS_STREAM_NAMES),
    batchSize: batchSizeSchema,
  })
  .superRefine(refuseUnfitQuery);
export type CmsSourceConfig = z.infer<typeof cmsSourceSchema>;

export interface CmsStream extends StreamDefinition {
  readonly name: CmsStreamName;
}

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

/** A field of one's own query as a column: `avgTimeOnPage` lands as `avg_time_on_page`. */
function ownColumn(config: CmsSourceConfig, key: string, object: boolean): StreamColumn {
  const type = config.fieldTypes?.[key] ?? (key === config.cursorField ? 'timestamp' : object ? 'json' : 'string');
  return column(snakeCaseColumn(key), type, key);
}

/** The connector's stream: the preset's fixed one, or the fields its own query selects. */
export function cmsStreamsOf(config: CmsSourceConfig): Readonly<Record<CmsStreamName, CmsStream>> {
  if (isPreset(config.query)) return cmsStreams;
  const query = cmsQueryOf(config);
  const shape = recordFieldsOf(query);
  if ('problem' in shape) throw new Error(`the CMS query was validated, yet: ${shape.problem.message}`);
  return {
    content_views: {
      name: 'content_views',
      table: 'cms_content_views',
      primaryKey: snakeCaseColumn(query.primaryKey),
      cursorColumn: snakeCaseColumn(query.cursorField),
      columns: shape.fields.map((field) => ownColumn(config, field.key, field.object)),
    },
  };
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
