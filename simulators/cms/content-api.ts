/**
 * The CMS's GraphQL API: an SDL built with graphql-js and executed over the catalog, so a query is
 * parsed, validated and answered (introspection included) exactly as a graphql-js server does. Two
 * shapes of the same content views, as two common headless CMSs expose them:
 *
 * - `contentViews(first, after, updatedSince)`: a plain Relay connection (Insight Hub's own shape);
 * - `contentViewsConnection(first, after, where: { updatedAt_gte }, orderBy)`: Hygraph's shape,
 *   with `aggregate { count }` beside the edges.
 */
import { buildSchema, GraphQLError, type GraphQLSchema } from 'graphql';
import { z } from 'zod';
import type { Catalog, ContentViewRecord, RowKey } from './catalog';

export const CONTENT_SDL = /* GraphQL */ `
  "An ISO-8601 instant, e.g. 2026-03-01T12:00:00.000Z."
  scalar DateTime
  "An ISO-8601 day, e.g. 2026-03-01."
  scalar Date

  type Query {
    "Daily view figures per piece of content, in ascending (updatedAt, id) order."
    contentViews(first: Int!, after: String, updatedSince: DateTime): ContentViewConnection!
    "The same figures as Hygraph serves a model: a connection filtered by where, ordered by orderBy."
    contentViewsConnection(
      first: Int
      after: String
      where: ContentViewWhereInput
      orderBy: ContentViewOrderByInput
    ): ContentViewConnection!
  }

  input ContentViewWhereInput {
    updatedAt_gte: DateTime
  }

  enum ContentViewOrderByInput {
    updatedAt_ASC
  }

  type ContentViewConnection {
    edges: [ContentViewEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
    aggregate: Aggregate!
  }

  type Aggregate {
    count: Int!
  }

  type ContentViewEdge {
    cursor: String!
    node: ContentView!
  }

  type ContentView {
    "<contentId>:<day>"
    id: ID!
    contentId: ID!
    title: String
    url: String!
    contentType: String!
    day: Date!
    views: Int!
    uniqueVisitors: Int!
    avgTimeOnPageSeconds: Float!
    updatedAt: DateTime!
    "The piece of content the figures are for."
    content: Content!
    "Labels the content is filed under."
    tags: [String!]!
  }

  type Content {
    id: ID!
    title: String
    url: String!
    type: String!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }
`;

export const contentSchema: GraphQLSchema = buildSchema(CONTENT_SDL);

const MAX_FIRST = 1000;
/** Hygraph's default page when `first` is left out. */
const DEFAULT_FIRST = 100;

export const badInput = (message: string): GraphQLError => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

const encodeRowCursor = (key: RowKey): string => Buffer.from(JSON.stringify([key.updatedAt, key.id])).toString('base64url');

function decodeRowCursor(cursor: string): RowKey | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'string' && !Number.isNaN(Date.parse(parsed[0]))) {
      return { updatedAt: parsed[0], id: parsed[1] };
    }
  } catch {
    // Falls through to the user-input error below.
  }
  return null;
}

interface ConnectionArgs {
  first: number;
  after: string | null;
  updatedSince: unknown;
}

/** Custom scalars are passed through as sent: the resolver checks the instant itself. */
export function sinceMs(value: unknown, argument = 'updatedSince'): number | null {
  if (value === null || value === undefined) return null;
  const at = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) throw badInput(`"${argument}" must be an ISO-8601 DateTime.`);
  return at;
}

/** A row with the content it counts as an object of its own, and its tags (its type and its topic, from the URL). */
const withContent = (row: ContentViewRecord) => ({
  ...row,
  content: { id: row.contentId, title: row.title, url: row.url, type: row.contentType },
  tags: [row.contentType, row.url.split('/').pop()?.replace(/-\d+$/, '') ?? ''],
});

function connection(catalog: Catalog, args: ConnectionArgs, now: number) {
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_FIRST) {
    throw badInput(`"first" must be an integer from 1 to ${MAX_FIRST}.`);
  }
  const after = args.after === null ? null : decodeRowCursor(args.after);
  if (args.after !== null && after === null) throw badInput('"after" is not a valid cursor.');
  const page = catalog.page(args.first, after, sinceMs(args.updatedSince), now);
  const edges = page.rows.map((row: ContentViewRecord) => ({ cursor: encodeRowCursor(row), node: withContent(row) }));
  return {
    edges,
    totalCount: page.total,
    aggregate: { count: page.total },
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

const objectArgs = z.object({
  first: z.number().nullish(),
  after: z.string().nullish(),
  updatedSince: z.unknown().optional(),
  where: z.object({ updatedAt_gte: z.unknown().optional() }).nullish(),
});

/** The root resolvers; graphql-js has coerced the arguments to the SDL's types before they run. */
export function contentResolvers(catalog: Catalog, now: () => number): Record<string, (args: unknown) => unknown> {
  const read = (args: unknown, fallbackFirst: number | null) => {
    const parsed = objectArgs.parse(args);
    const first = parsed.first ?? fallbackFirst ?? Number.NaN;
    return connection(
      catalog,
      { first, after: parsed.after ?? null, updatedSince: parsed.where?.updatedAt_gte ?? parsed.updatedSince },
      now(),
    );
  };
  return {
    contentViews: (args) => read(args, null),
    contentViewsConnection: (args) => read(args, DEFAULT_FIRST),
  };
}
