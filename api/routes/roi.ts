/**
 * ROI (spec 000 user story 3): costs — API calls, estimated warehouse cost, run time — against the
 * benefits the user configures — manual export hours saved, errors caught before the load,
 * freshness gained — per connector and overall, over a window; as JSON, CSV or Parquet.
 */
import { z } from 'zod';
import { ROI_MINIMUM_DAYS, ROI_TARGET_RATIO, roiSettingsSchema } from '../../domain/roi';
import { defineRoute } from '../contract';
import { errorAnswer } from '../response-schemas';
import { connectorFilterSchema, windowQuerySchema } from '../window';

export const ROI_PATH = '/api/v1/roi';
export const ROI_SETTINGS_PATH = '/api/v1/roi/settings';

const TAG = 'insights';

export const ROI_FORMATS = ['json', 'csv', 'parquet'] as const;

export const roiQuerySchema = connectorFilterSchema.extend(windowQuerySchema.shape).extend({
  format: z.enum(ROI_FORMATS).default('json').describe('json (default), csv or parquet: one row per connector and one for all'),
});

const costsSchema = z.object({ apiCallsUsd: z.number(), warehouseUsd: z.number(), runTimeUsd: z.number(), totalUsd: z.number() });
const benefitsSchema = z.object({
  manualHoursSaved: z.number(),
  manualExportUsd: z.number(),
  errorsCaughtUsd: z.number(),
  freshnessHoursGained: z.number(),
  freshnessUsd: z.number(),
  totalUsd: z.number(),
});

const roiValueSchema = z.object({
  costs: costsSchema,
  benefits: benefitsSchema,
  netValueUsd: z.number(),
  ratio: z.number().nullable().describe('benefits per dollar of cost; null when nothing was spent'),
  meetsTarget: z.boolean(),
});

const roiFiguresSchema = z.object({
  apiCalls: z.number(),
  runSeconds: z.number(),
  rowsQuarantined: z.number(),
  meanFreshnessSeconds: z.number().nullable(),
  daysWithRuns: z.number(),
});

export const connectorRoiSchema = z.discriminatedUnion('status', [
  z
    .object({ status: z.literal('ok'), connectorId: z.string(), name: z.string(), figures: roiFiguresSchema, settings: roiSettingsSchema })
    .extend(roiValueSchema.shape),
  z.object({
    status: z.literal('insufficient-history'),
    connectorId: z.string(),
    name: z.string(),
    daysWithRuns: z.number(),
    minimumDays: z.literal(ROI_MINIMUM_DAYS),
    message: z.string().describe('what is missing and how much more history is needed'),
  }),
]);

export const roiReportSchema = z.object({
  window: z.object({ from: z.string(), to: z.string() }),
  targetRatio: z.literal(ROI_TARGET_RATIO),
  connectors: z.array(connectorRoiSchema),
  overall: roiValueSchema.nullable().describe('the connectors with enough history, summed; null when none has'),
});

export const getRoiRoute = defineRoute({
  method: 'GET',
  path: '/',
  operationId: 'getRoi',
  summary: 'Costs against configured benefits, per connector and overall, with net value and the benefit-to-cost ratio (target 3:1)',
  description: `A connector with fewer than ${ROI_MINIMUM_DAYS} days of runs in the window is reported as insufficient-history with the minimum needed, never as zeros.`,
  tag: TAG,
  request: { query: roiQuerySchema },
  responses: {
    200: {
      description: 'the report: JSON, or a CSV or Parquet file with one row per connector and a last row for all',
      schema: roiReportSchema,
      contentType: ['application/json', 'text/csv', 'application/vnd.apache.parquet'],
    },
    403: errorAnswer('the connector named is not one this caller may see'),
  },
});

const storedSettingsSchema = z.object({
  connectorId: z.string().nullable().describe('null: the defaults every connector without its own takes'),
  settings: roiSettingsSchema,
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
});

export const roiSettingsQuerySchema = connectorFilterSchema;

export const getRoiSettingsRoute = defineRoute({
  method: 'GET',
  path: '/',
  operationId: 'getRoiSettings',
  summary: "The benefit and cost settings ROI is computed with: the defaults, or a connector's own",
  tag: TAG,
  request: { query: roiSettingsQuerySchema },
  responses: { 200: { description: 'the settings in force', schema: storedSettingsSchema } },
});

export const putRoiSettingsBodySchema = z.object({
  connectorId: z.uuid({ error: 'must be a UUID' }).optional().describe("set this connector's own; left out: the defaults"),
  settings: roiSettingsSchema.partial().strict().describe('fields left out keep their value'),
});

export const putRoiSettingsRoute = defineRoute({
  method: 'PUT',
  path: '/',
  operationId: 'putRoiSettings',
  summary: "Set the benefit and cost settings, the defaults or a connector's own",
  tag: TAG,
  request: { body: { schema: putRoiSettingsBodySchema, required: true } },
  responses: {
    200: { description: 'the settings now in force', schema: storedSettingsSchema },
    404: errorAnswer('no connector with that id'),
  },
});
