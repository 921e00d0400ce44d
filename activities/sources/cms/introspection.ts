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
import { catalogStreamOf, type CatalogField, type CatalogStream } from '../../../domain/catalog';
import type { ColumnType } from '../../../domain/streams/types';
import { ConnectorError } from '../../errors';
import { logger } from '../../logger';
import type { HttpCall } from '../http-kit';
import type { RefusedChoice } from '../types';
import type { CmsSourceConfig, CmsStream } from './definition';
import { GraphqlQueryRefused, requestGraphql } from './graphql-request';
import { recordFieldsOf, type CmsQuery } from './query';
import { recordColumns, type FieldType, type RecordColumn } from './record-columns';
import { cmsRequestTimings } from './request-timings';
import { cacheKey, ResponseCache } from './response-cache';

const INTROSPECTION_QUERY = getIntrospectionQuery({ descriptions: false });
const INTROSPECTION_CALL: HttpCall = { service: 'the CMS', action: 'the introspection of its schema' };

const schemas = new ResponseCache<GraphQLSchema>();

const isIntrospection = (data: unknown): data is IntrospectionQuery => typeof data === 'object' && data !== null && '__schema' in data;

/** The CMS's schema (null when the CMS refuses introspection), and the requests it cost: none when cached. */
export async function introspect(
  config: CmsSourceConfig,
  signal: AbortSignal,
): Promise<{ schema: GraphQLSchema | null; apiCalls: number }> {
  const key = cacheKey(config.endpoint, config.accessToken, INTROSPECTION_QUERY, {});
  const cached = schemas.get(key);
  if (cached) return { schema: cached, apiCalls: 0 };
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
    return { schema: null, apiCalls: 1 };
  }
  if (!isIntrospection(answer.data)) throw new ConnectorError('system', 'the CMS answered introspection without __schema');
  const schema = buildClientSchema(answer.data);
  schemas.set(key, schema, answer.bytes);
  return { schema, apiCalls: 1 };
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
  JSON: 'json',
};

function fieldType(field: GraphQLField<unknown, unknown>): FieldType {
  const named = getNamedType(field.type);
  const wrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
  const type = isScalarType(named) ? (SCALAR_COLUMNS[named.name] ?? 'string') : isEnumType(named) ? 'string' : 'json';
  return { type, list: isListType(wrapped), nullable: !isNonNullType(field.type), sourceType: String(field.type) };
}

/** The field `names` leads to from `type`, by the schema's field names. */
function fieldAt(type: GraphQLObjectType | null, names: readonly string[]): GraphQLField<unknown, unknown> | null {
  let level = type;
  let field: GraphQLField<unknown, unknown> | null = null;
  for (const name of names) {
    field = level?.getFields()[name] ?? null;
    const named = field ? getNamedType(field.type) : undefined;
    level = named && isObjectType(named) ? named : null;
  }
  return field;
}

/** The columns the query's records land in, typed as the CMS's schema types each field. */
export function typedColumns(schema: GraphQLSchema, query: CmsQuery): RecordColumn[] {
  const shape = recordFieldsOf(query);
  if ('problem' in shape) return [];
  const recordsField = fieldAt(schema.getQueryType() ?? null, shape.recordsPathNames);
  const named = recordsField ? getNamedType(recordsField.type) : undefined;
  const recordType = named && isObjectType(named) ? named : null;
  return recordColumns(shape.fields, (names) => {
    const field = fieldAt(recordType, names);
    return field ? fieldType(field) : null;
  });
}

/** The stream as a catalog entry, each field with the schema's type name and nullability where it has them. */
export function typedCatalogStream(stream: CmsStream, columns: readonly RecordColumn[], sourceName: string): CatalogStream {
  const entry = catalogStreamOf(stream, sourceName);
  const fields = entry.fields.map((field): CatalogField => {
    const typed = columns.find((c) => c.sourceField === field.sourceField);
    if (!typed?.sourceType) return field;
    return { ...field, sourceType: typed.sourceType, nullable: typed.nullable };
  });
  return { ...entry, fields };
}
