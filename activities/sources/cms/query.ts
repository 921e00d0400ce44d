/**
 * The GraphQL query a CMS connector reads (FR-4): a preset for a common headless CMS, or the user's
 * own query with the paths to its records, to their cursor field and to the page info. The plug-in
 * sends three variables — $first (the page size), $after (the last page's endCursor) and
 * $updatedSince (the stream's cursor, ISO-8601) — and a query declares those it uses ($first and
 * $after at least). The stream's columns are the fields selected at the records path. Pure and
 * workflow-safe: graphql's parser only, no schema.
 */
import { Kind, parse, type FieldNode, type SelectionSetNode } from 'graphql/language';

export interface CmsQuery {
  /** The GraphQL document sent with every page. */
  document: string;
  /** Response keys from `data` to the records; a list on the way is read item by item. */
  recordsPath: readonly string[];
  /** Response keys from `data` to the object holding hasNextPage and endCursor. */
  pageInfoPath: readonly string[];
  /** The record field holding when it last changed: the stream's cursor. */
  cursorField: string;
  primaryKey: string;
}

const CONTENT_VIEW_FIELDS = 'id contentId title url contentType day views uniqueVisitors avgTimeOnPageSeconds updatedAt';

export const CMS_PRESET_NAMES = ['content-views', 'hygraph'] as const;
export type CmsQueryPreset = (typeof CMS_PRESET_NAMES)[number];

/** A Relay connection's content views, read by `updatedAt`: `arguments` say how the CMS filters and orders them. */
function contentViewsPreset(connection: string, args: string): CmsQuery {
  return {
    document: [
      'query ContentViews($first: Int!, $after: String, $updatedSince: DateTime) {',
      `  ${connection}(first: $first, after: $after, ${args}) {`,
      `    edges { node { ${CONTENT_VIEW_FIELDS} } }`,
      '    pageInfo { hasNextPage endCursor }',
      '  }',
      '}',
    ].join('\n'),
    recordsPath: [connection, 'edges', 'node'],
    pageInfoPath: [connection, 'pageInfo'],
    cursorField: 'updatedAt',
    primaryKey: 'id',
  };
}

/** Presets the simulated CMS serves; both read the same content views, so both land the same table. */
export const CMS_QUERY_PRESETS: Readonly<Record<CmsQueryPreset, CmsQuery>> = {
  /** Insight Hub's own CMS: a Relay connection with an `updatedSince` filter. */
  'content-views': contentViewsPreset('contentViews', 'updatedSince: $updatedSince'),
  /** Hygraph: the model's `<plural>Connection` with `where: { updatedAt_gte }` and an `orderBy`. */
  hygraph: contentViewsPreset('contentViewsConnection', 'where: { updatedAt_gte: $updatedSince }, orderBy: updatedAt_ASC'),
};

export const isPreset = (query: string): query is CmsQueryPreset => CMS_PRESET_NAMES.some((name) => name === query);

/** The parts of a connector's config that say what it reads. */
export interface CmsQueryChoice {
  query: string;
  recordsPath?: string | undefined;
  pageInfoPath?: string | undefined;
  cursorField?: string | undefined;
  primaryKey?: string | undefined;
}

/** The query a config reads: its preset's, or its own with its paths (dotted response keys). */
export function cmsQueryOf(choice: CmsQueryChoice): CmsQuery {
  if (isPreset(choice.query)) return CMS_QUERY_PRESETS[choice.query];
  return {
    document: choice.query,
    recordsPath: (choice.recordsPath ?? '').split('.'),
    pageInfoPath: (choice.pageInfoPath ?? '').split('.'),
    cursorField: choice.cursorField ?? '',
    primaryKey: choice.primaryKey ?? 'id',
  };
}

/** The variables the plug-in sends; `first` and `after` page, so a query must take them. */
const SENT_VARIABLES = new Set(['first', 'after', 'updatedSince']);
const PAGING_VARIABLES = ['first', 'after'] as const;

/** A field selected at the records path, under the key the response carries it by. */
export interface SelectedField {
  key: string;
  /** The schema's name for it (the key unless aliased). */
  name: string;
  /** It selects subfields: an object, landed as JSON. */
  object: boolean;
}

