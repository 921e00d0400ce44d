/**
 * The models through the API: their definitions with lineage, and the LookML project and Tableau
 * data source generated from them for each destination, read back with the real `lkml` parser and
 * Python's XML parser (the environment `bash scripts/python-env.sh lkml` makes).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { MODELS } from '../../activities/models';
import { modelListSchema } from '../../api/routes/models';
import { DESTINATION_KINDS } from '../../domain/connector';
import { SOURCE_KINDS, streamsOf } from '../../domain/sources';
import { startApiHarness, type ApiHarness } from '../api/harness';

const ROOT = path.resolve(__dirname, '../..');
const VENV = process.env.LKML_VENV ?? path.join(ROOT, '.data/lkml-venv');
const PYTHON = path.join(VENV, 'bin/python');

/** The environment's python when it holds exactly the pinned requirements. */
function lkmlPython(): string | null {
  const stamp = path.join(VENV, '.insight-hub-requirements');
  const wanted = createHash('sha256')
    .update(readFileSync(path.join(__dirname, 'lkml/requirements.txt')))
    .digest('hex');
  return existsSync(PYTHON) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === wanted ? PYTHON : null;
}

const handoffSchema = z.object({
  lookml: z.object({
    connection: z.string(),
    views: z.record(
      z.string(),
      z.object({
        sql_table_name: z.string(),
        dimensions: z.record(z.string(), z.string()),
        primary_keys: z.array(z.string()),
        dimension_groups: z.record(z.string(), z.array(z.string())),
        measures: z.record(z.string(), z.object({ type: z.string(), sql: z.string().nullable() })),
      }),
    ),
    explores: z.record(z.string(), z.array(z.object({ name: z.string(), relationship: z.string(), sql_on: z.string() }))),
  }),
  tds: z.object({
    root: z.string(),
    tables: z.array(z.string()),
    remote_tables: z.array(z.string()),
    records: z.array(z.object({ model: z.string(), column: z.string() })),
    columns: z.record(z.string(), z.object({ role: z.string(), aggregation: z.string() })),
    class: z.string(),
    project: z.string().nullable(),
  }),
});

