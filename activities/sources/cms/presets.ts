/**
 * Presets: the content views model (content, day, views) as common headless CMSs serve it, each read
 * into the same cms_content_views table whatever the CMS, so models and dashboards do not depend on
 * which one a team runs. Each preset is its CMS's query and where its records keep the fields that
 * differ from the content views' own names (Contentful's sys.id, Strapi's documentId). Workflow-safe.
 *
 * - content-views: Insight Hub's own CMS, a Relay connection filtered by `updatedSince`.
 * - hygraph: the model's `<plural>Connection`, `where: { updatedAt_gte }`, `orderBy: updatedAt_ASC`.
 * - contentful: the GraphQL Content API's `<type>Collection` (skip, limit, total, items), filtered
 *   and ordered by `sys.publishedAt`: a change is visible there once it is published.
 * - strapi: Strapi 5's `<plural>_connection` (nodes, pageInfo.total) with `pagination: { start,
 *   limit }`, filtered and sorted by `updatedAt`, keyed by `documentId`.
 * - strapi-v4: Strapi 4's `<plural>` (data: entities with `id` and `attributes`; meta.pagination.total),
 *   paged and filtered as Strapi 5's.
 */
import { isPreset, ownQueryOf, type CmsQuery, type CmsQueryPreset, type OwnQueryChoice } from './query';

export interface CmsPreset {
  query: CmsQuery;
  /** Content view fields this CMS keeps elsewhere in a record, by content view field: response keys, dotted. */
  movedFields: Readonly<Record<string, string>>;
}

const CONTENT_VIEW_NAMES = ['contentId', 'title', 'url', 'contentType', 'day', 'views', 'uniqueVisitors', 'avgTimeOnPageSeconds'];
const CONTENT_VIEW_FIELDS = CONTENT_VIEW_NAMES.join(' ');

/** A Relay connection's content views, read by `updatedAt`: `args` say how the CMS filters and orders them. */
function relayPreset(connection: string, args: string): CmsPreset {
  const document = [
    'query ContentViews($first: Int!, $after: String, $updatedSince: DateTime) {',
    `  ${connection}(first: $first, after: $after, ${args}) {`,
    `    edges { node { id ${CONTENT_VIEW_FIELDS} updatedAt } }`,
    '    pageInfo { hasNextPage endCursor }',
    '  }',
    '}',
  ].join('\n');
  return {
    query: {
      document,
      recordsPath: [connection, 'edges', 'node'],
      paging: { kind: 'cursor', pageInfoPath: [connection, 'pageInfo'] },
      cursorField: ['updatedAt'],
      primaryKey: ['id'],
    },
    movedFields: {},
  };
}

const contentful: CmsPreset = {
  query: {
    document: [
      'query ContentViews($skip: Int!, $limit: Int!, $updatedSince: DateTime) {',
      '  contentViewCollection(skip: $skip, limit: $limit, where: { sys: { publishedAt_gte: $updatedSince } }, order: [sys_publishedAt_ASC, sys_id_ASC]) {',
      '    total',
      `    items { sys { id publishedAt } ${CONTENT_VIEW_FIELDS} }`,
      '  }',
      '}',
    ].join('\n'),
    recordsPath: ['contentViewCollection', 'items'],
    paging: { kind: 'offset', totalPath: ['contentViewCollection', 'total'] },
    cursorField: ['sys', 'publishedAt'],
    primaryKey: ['sys', 'id'],
  },
  movedFields: { id: 'sys.id', updatedAt: 'sys.publishedAt' },
};

const strapi: CmsPreset = {
  query: {
    document: [
      'query ContentViews($skip: Int!, $limit: Int!, $updatedSince: DateTime) {',
      '  contentViews_connection(',
      '    filters: { updatedAt: { gte: $updatedSince } }',
      '    pagination: { start: $skip, limit: $limit }',
      '    sort: ["updatedAt:asc", "documentId:asc"]',
      '  ) {',
      `    nodes { documentId ${CONTENT_VIEW_FIELDS} updatedAt }`,
      '    pageInfo { total }',
      '  }',
      '}',
    ].join('\n'),
    recordsPath: ['contentViews_connection', 'nodes'],
    paging: { kind: 'offset', totalPath: ['contentViews_connection', 'pageInfo', 'total'] },
    cursorField: ['updatedAt'],
    primaryKey: ['documentId'],
  },
  movedFields: { id: 'documentId' },
};

const strapiV4: CmsPreset = {
  query: {
    document: [
      'query ContentViews($skip: Int!, $limit: Int!, $updatedSince: DateTime) {',
      '  contentViews(',
      '    filters: { updatedAt: { gte: $updatedSince } }',
      '    pagination: { start: $skip, limit: $limit }',
      '    sort: ["updatedAt:asc", "id:asc"]',
      '  ) {',
      `    data { id attributes { ${CONTENT_VIEW_FIELDS} updatedAt } }`,
      '    meta { pagination { total } }',
      '  }',
      '}',
    ].join('\n'),
    recordsPath: ['contentViews', 'data'],
    paging: { kind: 'offset', totalPath: ['contentViews', 'meta', 'pagination', 'total'] },
    cursorField: ['attributes', 'updatedAt'],
    primaryKey: ['id'],
  },
  movedFields: Object.fromEntries([...CONTENT_VIEW_NAMES, 'updatedAt'].map((name) => [name, `attributes.${name}`])),
};

export const CMS_PRESETS: Readonly<Record<CmsQueryPreset, CmsPreset>> = {
  'content-views': relayPreset('contentViews', 'updatedSince: $updatedSince'),
  hygraph: relayPreset('contentViewsConnection', 'where: { updatedAt_gte: $updatedSince }, orderBy: updatedAt_ASC'),
  contentful,
  strapi,
  'strapi-v4': strapiV4,
};

/** The query a config reads: its preset's, or its own with its paths. */
export function cmsQueryOf(choice: OwnQueryChoice): CmsQuery {
  return isPreset(choice.query) ? CMS_PRESETS[choice.query].query : ownQueryOf(choice);
}
