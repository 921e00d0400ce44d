/**
 * The content views as Contentful's GraphQL Content API serves a content type: a
 * `<type>Collection(skip, limit, where, order)` with `total`, `skip`, `limit` and `items`, each
 * entry's id and publish time under `sys`. Contentful's shapes: every field nullable, a Date field
 * typed `DateTime`, `limit` 100 by default and 1000 at most, filters on `sys` by `publishedAt_gte`.
 * The simulator orders by (publishedAt, id) whatever `order` says.
 */
import { buildSchema, type GraphQLSchema } from 'graphql';
import { z } from 'zod';
import type { Catalog, ContentViewRecord } from './catalog';
import { badInput, sinceMs } from './content-api';

export const CONTENTFUL_SDL = /* GraphQL */ `
  scalar DateTime

  type Query {
    contentViewCollection(
      skip: Int = 0
      limit: Int = 100
      preview: Boolean
      locale: String
      where: ContentViewFilter
      order: [ContentViewOrder]
    ): ContentViewCollection
  }

  type Sys {
    id: String!
    spaceId: String!
    environmentId: String!
    publishedAt: DateTime
    firstPublishedAt: DateTime
    publishedVersion: Int
  }

  input SysFilter {
    id: String
    id_in: [String]
    publishedAt_gte: DateTime
    publishedAt_gt: DateTime
    publishedAt_lte: DateTime
    publishedAt_lt: DateTime
  }

  input ContentViewFilter {
    sys: SysFilter
    contentId: String
    contentType: String
  }

  enum ContentViewOrder {
    sys_id_ASC
    sys_id_DESC
    sys_publishedAt_ASC
    sys_publishedAt_DESC
    day_ASC
    day_DESC
  }

  type ContentViewCollection {
    total: Int!
    skip: Int!
    limit: Int!
    items: [ContentView]!
  }

  type ContentView {
    sys: Sys!
    contentId: String
    title: String
    url: String
    contentType: String
    day: DateTime
    views: Int
    uniqueVisitors: Int
    avgTimeOnPageSeconds: Float
  }
`;

export const contentfulSchema: GraphQLSchema = buildSchema(CONTENTFUL_SDL);

const MAX_LIMIT = 1000;

const collectionArgs = z.object({
  skip: z.number(),
  limit: z.number(),
  where: z.object({ sys: z.object({ publishedAt_gte: z.unknown().optional() }).nullish() }).nullish(),
});

const entry = (row: ContentViewRecord) => ({
  ...row,
  sys: {
    id: row.id,
    spaceId: 'insight-hub-demo',
    environmentId: 'master',
    publishedAt: row.updatedAt,
    firstPublishedAt: row.updatedAt,
    publishedVersion: 1,
  },
});

export function contentfulResolvers(catalog: Catalog, now: () => number): Record<string, (args: unknown) => unknown> {
  return {
    contentViewCollection: (args) => {
      const { skip, limit, where } = collectionArgs.parse(args);
      if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) throw badInput(`"limit" must be from 0 to ${MAX_LIMIT}.`);
      if (!Number.isInteger(skip) || skip < 0) throw badInput('"skip" must not be negative.');
      const page = catalog.slice(skip, limit, sinceMs(where?.sys?.publishedAt_gte, 'publishedAt_gte'), now());
      return { total: page.total, skip, limit, items: page.rows.map(entry) };
    },
  };
}
