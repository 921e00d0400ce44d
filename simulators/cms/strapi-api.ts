/**
 * The content views as Strapi's GraphQL plug-in serves a collection type. Strapi 5: `<plural>` (a
 * flat list) and `<plural>_connection` (`nodes` and `pageInfo` with total, page, pageSize and
 * pageCount), records keyed by `documentId`. Strapi 4: `<plural>` answering `data` (entities: `id`
 * and `attributes`) and `meta.pagination`. Both take `filters`, `pagination` — by page (page,
 * pageSize) or by offset (start, limit), never both — and `sort`. The simulator orders by
 * (updatedAt, id) whatever `sort` says, and its Strapi 4 content type keeps Strapi 5's documentId.
 */
import { buildSchema, type GraphQLSchema } from 'graphql';
import { z } from 'zod';
import type { Catalog, ContentViewRecord } from './catalog';
import { badInput, sinceMs } from './content-api';

/** What both versions' schemas share: scalars, the filter and pagination inputs, Pagination, the content type. */
const COMMON_SDL = /* GraphQL */ `
  scalar DateTime
  scalar Date

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
`;

/** The arguments of every find, in both versions. */
const FIND_ARGS = 'filters: ContentViewFiltersInput, pagination: PaginationArg = {}, sort: [String] = []';

/** Strapi 5: flat documents keyed by documentId, `<plural>_connection` with nodes and pageInfo. */
export const STRAPI_SDL = /* GraphQL */ `
  ${COMMON_SDL}
  enum PublicationStatus {
    DRAFT
    PUBLISHED
  }

  type ContentViewEntityResponseCollection {
    nodes: [ContentView!]!
    pageInfo: Pagination!
  }

  type Query {
    contentViews(
      ${FIND_ARGS}
      status: PublicationStatus = PUBLISHED
    ): [ContentView]!
    contentViews_connection(
      ${FIND_ARGS}
      status: PublicationStatus = PUBLISHED
    ): ContentViewEntityResponseCollection
  }
`;

/** Strapi 4: each record an entity (`id`, `attributes`), a collection's `data` beside `meta.pagination`. */
export const STRAPI_V4_SDL = /* GraphQL */ `
  ${COMMON_SDL}
  enum PublicationState {
    LIVE
    PREVIEW
  }

  type ContentViewEntity {
    id: ID
    attributes: ContentView
  }

  type ResponseCollectionMeta {
    pagination: Pagination!
  }

  type ContentViewEntityResponseCollection {
    data: [ContentViewEntity!]!
    meta: ResponseCollectionMeta!
  }

  type Query {
    contentViews(
      ${FIND_ARGS}
      publicationState: PublicationState = LIVE
    ): ContentViewEntityResponseCollection
  }
`;

export const strapiSchema: GraphQLSchema = buildSchema(STRAPI_SDL);
export const strapiV4Schema: GraphQLSchema = buildSchema(STRAPI_V4_SDL);

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

/** Strapi 4's answer: the same page, each document an entity with its fields under `attributes`. */
export function strapiV4Resolvers(catalog: Catalog, now: () => number): Record<string, (args: unknown) => unknown> {
  const { contentViews_connection: find } = strapiResolvers(catalog, now);
  const page = (args: unknown) =>
    z.object({ nodes: z.array(z.looseObject({ id: z.string() })), pageInfo: z.unknown() }).parse(find?.(args));
  return {
    contentViews: (args) => {
      const { nodes, pageInfo } = page(args);
      return { data: nodes.map((node) => ({ id: node.id, attributes: node })), meta: { pagination: pageInfo } };
    },
  };
}
