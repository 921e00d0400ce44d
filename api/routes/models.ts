/**
 * The customer models as definitions: GET /api/v1/models lists them with their columns and lineage;
 * /lookml and /tableau generate a LookML project (zip) and a Tableau data source (.tds) for a
 * destination. None of them reads a row: they describe where the rows are.
 */
import { z } from 'zod';
import { DESTINATION_KINDS } from '../../domain/connector';
import { sqlIdentifier } from '../../domain/destinations';
import { COLUMN_TYPES_LIST, describeModels } from '../../activities/models/catalog';
import { lookmlProject } from '../../activities/models/handoff/lookml';
import { tableauDataSource } from '../../activities/models/handoff/tableau';
import { defaultConnection, type HandoffTarget } from '../../activities/models/handoff/target';
import { zipArchive } from '../../activities/models/handoff/zip';
import { defineRoute, describedRouter, reply, type DescribedRouter, type ResponseSpec, type RouteContract } from '../contract';
import { parseRequest } from '../validation';

export const MODELS_PATH = '/api/v1/models';

const lineageSchema = z.object({ table: z.string(), column: z.string() }).describe('a column of a stream table or of an earlier model');

const modelColumnSchema = z.object({
  name: z.string(),
  type: z.enum(COLUMN_TYPES_LIST),
  description: z.string(),
  aggregation: z
    .enum(['sum', 'count_distinct', 'none'])
    .describe('sum: additive; count_distinct: identifies someone (reach); none: never summed'),
  personal: z.boolean(),
  lineage: z.array(lineageSchema),
});

const modelSchema = z.object({
  name: z.string().describe("the table in the destination's schema"),
  description: z.string(),
  grain: z.string().describe('what one row is'),
  primaryKey: z.array(z.string()),
  reads: z.array(z.string()).describe('the tables it is computed from'),
  columns: z.array(modelColumnSchema),
});

export const modelListSchema = z.object({ models: z.array(modelSchema), refreshed: z.string() });

const handoffQuerySchema = z
  .object({
    destination: z.enum(DESTINATION_KINDS, { error: `must be one of ${DESTINATION_KINDS.join(', ')}` }).default('duckdb'),
    schema: sqlIdentifier.default('marketing').describe("the destination's schema the models are in"),
    connection: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, - or _')
      .optional()
      .describe('the connection name in Looker (the caption in Tableau); insight_hub_<destination> by default'),
    project: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
        'must be a Google Cloud project id: 6 to 30 lower-case letters, digits or -, starting with a letter',
      )
      .optional()
      .describe("BigQuery: the Google Cloud project the dataset is in (the destination's projectId); required for bigquery"),
  })
  .refine((query) => query.destination !== 'bigquery' || query.project !== undefined, {
    path: ['project'],
    message: "required for a bigquery destination: the Google Cloud project its dataset is in (the destination's projectId)",
  });

export const listModelsRoute = defineRoute({
  method: 'GET',
  path: '/',
  operationId: 'listModels',
  summary: 'The customer models: tables, grain, columns, how each may be aggregated, and the source columns each comes from',
  tag: 'models',
  responses: { 200: { description: 'the models, in the order they are built', schema: modelListSchema } },
});

/** A file a BI tool reads the models through, made for the destination the query names. */
const handoffRoute = (contract: Pick<RouteContract, 'path' | 'operationId' | 'summary'>, answer: ResponseSpec & { contentType: string }) =>
  defineRoute({ method: 'GET', ...contract, tag: 'models', request: { query: handoffQuerySchema }, responses: { 200: answer } });

export const lookmlRoute = handoffRoute(
  {
    path: '/lookml',
    operationId: 'downloadLookml',
    summary: 'A LookML project for the models in a destination (zip: the model file with the customer explore, a view per model)',
  },
  { description: 'the project', schema: z.string().describe('a zip archive'), contentType: 'application/zip' },
);

export const tableauRoute = handoffRoute(
  {
    path: '/tableau',
    operationId: 'downloadTableauDataSource',
    summary: 'A Tableau data source (.tds) for the models in a destination: every model a table, every column with its aggregation',
  },
  { description: 'the data source', schema: z.string().describe('.tds XML'), contentType: 'application/xml' },
);

export function modelRoutes(): DescribedRouter {
  const routes = describedRouter();
  const target = (query: z.infer<typeof handoffQuerySchema>) => ({
    ...query,
    connection: query.connection ?? defaultConnection(query.destination),
  });

  routes.serve(listModelsRoute, (_req, res) => {
    reply(res, listModelsRoute, 200, {
      models: describeModels(),
      refreshed: 'after every load: a step of each ingestion cycle and of the webhook drain; only models whose sources changed are rebuilt',
    });
  });
  const handoffs = [
    {
      route: lookmlRoute,
      file: (destination: string) => `insight_hub_${destination}_lookml.zip`,
      render: (handoff: HandoffTarget) => zipArchive(lookmlProject(handoff)),
    },
    { route: tableauRoute, file: (destination: string) => `insight_hub_${destination}.tds`, render: tableauDataSource },
  ];
  for (const { route, file, render } of handoffs) {
    routes.serve(route, (req, res) => {
      const handoff = target(parseRequest(handoffQuerySchema, req.query, 'query parameters'));
      // attachment() types the answer by the file's extension (.tds is unknown to it: octet-stream), so the contract's type comes after.
      res.status(200).attachment(file(handoff.destination)).type(route.responses[200].contentType).send(render(handoff));
    });
  }
  return routes;
}
