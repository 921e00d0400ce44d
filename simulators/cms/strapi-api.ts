/**
 * The content views as Strapi 5's GraphQL plug-in serves a collection type: `<plural>` (a flat
 * list) and `<plural>_connection` (`nodes` and `pageInfo` with total, page, pageSize and
 * pageCount), both taking `filters`, `pagination` — by page (page, pageSize) or by offset (start,
 * limit), never both — and `sort`; records keyed by `documentId`. The simulator orders by
 * (updatedAt, documentId) whatever `sort` says.
 */
import { buildSchema, type GraphQLSchema } from 'graphql';
import { z } from 'zod';
import type { Catalog, ContentViewRecord } from './catalog';
import { badInput, sinceMs } from './content-api';

export const STRAPI_SDL = /* GraphQL */ `
  scalar DateTime
  scalar Date

  enum PublicationStatus {
    DRAFT
    PUBLISHED
  }

  input PaginationArg {
    page: Int
    pageSize: Int
    start: Int
    limit: Int
  }

  input DateTimeFilterInput {
    eq: DateTime
    gt: DateTime
    gte: DateTime
    lt: DateTime
    lte: DateTime
    null: Boolean
    notNull: Boolean
  }

  input StringFilterInput {
    eq: String
    in: [String]
    contains: String
  }

  input ContentViewFiltersInput {
    documentId: StringFilterInput
    contentType: StringFilterInput
    updatedAt: DateTimeFilterInput
    and: [ContentViewFiltersInput]
    or: [ContentViewFiltersInput]
    not: ContentViewFiltersInput
  }

  type Pagination {
    total: Int!
    page: Int!
    pageSize: Int!
    pageCount: Int!
  }

  type ContentViewEntityResponseCollection {
    nodes: [ContentView!]!
    pageInfo: Pagination!
  }

  type ContentView {
    documentId: ID!
    contentId: String
    title: String
    url: String
    contentType: String
    day: Date
    views: Int
    uniqueVisitors: Int
    avgTimeOnPageSeconds: Float
    createdAt: DateTime
    updatedAt: DateTime
    publishedAt: DateTime
  }

  type Query {
    contentViews(
      filters: ContentViewFiltersInput
      pagination: PaginationArg = {}
      sort: [String] = []
      status: PublicationStatus = PUBLISHED
    ): [ContentView]!
    contentViews_connection(
      filters: ContentViewFiltersInput
      pagination: PaginationArg = {}
      sort: [String] = []
      status: PublicationStatus = PUBLISHED
    ): ContentViewEntityResponseCollection
  }
`;

export const strapiSchema: GraphQLSchema = buildSchema(STRAPI_SDL);

/** The GraphQL plug-in's defaultLimit (100) when a query asks for none; its maxLimit is unset (-1) by default. */
const DEFAULT_LIMIT = 100;

const findArgs = z.object({
  filters: z.object({ updatedAt: z.object({ gte: z.unknown().optional() }).nullish() }).nullish(),
  pagination: z.object({
    page: z.number().nullish(),
    pageSize: z.number().nullish(),
    start: z.number().nullish(),
    limit: z.number().nullish(),
  }),
});

/** Start and limit from either kind of pagination; Strapi refuses a mix of the two. */
function offsetOf(pagination: z.infer<typeof findArgs>['pagination']): { start: number; limit: number } {
  const byPage = pagination.page != null || pagination.pageSize != null;
  const byOffset = pagination.start != null || pagination.limit != null;
  if (byPage && byOffset) throw badInput('Cannot use both page & offset pagination in the same query');
  const limit = (byPage ? pagination.pageSize : pagination.limit) ?? DEFAULT_LIMIT;
  const start = byPage ? (Math.max(1, pagination.page ?? 1) - 1) * limit : (pagination.start ?? 0);
  if (start < 0 || limit < 1) throw badInput('pagination must have start >= 0 and limit >= 1');
  return { start, limit };
}

const documentOf = (row: ContentViewRecord) => ({
  ...row,
  documentId: row.id,
  createdAt: row.updatedAt,
  publishedAt: row.updatedAt,
});

export function strapiResolvers(catalog: Catalog, now: () => number): Record<string, (args: unknown) => unknown> {
  const find = (args: unknown) => {
    const parsed = findArgs.parse(args);
    const { start, limit } = offsetOf(parsed.pagination);
    const page = catalog.slice(start, limit, sinceMs(parsed.filters?.updatedAt?.gte, 'filters.updatedAt.gte'), now());
    const pageInfo = { total: page.total, page: Math.floor(start / limit) + 1, pageSize: limit, pageCount: Math.ceil(page.total / limit) };
    return { nodes: page.rows.map(documentOf), pageInfo };
  };
  return {
    contentViews: (args) => find(args).nodes,
    contentViews_connection: (args) => find(args),
  };
}