/** What is wrong with a query, and which of the config's fields says it. */
export interface QueryProblem {
  field: 'query' | 'recordsPath' | 'pageInfoPath' | 'cursorField' | 'primaryKey';
  message: string;
}

class ProblemError extends Error {
  constructor(readonly problem: QueryProblem) {
    super(problem.message);
  }
}
const problem = (field: QueryProblem['field'], message: string): ProblemError => new ProblemError({ field, message });

function fieldsOf(set: SelectionSetNode, where: string): FieldNode[] {
  return set.selections.map((selection) => {
    if (selection.kind !== Kind.FIELD) throw problem('query', `${where} selects a fragment; name the fields there instead`);
    return selection;
  });
}

/**
 * The fields selected at `path`, following response keys (aliases) from the operation's root, and
 * the schema's names of the fields on the way.
 */
function selectionAt(
  root: SelectionSetNode,
  path: readonly string[],
  field: 'recordsPath' | 'pageInfoPath',
): { names: string[]; fields: FieldNode[] } {
  let set = root;
  let where = 'the query';
  const names: string[] = [];
  for (const key of path) {
    const next = fieldsOf(set, where).find((f) => (f.alias ?? f.name).value === key);
    if (!next?.selectionSet) throw problem(field, `${where} selects no object field "${key}" (${field} ${path.join('.')})`);
    names.push(next.name.value);
    set = next.selectionSet;
    where = `"${key}"`;
  }
  return { names, fields: fieldsOf(set, where) };
}

/** The query's one operation, with the variables it takes checked against those the plug-in sends. */
function operationOf(document: string): SelectionSetNode {
  let parsed;
  try {
    parsed = parse(document, { noLocation: true });
  } catch (error) {
    throw problem('query', `is neither a preset (${CMS_PRESET_NAMES.join(', ')}) nor a GraphQL query: ${String(error)}`);
  }
  const operations = parsed.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const [operation] = operations;
  if (operations.length !== 1 || parsed.definitions.length !== 1 || operation?.operation !== 'query') {
    throw problem('query', 'must be one GraphQL query operation, without fragments');
  }
  const declared = (operation.variableDefinitions ?? []).map((definition) => definition.variable.name.value);
  const unknown = declared.filter((name) => !SENT_VARIABLES.has(name));
  if (unknown.length > 0) throw problem('query', `declares $${unknown.join(', $')}; only $first, $after and $updatedSince are sent`);
  const missing = PAGING_VARIABLES.filter((name) => !declared.includes(name));
  if (missing.length > 0) throw problem('query', `must take $${missing.join(' and $')}: the plug-in pages with them`);
  return operation.selectionSet;
}

/** What a query reads: the schema's field names down to the records, and the record fields. */
export interface QueryShape {
  recordsPathNames: string[];
  fields: SelectedField[];
}

/** The record fields a query selects, or the first problem with it. */
export function recordFieldsOf(query: CmsQuery): QueryShape | { problem: QueryProblem } {
  try {
    const root = operationOf(query.document);
    const records = selectionAt(root, query.recordsPath, 'recordsPath');
    const fields = records.fields.map((f) => ({
      key: (f.alias ?? f.name).value,
      name: f.name.value,
      object: f.selectionSet !== undefined,
    }));
    const pageInfo = selectionAt(root, query.pageInfoPath, 'pageInfoPath').fields.map((f) => (f.alias ?? f.name).value);
    const missingInfo = ['hasNextPage', 'endCursor'].filter((key) => !pageInfo.includes(key));
    if (missingInfo.length > 0)
      throw problem('pageInfoPath', `must select ${missingInfo.join(' and ')} at ${query.pageInfoPath.join('.')}`);
    for (const field of ['cursorField', 'primaryKey'] as const) {
      const key = query[field];
      if (!fields.some((f) => f.key === key && !f.object)) {
        throw problem(field, `"${key}" is not a scalar field selected at ${query.recordsPath.join('.')}`);
      }
    }
    return { recordsPathNames: records.names, fields };
  } catch (error) {
    if (error instanceof ProblemError) return { problem: error.problem };
    throw error;
  }
}