let api: ApiHarness;
let dir = '';
beforeAll(async () => {
  api = await startApiHarness();
  dir = await mkdtemp(path.join(tmpdir(), 'ih-handoff-'));
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

async function download(pathAndQuery: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const response = await fetch(`${api.url}${pathAndQuery}`, { headers: { authorization: `Bearer ${await api.keyFor('campaign-lead')}` } });
  return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
}

test('GET /api/v1/models lists every model, each column with lineage to columns that exist', async () => {
  const response = await api.call('GET', '/api/v1/models', undefined, await api.keyFor('campaign-lead'));
  expect(response.status).toBe(200);
  const { models } = modelListSchema.parse(response.body);
  expect(models.map((m) => m.name)).toEqual([
    'customer_identity',
    'customer_touchpoint',
    'customer',
    'campaign_performance',
    'content_performance',
    'brand_sentiment_daily',
  ]);
  const known = new Set(SOURCE_KINDS.flatMap(streamsOf).flatMap((s) => s.columns.map((c) => `${s.table}.${c.name}`)));
  for (const model of models) {
    for (const column of model.columns) {
      for (const source of column.lineage) expect(known).toContain(`${source.table}.${source.column}`);
    }
    // A model's own columns become known to the models after it.
    for (const column of model.columns) known.add(`${model.name}.${column.name}`);
  }
  const reach = models.find((m) => m.name === 'customer_touchpoint')?.columns.find((c) => c.name === 'customer_key');
  expect(reach).toMatchObject({ aggregation: 'count_distinct' });
  expect(models.find((m) => m.name === 'customer')?.columns.find((c) => c.name === 'email')).toMatchObject({
    personal: true,
    lineage: [
      { table: 'salesforce_contact', column: 'email' },
      { table: 'salesforce_lead', column: 'email' },
    ],
  });
});

test('a BigQuery destination without its project is a 400 naming the parameter', async () => {
  const response = await api.call(
    'GET',
    '/api/v1/models/tableau?destination=bigquery&schema=analytics',
    undefined,
    await api.keyFor('admin'),
  );
  expect(response.status).toBe(400);
  expect(JSON.stringify(response.body)).toContain('project');
});

test('a destination the API does not know is a 400 naming the parameter', async () => {
  const response = await api.call('GET', '/api/v1/models/lookml?destination=oracle');
  expect(response.status).toBe(400);
  expect(JSON.stringify(response.body)).toContain('destination');
});

const python = lkmlPython();
const PROJECT = 'insight-hub-demo';
const describeWithParser = python ? describe : describe.skip;
if (!python) test.skip(`LookML parser: no environment at ${VENV} (create it with \`bash scripts/python-env.sh lkml\`)`, () => undefined);

describeWithParser.each(DESTINATION_KINDS.map((destination) => ({ destination })))(
  'Looker and Tableau files for $destination',
  ({ destination }) => {
    test('the LookML project parses, every column is a field and measures aggregate as the model says; the .tds names every column', async () => {
      // BigQuery's tables are named under their Google Cloud project, as Tableau's BigQuery connector needs.
      const where = `destination=${destination}&schema=analytics${destination === 'bigquery' ? `&project=${PROJECT}` : ''}`;
      const lookml = await download(`/api/v1/models/lookml?${where}`);
      expect(lookml.status).toBe(200);
      expect(lookml.type).toMatch(/^application\/zip/);
      const tds = await download(`/api/v1/models/tableau?${where}`);
      expect(tds.status).toBe(200);
      expect(tds.type).toMatch(/^application\/xml/);
      await writeFile(path.join(dir, `${destination}.zip`), lookml.bytes);
      await writeFile(path.join(dir, `${destination}.tds`), tds.bytes);
      const { stdout } = await promisify(execFile)(python ?? '', [
        path.join(__dirname, 'lkml/read_handoff.py'),
        path.join(dir, `${destination}.zip`),
        path.join(dir, `${destination}.tds`),
      ]);
      const read = handoffSchema.parse(JSON.parse(stdout));

      expect(read.lookml.connection).toBe(`insight_hub_${destination}`);
      expect(read.lookml.explores.customer?.map((join) => join.name)).toEqual(['customer_touchpoint', 'campaign_performance']);
      for (const model of MODELS) {
        const view = read.lookml.views[model.name];
        expect(view?.sql_table_name).toContain('analytics');
        expect(view?.primary_keys).toHaveLength(1);
        for (const column of model.columns) {
          const timed = column.type === 'timestamp' || column.type === 'date';
          expect(timed ? view?.dimension_groups[column.name] : view?.dimensions[column.name]).toBeDefined();
          const measures = Object.values(view?.measures ?? {}).filter((m) => m.sql === `\${${column.name}}`);
          const expected = column.aggregation === 'none' ? [] : [column.aggregation];
          expect([column.name, measures.map((m) => m.type)]).toEqual([column.name, expected]);
        }
      }
      expect(read.lookml.views.customer_touchpoint?.measures.distinct_customer_key?.type).toBe('count_distinct');
      expect(read.lookml.views.content_performance?.measures).not.toHaveProperty('total_ga4_active_users');

      expect(read.tds.root).toBe('datasource');
      expect(read.tds.tables).toEqual(MODELS.map((m) => m.name));
      if (destination === 'bigquery') {
        expect(read.tds.project).toBe(PROJECT);
        expect(read.tds.remote_tables).toEqual(MODELS.map((m) => `[${PROJECT}.analytics].[${m.name}]`));
        expect(read.lookml.views.customer?.sql_table_name).toBe(`\`${PROJECT}.analytics.customer\``);
      } else {
        expect(read.tds.project).toBeNull();
      }
      const expectedColumns = MODELS.flatMap((m) => m.columns.map((c) => ({ model: m.name, column: c.name })));
      // Snowflake keeps the names in upper case, as its plug-in created them.
      expect(read.tds.records.map((r) => ({ model: r.model.toLowerCase(), column: r.column.toLowerCase() }))).toEqual(expectedColumns);
      expect(read.tds.columns['[unique_reach (campaign_performance)]']).toEqual({ role: 'dimension', aggregation: 'None' });
      expect(read.tds.columns['[amount_won (campaign_performance)]']).toEqual({ role: 'measure', aggregation: 'Sum' });
    });
  },
);
