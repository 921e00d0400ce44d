/**
 * The `contentViews` GraphQL query, its response and its mapping to warehouse rows. Pure. The
 * connection is Relay-style: `first` rows after the `after` cursor, `updatedSince` inclusive, in
 * ascending (updatedAt, id) order.
 */
import { z } from 'zod';
import type { StreamCursor } from '../../../domain/cycle';
import type { CmsStream } from './definition';
import { sourceFieldOf } from '../definition';
import type { Row } from '../types';

export function contentViewsQuery(stream: CmsStream): string {
  const fields = stream.columns.map(sourceFieldOf).join(' ');
  return [
    'query ContentViews($first: Int!, $after: String, $updatedSince: DateTime) {',
    '  contentViews(first: $first, after: $after, updatedSince: $updatedSince) {',
    `    edges { node { ${fields} } }`,
    '    pageInfo { hasNextPage endCursor }',
    '  }',
    '}',
  ].join('\n');
}

export interface ContentViewsVariables {
  first: number;
  after: string | null;
  updatedSince: string | null;
}

const optionalText = z.string().nullish();
const optionalNumber = z.number().nullish();

const contentViewSchema = z.looseObject({
  id: z.string().min(1),
  contentId: optionalText,
  title: optionalText,
  url: optionalText,
  contentType: optionalText,
  day: optionalText,
  views: optionalNumber,
  uniqueVisitors: optionalNumber,
  avgTimeOnPageSeconds: optionalNumber,
  updatedAt: z.string().min(1),
});
type ContentView = z.infer<typeof contentViewSchema>;

export const contentViewsDataSchema = z.object({
  contentViews: z.object({
    edges: z.array(z.object({ node: contentViewSchema })),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});
export type ContentViewsData = z.infer<typeof contentViewsDataSchema>;

/** ISO-8601 in UTC; an unreadable value is kept as sent so the timestamp rules quarantine it. */
function utcTimestamp(value: string): string {
  const at = Date.parse(value);
  return Number.isNaN(at) ? value : new Date(at).toISOString();
}

export function mapContentView(node: ContentView): Row {
  return {
    id: node.id,
    content_id: node.contentId ?? null,
    title: node.title ?? null,
    url: node.url ?? null,
    content_type: node.contentType ?? null,
    day: node.day ?? null,
    views: node.views ?? null,
    unique_visitors: node.uniqueVisitors ?? null,
    avg_time_on_page_seconds: node.avgTimeOnPageSeconds ?? null,
    updated_at: utcTimestamp(node.updatedAt),
  };
}

/**
 * `updatedSince` is inclusive, so the rows at the cursor's own instant come back; those up to the
 * cursor's key were read already.
 */
export function isAfterCursor(row: Row, cursor: StreamCursor | null): boolean {
  if (cursor === null) return true;
  const at = Date.parse(String(row.updated_at));
  const cursorAt = Date.parse(cursor.value);
  if (at !== cursorAt) return at > cursorAt;
  return String(row.id) > cursor.lastKey;
}
