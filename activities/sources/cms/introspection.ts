/**
 * The CMS's own schema, asked by introspection: the connector's query is validated against it when
 * the connector is created or changed (a 400 naming the field the schema lacks, graphql-js's own
 * message), and discovery types the stream's fields by it. Cached for 5 minutes like the pages. A
 * CMS that refuses introspection (many do in production) leaves the query unchecked: the first
 * cycle reports what the CMS says.
 */
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  parse,
  validate,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import type { CatalogField, CatalogStream } from '../../../domain/catalog';
import type { ColumnType } from '../../../domain/streams/types';
import { ConnectorError } from '../../errors';
import { logger } from '../../logger';
import type { HttpCall } from '../http-kit';
import type { RefusedChoice } from '../types';
import type { CmsSourceConfig, CmsStream } from './definition';
import { GraphqlQueryRefused, requestGraphql } from './graphql-request';
import { recordFieldsOf, type CmsQuery } from './query';
import { cmsRequestTimings } from './request-timings';
import { cacheKey, ResponseCache } from './response-cache';

const INTROSPECTION_QUERY = getIntrospectionQuery({ descriptions: false });
const INTROSPECTION_CALL: HttpCall = { service: 'the CMS', action: 'the introspection of its schema' };

const schemas = new ResponseCache<GraphQLSchema>();

const isIntrospection = (data: unknown): data is IntrospectionQuery => typeof data === 'object' && data !== null && '__schema' in data;

/** The CMS's schema; null when the CMS refuses introspection. */
export async function introspect(config: CmsSourceConfig, signal: AbortSignal): Promise<GraphQLSchema | null> {
  const key = cacheKey(config.endpoint, config.accessToken, INTROSPECTION_QUERY, {});
  const cached = schemas.get(key);
  if (cached) return cached;
  let answer;
  try {
    answer = await requestGraphql(
      {
        endpoint: config.endpoint,
        accessToken: config.accessToken,
        query: INTROSPECTION_QUERY,
        variables: {},
        payloadLimit: { maxBytes: config.maxPayloadBytes, what: "the CMS's schema", hint: "raise the connector's maxPayloadBytes" },
        timings: cmsRequestTimings,
        call: INTROSPECTION_CALL,
        label: { source: 'cms', operation: 'IntrospectionQuery' },
      },
      signal,
    );
  } catch (error) {
    if (!(error instanceof GraphqlQueryRefused)) throw error;
    logger.warn({ source: 'cms', error: error.message }, 'the CMS refused introspection: the query is not checked before its first cycle');
    return null;
  }
  if (!isIntrospection(answer.data)) throw new ConnectorError('system', 'the CMS answered introspection without __schema');
  const schema = buildClientSchema(answer.data);
  schemas.set(key, schema, answer.bytes);
  return schema;
}

/** graphql-js's own verdicts on the query, each under the config's `query` field. */
export function refusedBySchema(schema: GraphQLSchema, query: CmsQuery): RefusedChoice[] {
  return validate(schema, parse(query.document)).map((error) => ({ path: ['query'], message: error.message }));
}

const SCALAR_COLUMNS: Readonly<Record<string, ColumnType>> = {
  Int: 'integer',
  Float: 'number',
  Boolean: 'boolean',
  String: 'string',
  ID: 'string',
  DateTime: 'timestamp',
  Date: 'date',
};

function columnTypeOf(field: GraphQLField<unknown, unknown>): ColumnType {
  const named = getNamedType(field.type);
  const wrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
  if (isListType(wrapped) || !(isScalarType(named) || isEnumType(named))) return 'json';
  return isScalarType(named) ? (SCALAR_COLUMNS[named.name] ?? 'string') : 'string';
}

/** The object type of the records: the schema's types along the records path. */
function recordType(schema: GraphQLSchema, names: readonly string[]): GraphQLObjectType | null {
  let type: GraphQLObjectType | null | undefined = schema.getQueryType();
  for (const name of names) {
    const next = type?.getFields()[name];
    const named = next ? getNamedType(next.type) : undefined;
    type = named && isObjectType(named) ? named : null;
  }
  return type ?? null;
}

/** The stream with each selected field typed as the schema types it. */
export function typedCatalogStream(schema: GraphQLSchema, query: CmsQuery, stream: CmsStream): CatalogStream {
  const shape = recordFieldsOf(query);
  const type = 'problem' in shape ? null : recordType(schema, shape.recordsPathNames);
  const selected = 'problem' in shape ? [] : shape.fields;
  const fields = stream.columns.map((column): CatalogField => {
    const name = selected.find((field) => field.key === column.sourceField)?.name;
    const field = name === undefined ? undefined : type?.getFields()[name];
    return {
      column: column.name,
      sourceField: column.sourceField ?? column.name,
      type: field ? columnTypeOf(field) : column.type,
      ...(field ? { sourceType: String(field.type) } : {}),
      nullable: field ? !isNonNullType(field.type) : column.name !== stream.primaryKey,
      personal: column.personal ?? false,
    };
  });
  return {
    name: stream.name,
    sourceName: query.recordsPath.join('.'),
    defaultSelected: true,
    primaryKey: [stream.primaryKey],
    cursorCandidates: [stream.cursorColumn],
    fields,
  };
}
