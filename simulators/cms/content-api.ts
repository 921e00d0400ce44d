/**
 * The CMS's GraphQL schema and its execution over the catalog:
 *
 *   type Query { contentViews(first: Int!, after: String, updatedSince: DateTime): ContentViewConnection! }
 *   type ContentViewConnection { edges: [ContentViewEdge!]!, pageInfo: PageInfo!, totalCount: Int! }
 *   type ContentViewEdge { cursor: String!, node: ContentView! }
 *   type ContentView { id: ID!, contentId: ID!, title: String, url: String!, contentType: String!,
 *                      day: Date!, views: Int!, uniqueVisitors: Int!, avgTimeOnPageSeconds: Float!,
 *                      updatedAt: DateTime! }
 *   type PageInfo { hasNextPage: Boolean!, hasPreviousPage: Boolean!, startCursor: String, endCursor: String }
 *
 * Results carry exactly the fields selected, under their aliases, as a GraphQL server answers.
 */
import type { Catalog, ContentViewRecord, RowKey } from './catalog';
import type { FieldNode, OperationNode, ValueNode } from './graphql-parser';

export interface GraphqlError {
  message: string;
  path?: string[];
  extensions: { code: string };
}

export class GraphqlRequestError extends Error {
  constructor(
    readonly code: 'GRAPHQL_VALIDATION_FAILED' | 'BAD_USER_INPUT',
    message: string,
    readonly path?: string[],
  ) {
    super(message);
  }
}

/** Each type's fields: the object type a field resolves to, or null for a scalar. */
const SCHEMA: Readonly<Record<string, Readonly<Record<string, string | null>>>> = {
  Query: { contentViews: 'ContentViewConnection' },
  ContentViewConnection: { edges: 'ContentViewEdge', pageInfo: 'PageInfo', totalCount: null },
  ContentViewEdge: { cursor: null, node: 'ContentView' },
  ContentView: {
    id: null,
    contentId: null,
    title: null,
    url: null,
    contentType: null,
    day: null,
    views: null,
    uniqueVisitors: null,
    avgTimeOnPageSeconds: null,
    updatedAt: null,
  },
  PageInfo: { hasNextPage: null, hasPreviousPage: null, startCursor: null, endCursor: null },
};

const MAX_FIRST = 1000;

function validate(fields: readonly FieldNode[], type: string, variables: ReadonlySet<string>): void {
  const known = SCHEMA[type] ?? {};
  for (const field of fields) {
    if (field.name === '__typename') continue;
    if (!Object.hasOwn(known, field.name))
      throw new GraphqlRequestError('GRAPHQL_VALIDATION_FAILED', `Cannot query field "${field.name}" on type "${type}".`);
    const target = known[field.name] ?? null;
    if (target !== null && field.selections.length === 0) {
      throw new GraphqlRequestError(
        'GRAPHQL_VALIDATION_FAILED',
        `Field "${field.name}" of type "${target}" must have a selection of subfields.`,
      );
    }
    if (target === null && field.selections.length > 0) {
      throw new GraphqlRequestError(
        'GRAPHQL_VALIDATION_FAILED',
        `Field "${field.name}" must not have a selection since its type has no subfields.`,
      );
    }
    for (const [arg, value] of field.args) {
      if (value.kind === 'variable' && !variables.has(value.name)) {
        throw new GraphqlRequestError('GRAPHQL_VALIDATION_FAILED', `Variable "$${value.name}" is not defined.`);
      }
      if (!(type === 'Query' && ['first', 'after', 'updatedSince'].includes(arg))) {
        throw new GraphqlRequestError('GRAPHQL_VALIDATION_FAILED', `Unknown argument "${arg}" on field "${type}.${field.name}".`);
      }
    }
    if (target !== null) validate(field.selections, target, variables);
  }
}

export const encodeRowCursor = (key: RowKey): string => Buffer.from(JSON.stringify([key.updatedAt, key.id])).toString('base64url');

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

function argument(field: FieldNode, name: string, variables: Readonly<Record<string, unknown>>): unknown {
  const node: ValueNode | undefined = field.args.get(name);
  if (!node) return null;
  return node.kind === 'variable' ? (variables[node.name] ?? null) : node.value;
}

function connectionArgs(
  field: FieldNode,
  variables: Readonly<Record<string, unknown>>,
): { first: number; after: RowKey | null; updatedSince: number | null } {
  const bad = (message: string): GraphqlRequestError => new GraphqlRequestError('BAD_USER_INPUT', message, [field.key]);
  const first = argument(field, 'first', variables);
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > MAX_FIRST)
    throw bad(`"first" must be an integer from 1 to ${MAX_FIRST}.`);
  const after = argument(field, 'after', variables);
  if (after !== null && typeof after !== 'string') throw bad('"after" must be a cursor string.');
  const afterKey = after === null ? null : decodeRowCursor(after);
  if (after !== null && afterKey === null) throw bad('"after" is not a valid cursor.');
  const since = argument(field, 'updatedSince', variables);
  const sinceMs = typeof since === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(since) ? Date.parse(since) : Number.NaN;
  if (since !== null && Number.isNaN(sinceMs)) throw bad('"updatedSince" must be an ISO-8601 DateTime.');
  return { first, after: afterKey, updatedSince: since === null ? null : sinceMs };
}

function project(value: unknown, fields: readonly FieldNode[], type: string): unknown {
  if (Array.isArray(value)) return value.map((item) => project(item, fields, type));
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.name === '__typename') {
      result[field.key] = type;
      continue;
    }
    const fieldValue: unknown = Object.entries(value).find(([name]) => name === field.name)?.[1] ?? null;
    const target = SCHEMA[type]?.[field.name] ?? null;
    result[field.key] = target === null ? fieldValue : project(fieldValue, field.selections, target);
  }
  return result;
}

function contentViews(catalog: Catalog, field: FieldNode, variables: Readonly<Record<string, unknown>>, now: number): unknown {
  const { first, after, updatedSince } = connectionArgs(field, variables);
  const page = catalog.page(first, after, updatedSince, now);
  const edges = page.rows.map((node: ContentViewRecord) => ({ cursor: encodeRowCursor(node), node }));
  return {
    edges,
    totalCount: page.total,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** The `data` of a response; throws GraphqlRequestError for the `errors` array. */
export function execute(
  catalog: Catalog,
  operation: OperationNode,
  variables: Readonly<Record<string, unknown>>,
  now: number,
): Record<string, unknown> {
  validate(operation.selections, 'Query', operation.variables);
  const data: Record<string, unknown> = {};
  for (const field of operation.selections) {
    data[field.key] =
      field.name === '__typename'
        ? 'Query'
        : project(contentViews(catalog, field, variables, now), field.selections, 'ContentViewConnection');
  }
  return data;
}
