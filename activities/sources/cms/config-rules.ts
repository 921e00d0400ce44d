/**
 * What makes a CMS connector's query readable, checked with its config (a 400 naming the field
 * before the CMS is asked): a preset sets its own paths; a query of one's own names its records,
 * cursor and paging, selects what those name, and lands in columns apart. Workflow-safe.
 */
import type { z } from 'zod';
import { cmsQueryOf } from './presets';
import { CMS_PRESET_NAMES, isPreset, pagesByOffset, recordFieldsOf, type OwnQueryChoice, type SelectedField } from './query';
import { columnClash, ownStreamName, recordColumns, STREAM_NAME } from './record-columns';

const OWN_QUERY_FIELDS = ['recordsPath', 'pageInfoPath', 'totalPath', 'cursorField', 'primaryKey', 'fieldTypes', 'streamName'] as const;

type QueryConfig = OwnQueryChoice & {
  streamName?: string | undefined;
  fieldTypes?: Record<string, unknown> | undefined;
  streams: readonly string[];
};

/** Every selected field's response keys, dotted: what fieldTypes may name. */
const selectedPaths = (fields: readonly SelectedField[], prefix = ''): string[] =>
  fields.flatMap((field) => [`${prefix}${field.key}`, ...selectedPaths(field.fields ?? [], `${prefix}${field.key}.`)]);

function refuseOwnFields(config: QueryConfig, ctx: z.RefinementCtx): void {
  for (const field of OWN_QUERY_FIELDS.filter((name) => config[name] !== undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [field],
      message: `the ${config.query} preset sets its own; leave ${field} out or write the query`,
    });
  }
}

/** The paths a query of one's own must name, and the one its paging does not take. */
function refuseMissingPaths(config: QueryConfig, ctx: z.RefinementCtx): boolean {
  const byOffset = pagesByOffset(config.query);
  const required = byOffset ? (['recordsPath', 'cursorField'] as const) : (['recordsPath', 'pageInfoPath', 'cursorField'] as const);
  const missing = required.filter((name) => config[name] === undefined);
  for (const field of missing) {
    ctx.addIssue({
      code: 'custom',
      path: [field],
      message: `is required with a query of your own (not a preset: ${CMS_PRESET_NAMES.join(', ')})`,
    });
  }
  const unused = byOffset ? 'pageInfoPath' : 'totalPath';
  if (config[unused] !== undefined) {
    const paging = byOffset ? 'offset ($skip, $limit)' : 'cursor ($first, $after)';
    ctx.addIssue({ code: 'custom', path: [unused], message: `is not read by a query paged by ${paging}` });
  }
  return missing.length === 0;
}

export function refuseUnfitQuery(config: QueryConfig, ctx: z.RefinementCtx): void {
  if (isPreset(config.query)) {
    refuseOwnFields(config, ctx);
    if (config.streams.some((name) => name !== 'content_views')) {
      ctx.addIssue({ code: 'custom', path: ['streams'], message: `the ${config.query} preset reads one stream, content_views` });
    }
    return;
  }
  if (!refuseMissingPaths(config, ctx)) return;
  const query = cmsQueryOf(config);
  const shape = recordFieldsOf(query);
  if ('problem' in shape) {
    ctx.addIssue({ code: 'custom', path: [shape.problem.field], message: shape.problem.message });
    return;
  }
  const clash = columnClash(recordColumns(shape.fields, null));
  if (clash !== null) ctx.addIssue({ code: 'custom', path: ['query'], message: clash });
  const selected = selectedPaths(shape.fields);
  for (const field of Object.keys(config.fieldTypes ?? {}).filter((key) => !selected.includes(key))) {
    ctx.addIssue({ code: 'custom', path: ['fieldTypes', field], message: `is not a field selected at ${config.recordsPath ?? ''}` });
  }
  const name = ownStreamName(config, query.recordsPath);
  if (!STREAM_NAME.test(name)) {
    const field = config.streamName === undefined && config.streams.length === 0 ? 'streamName' : 'streams';
    ctx.addIssue({ code: 'custom', path: [field], message: `"${name}" is no stream name: give streamName, snake_case` });
  }
  if (config.streams.some((stream) => stream !== name)) {
    ctx.addIssue({ code: 'custom', path: ['streams'], message: `this query reads one stream, ${name}` });
  }
}
