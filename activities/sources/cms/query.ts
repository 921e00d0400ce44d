/**
 * The GraphQL query a CMS connector reads (FR-4): a preset for a common headless CMS (./presets.ts),
 * or the user's own query with the paths to its records, their key and cursor, and its paging. A
 * query pages one of two ways, told by the variables it declares: by cursor ($first, $after; Relay's
 * pageInfo with hasNextPage and endCursor) or by offset ($skip, $limit; Contentful's skip/limit,
 * Strapi's start/limit), with an optional total. Either may take $updatedSince (the stream's cursor,
 * ISO-8601) to read only what changed. The stream's columns are the fields selected at the records
 * path. Pure and workflow-safe: graphql's parser only, no schema.
 */
import { Kind, parse, type FieldNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql/language';

export type CmsPaging =
  /** $first and $after; the object at `pageInfoPath` holds hasNextPage and endCursor. */
  | { kind: 'cursor'; pageInfoPath: readonly string[] }
  /** $skip and $limit; the number at `totalPath`, when there is one, counts every matching record. */
  | { kind: 'offset'; totalPath: readonly string[] | null };

export interface CmsQuery {
  /** The GraphQL document sent with every page. */
  document: string;
  /** Response keys from `data` to the records; a list on the way is read item by item. */
  recordsPath: readonly string[];
  paging: CmsPaging;
  /** Response keys from a record to when it last changed (the stream's cursor), e.g. sys.publishedAt. */
  cursorField: readonly string[];
  /** Response keys from a record to what identifies it, e.g. sys.id. */
  primaryKey: readonly string[];
}

/** Presets for common headless CMSs (./presets.ts); any other `query` is a GraphQL query of one's own. */
export const CMS_PRESET_NAMES = ['content-views', 'hygraph', 'contentful', 'strapi', 'strapi-v4'] as const;
export type CmsQueryPreset = (typeof CMS_PRESET_NAMES)[number];
export const isPreset = (query: string): query is CmsQueryPreset => CMS_PRESET_NAMES.some((name) => name === query);

/** The variables each paging sends; a query declares both of its pair, and may take $updatedSince. */
export const PAGING_VARIABLES = { cursor: ['first', 'after'], offset: ['skip', 'limit'] } as const;
const SENT_VARIABLES = new Set([...PAGING_VARIABLES.cursor, ...PAGING_VARIABLES.offset, 'updatedSince']);

/** The parts of a connector's config that say what it reads with a query of its own. */
export interface OwnQueryChoice {
  query: string;
  recordsPath?: string | undefined;
  pageInfoPath?: string | undefined;
  totalPath?: string | undefined;
  cursorField?: string | undefined;
  primaryKey?: string | undefined;
}

const pathOf = (dotted: string | undefined): string[] => (dotted ?? '').split('.');

/** The operation's variables, or none when the document does not parse (its problem is reported elsewhere). */
function declaredVariables(document: string): string[] {
  try {
    return operationsOf(document)[0]?.variableDefinitions?.map((definition) => definition.variable.name.value) ?? [];
  } catch {
    return [];
  }
}

/** Offset paging when the query takes $skip and $limit; cursor paging otherwise. */
export const pagesByOffset = (document: string): boolean =>
  PAGING_VARIABLES.offset.every((name) => declaredVariables(document).includes(name));

/** The query filters by the stream's cursor: a read from a cursor asks only for what changed since. */
export const takesUpdatedSince = (document: string): boolean => declaredVariables(document).includes('updatedSince');

/** A query of one's own with its paths (dotted response keys). */
export function ownQueryOf(choice: OwnQueryChoice): CmsQuery {
  const paging: CmsPaging = pagesByOffset(choice.query)
    ? { kind: 'offset', totalPath: choice.totalPath === undefined ? null : pathOf(choice.totalPath) }
    : { kind: 'cursor', pageInfoPath: pathOf(choice.pageInfoPath) };
  return {
    document: choice.query,
    recordsPath: pathOf(choice.recordsPath),
    paging,
    cursorField: pathOf(choice.cursorField),
    primaryKey: pathOf(choice.primaryKey ?? 'id'),
  };
}

/** A field selected under the records, under the key the response carries it by. */
export interface SelectedField {
  key: string;
  /** The schema's name for it (the key unless aliased). */
  name: string;
  /** Its own selection: an object (flattened into columns) or a list (one JSON column); absent for a scalar. */
  fields?: readonly SelectedField[];
}

/** What is wrong with a query, and which of the config's fields says it. */
export interface QueryProblem {
  field: 'query' | 'recordsPath' | 'pageInfoPath' | 'totalPath' | 'cursorField' | 'primaryKey';
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

const keyOf = (field: FieldNode): string => (field.alias ?? field.name).value;

/** The field reached by `path` from `root`, following response keys (aliases), and the schema's names on the way. */
function fieldAt(root: SelectionSetNode, path: readonly string[], field: QueryProblem['field']): { names: string[]; node: FieldNode } {
  let set: SelectionSetNode | undefined = root;
  let where = 'the query';
  const names: string[] = [];
  let node: FieldNode | undefined;
  for (const key of path) {
    node = set ? fieldsOf(set, where).find((f) => keyOf(f) === key) : undefined;
    if (!node) throw problem(field, `${where} selects no field "${key}" (${field} ${path.join('.')})`);
    names.push(node.name.value);
    set = node.selectionSet;
    where = `"${key}"`;
  }
  if (!node) throw problem(field, 'must name at least one response key');
  return { names, node };
}

function selectedFields(set: SelectionSetNode, where: string): SelectedField[] {
  return fieldsOf(set, where).map((f) => ({
    key: keyOf(f),
    name: f.name.value,
    ...(f.selectionSet ? { fields: selectedFields(f.selectionSet, `"${keyOf(f)}"`) } : {}),
  }));
}

function operationsOf(document: string): OperationDefinitionNode[] {
  const parsed = parse(document, { noLocation: true });
  const operations = parsed.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1 || parsed.definitions.length !== 1 || operations[0]?.operation !== 'query') {
    throw problem('query', 'must be one GraphQL query operation, without fragments');
  }
  return operations;
}

/** The query's one operation, with the variables it takes checked against those its paging sends. */
function operationOf(query: CmsQuery): SelectionSetNode {
  let operation;
  try {
    [operation] = operationsOf(query.document);
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    throw problem('query', `is neither a preset (${CMS_PRESET_NAMES.join(', ')}) nor a GraphQL query: ${String(error)}`);
  }
  if (!operation) throw problem('query', 'must be one GraphQL query operation, without fragments');
  const declared = (operation.variableDefinitions ?? []).map((definition) => definition.variable.name.value);
  const unknown = declared.filter((name) => !SENT_VARIABLES.has(name));
  if (unknown.length > 0)
    throw problem('query', `declares $${unknown.join(', $')}; only ${[...SENT_VARIABLES].map((n) => `$${n}`).join(', ')} are sent`);
  const [cursorPair, offsetPair] = [PAGING_VARIABLES.cursor, PAGING_VARIABLES.offset];
  const missing = PAGING_VARIABLES[query.paging.kind].filter((name) => !declared.includes(name));
  if (missing.length > 0) {
    throw problem(
      'query',
      `must take $${cursorPair.join(' and $')} (cursor paging) or $${offsetPair.join(' and $')} (offset paging): the plug-in pages with them`,
    );
  }
  return operation.selectionSet;
}

/** What a query reads: the schema's field names down to the records, and the fields selected there. */
export interface QueryShape {
  recordsPathNames: string[];
  fields: SelectedField[];
}

/** The scalar field at `path` among `fields`, or undefined. */
export function scalarAt(fields: readonly SelectedField[], path: readonly string[]): SelectedField | undefined {
  const [key, ...rest] = path;
  const field = fields.find((f) => f.key === key);
  if (!field) return undefined;
  if (rest.length === 0) return field.fields ? undefined : field;
  return field.fields ? scalarAt(field.fields, rest) : undefined;
}

function checkPaging(root: SelectionSetNode, paging: CmsPaging): void {
  if (paging.kind === 'offset') {
    if (paging.totalPath !== null && fieldAt(root, paging.totalPath, 'totalPath').node.selectionSet) {
      throw problem('totalPath', `must name a number, not an object (${paging.totalPath.join('.')})`);
    }
    return;
  }
  const pageInfo = fieldAt(root, paging.pageInfoPath, 'pageInfoPath').node.selectionSet;
  const selected = pageInfo ? fieldsOf(pageInfo, 'the page info').map(keyOf) : [];
  const missingInfo = ['hasNextPage', 'endCursor'].filter((key) => !selected.includes(key));
  if (missingInfo.length > 0) throw problem('pageInfoPath', `must select ${missingInfo.join(' and ')} at ${paging.pageInfoPath.join('.')}`);
}

/** The fields a query selects under its records, or the first problem with it. */
export function recordFieldsOf(query: CmsQuery): QueryShape | { problem: QueryProblem } {
  try {
    const root = operationOf(query);
    const records = fieldAt(root, query.recordsPath, 'recordsPath');
    if (!records.node.selectionSet) throw problem('recordsPath', `"${query.recordsPath.join('.')}" selects no fields of a record`);
    const fields = selectedFields(records.node.selectionSet, `"${query.recordsPath.join('.')}"`);
    checkPaging(root, query.paging);
    for (const field of ['cursorField', 'primaryKey'] as const) {
      if (!scalarAt(fields, query[field])) {
        throw problem(field, `"${query[field].join('.')}" is not a scalar field selected at ${query.recordsPath.join('.')}`);
      }
    }
    return { recordsPathNames: records.names, fields };
  } catch (error) {
    if (error instanceof ProblemError) return { problem: error.problem };
    throw error;
  }
}
