/**
 * ROI (spec 000 user story 3): costs — API calls, estimated warehouse cost, run time — against the
 * benefits the user configures — manual export hours saved, errors caught before the load,
 * freshness gained — per connector and overall, over a window; as JSON, CSV or Parquet.
 */
import { z } from 'zod';
import type { RoiCounts } from '../../activities/store/insights';
import { PLATFORM_AUDIT_ID } from '../../domain/access';
import type { Connector } from '../../domain/connector';
import { ROI_MINIMUM_DAYS, ROI_TARGET_RATIO, roiOf, roiSettingsSchema, sumOfValues, type RoiSettings } from '../../domain/roi';
import { recordApiActivity } from '../audit';
import { principalOf } from '../auth/principal';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { requireConnector } from '../load-connector';
import { errorAnswer } from '../response-schemas';
import { roiCsv, roiParquet, type RoiRow } from '../roi-export';
import { parseRequest } from '../validation';
import { visibleConnectors } from '../visible-connectors';
import { connectorFilterSchema, dayRangeOf, resolveWindow, windowQuerySchema } from '../window';

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

/** Without from/to: the last 30 days. */
const ROI_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

type ConnectorRoi = z.infer<typeof connectorRoiSchema>;

/**
 * Mean age of the data under periodic loads: half the mean gap between successful loads, over the
 * days that had runs. An approximation the settings' manualStalenessHours is compared with.
 */
const meanFreshnessSeconds = ({ daysWithRuns, successes }: RoiCounts): number | null =>
  successes > 0 ? (daysWithRuns * 86_400) / successes / 2 : null;

function connectorRoi(connector: Connector, counts: RoiCounts, settings: RoiSettings, days: number): ConnectorRoi {
  const { id: connectorId, name } = connector;
  if (counts.daysWithRuns < ROI_MINIMUM_DAYS) {
    const missing = ROI_MINIMUM_DAYS - counts.daysWithRuns;
    return {
      status: 'insufficient-history',
      connectorId,
      name,
      daysWithRuns: counts.daysWithRuns,
      minimumDays: ROI_MINIMUM_DAYS,
      message: `runs on ${counts.daysWithRuns} of the window's days; ROI needs at least ${ROI_MINIMUM_DAYS} days with runs: ${missing} more day${missing === 1 ? '' : 's'} of runs, or a wider window`,
    };
  }
  const figures = {
    apiCalls: counts.apiCalls,
    runSeconds: counts.runSeconds,
    rowsQuarantined: counts.rowsQuarantined,
    meanFreshnessSeconds: meanFreshnessSeconds(counts),
    daysWithRuns: counts.daysWithRuns,
  };
  return {
    status: 'ok',
    connectorId,
    name,
    figures,
    settings,
    ...roiOf({ ...figures, warehouseCostUsd: counts.warehouseCostUsd, days }, settings),
  };
}

function rowsOfReport(connectors: readonly ConnectorRoi[], overall: ConnectorRoiValue | null): RoiRow[] {
  const rows: RoiRow[] = connectors.map((c) =>
    c.status === 'ok'
      ? { connectorId: c.connectorId, name: c.name, status: c.status, daysWithRuns: c.figures.daysWithRuns, value: c }
      : { connectorId: c.connectorId, name: c.name, status: c.status, daysWithRuns: c.daysWithRuns, value: null },
  );
  return [
    ...rows,
    { connectorId: 'all', name: 'all connectors', status: overall ? 'ok' : 'insufficient-history', daysWithRuns: null, value: overall },
  ];
}

type ConnectorRoiValue = ReturnType<typeof sumOfValues>;

export function roiRoutes({ store }: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();
  routes.serve(getRoiRoute, async (req, res) => {
    const query = parseRequest(roiQuerySchema, req.query, 'query parameters');
    const connectors = await visibleConnectors(store, principalOf(req), query.connectorId);
    const window = resolveWindow(query, ROI_WINDOW_DAYS);
    const range = dayRangeOf(window);
    const days = Math.round((Date.parse(range.to) - Date.parse(range.from)) / DAY_MS) + 1;
    const connectorIds = connectors.map((c) => c.id);
    const [counts, settings] = await Promise.all([store.insights.roiCounts(connectorIds, range), store.roiSettings.inForce(connectorIds)]);
    const report = connectors.flatMap((connector) => {
      const found = counts.get(connector.id);
      const inForce = settings.get(connector.id);
      return found && inForce ? [connectorRoi(connector, found, inForce, days)] : [];
    });
    const enough = report.flatMap((c) => (c.status === 'ok' ? [c] : []));
    const overall = enough.length > 0 ? sumOfValues(enough) : null;
    if (query.format === 'csv') {
      res
        .status(200)
        .type('text/csv')
        .attachment(`roi-${range.from}-${range.to}.csv`)
        .send(roiCsv(rowsOfReport(report, overall)));
      return;
    }
    if (query.format === 'parquet') {
      const file = await roiParquet(rowsOfReport(report, overall));
      res.status(200).attachment(`roi-${range.from}-${range.to}.parquet`).type('application/vnd.apache.parquet').send(file);
      return;
    }
    reply(res, getRoiRoute, 200, { window: range, targetRatio: ROI_TARGET_RATIO, connectors: report, overall });
  });
  return routes;
}

export function roiSettingsRoutes({ store }: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();
  routes.serve(getRoiSettingsRoute, async (req, res) => {
    const { connectorId } = parseRequest(roiSettingsQuerySchema, req.query, 'query parameters');
    await visibleConnectors(store, principalOf(req), connectorId);
    reply(res, getRoiSettingsRoute, 200, await store.roiSettings.get(connectorId ?? null));
  });
  routes.serve(putRoiSettingsRoute, async (req, res) => {
    const { connectorId, settings } = parseRequest(putRoiSettingsBodySchema, req.body, 'body');
    const principal = principalOf(req);
    const connector = connectorId === undefined ? null : await requireConnector(store, connectorId);
    const stored = await store.roiSettings.update(connectorId ?? null, settings, principal.subject);
    const subject = connector ?? { id: PLATFORM_AUDIT_ID, userId: principal.subject };
    await recordApiActivity(
      store,
      subject,
      'roi.settings-changed',
      { fields: Object.keys(settings), scope: connectorId ?? 'defaults' },
      principal,
    );
    reply(res, putRoiSettingsRoute, 200, stored);
  });
  return routes;
}
