/**
 * The thin HTTP face of Insight Hub: validates with zod, then calls the store and Temporal. The app
 * is built here and served by server.ts, so tests and the process share one composition.
 */
import express, { type Express } from 'express';
import { logger as defaultLogger } from '../activities/logger';
import { sourcePlugins } from '../activities/sources';
import { inboxReader } from '../activities/store/inbox';
import { WORKFLOW_TASK_QUEUE } from '../domain/constants';
import { accessControl } from './auth/access-control';
import { API_KEYS_PATH, ROUTE_POLICIES, WHOAMI_PATH } from './auth/policy';
import { apiKeyRoutes, whoAmIRoutes } from './auth/routes';
import { authenticationFromEnv } from './auth/settings';
import { CODEC_PATH, codecCors, codecRoutes } from './codec-server';
import { codecSessionRoutes } from './codec-session';
import { mountDescribed, type DescribedRouter, type ServedRoute } from './contract';
import type { ApiDeps, ResolvedApiDeps } from './deps';
import { errorHandler, unknownRoute } from './error-handler';
import { jsonBody } from './json-body';
import { openApiDocument, type OpenApiDocument } from './openapi';
import { requestLog } from './request-log';
import { sharedReads } from './shared-reads';
import { analyzeConnectorRoute, analyzeRoutes } from './routes/analyze';
import { APPROVALS_PATH, approvalRoutes } from './routes/approvals';
import { connectorControlRoutes } from './routes/connector-control';
import { CATALOG_PATH, catalogRoutes } from './routes/catalog';
import { CONNECTORS_PATH, connectorRoutes } from './routes/connectors';
import { dashboardRoutes } from './routes/dashboard';
import { docsRoutes } from './routes/docs';
import { guardrailPreviewRoutes } from './routes/guardrails-preview';
import { healthRoutes } from './routes/health';
import { WAREHOUSE_QUERY_PATH, warehouseQueryRoutes } from './routes/warehouse-query';
import { CONNECTOR_HEALTH_PATH, connectorHealthRoutes } from './routes/connector-health';
import { ROI_PATH, ROI_SETTINGS_PATH, roiRoutes, roiSettingsRoutes } from './routes/roi';
import {
  AUDIT_LOG_PATH,
  DECISIONS_PATH,
  METRICS_PATH,
  OUTCOMES_PATH,
  auditLogRoutes,
  decisionRoutes,
  metricsRoutes,
  outcomeRoutes,
} from './routes/history';
import { quarantineRoutes } from './routes/quarantine';
import { MODELS_PATH, modelRoutes } from './routes/models';
import { PRIVACY_PATH, privacyRoutes } from './routes/privacy';
import { NOTIFICATIONS_PATH, notificationRoutes } from './routes/notifications';
import { RUNS_PATH, connectorRunRoutes, runRoutes } from './routes/runs';
import { WEBHOOKS_PATH, webhookRoutes } from './routes/webhooks';

export function createApp(deps: ApiDeps): Express {
  const resolved: ResolvedApiDeps = {
    ...deps,
    logger: deps.logger ?? defaultLogger,
    workflowTaskQueue: deps.workflowTaskQueue ?? WORKFLOW_TASK_QUEUE,
    authentication: deps.authentication ?? authenticationFromEnv(),
    dataDir: deps.dataDir ?? '.data',
    duckdbMemoryLimit: deps.duckdbMemoryLimit,
    sources: deps.sources ?? sourcePlugins({ inbox: inboxReader(deps.store.inbox) }),
  };
  const catalog = catalogRoutes(resolved.sources);
  const access = accessControl({ ...resolved, policies: ROUTE_POLICIES });

  const app = express();
  app.disable('x-powered-by');
  /** Every route mounted, with its contract: what the OpenAPI document is made of. */
  const served: ServedRoute[] = [];
  const mount = (path: string, ...routers: DescribedRouter[]): void => mountDescribed(app, served, path, ...routers);

  // First, so every answer (a 401 too) carries its X-Request-Id and leaves an access-log line.
  app.use(requestLog(resolved.logger));
  // The Web UI reads the codec's answers across origins: a 401 without CORS headers would reach it as "could not connect".
  if (resolved.codecEndpoint) app.use(CODEC_PATH, codecCors(resolved.codecEndpoint.allowedOrigins));
  // Who is calling is known before a body is read; what they may do can depend on the body.
  app.use(access.identify);
  // Webhooks prove themselves by signature (a public route: identify lets it through untouched) and
  // need the body raw; the codec parses its own, larger bodies. Both before the JSON parser.
  mount(WEBHOOKS_PATH, webhookRoutes(resolved));
  if (resolved.codecEndpoint) {
    const { codec, ...options } = resolved.codecEndpoint;
    mount(CODEC_PATH, codecRoutes(codec, { ...options, authorize: access.authorize }), codecSessionRoutes(access.authorize));
  }
  app.use(jsonBody());
  app.use(access.authorize);
  // The dashboard's reads: authorized and audited one by one above, computed once while the store is unchanged.
  app.use(
    sharedReads(
      [
        `${CONNECTORS_PATH}${analyzeConnectorRoute.path}`,
        CONNECTOR_HEALTH_PATH,
        ROI_PATH,
        AUDIT_LOG_PATH,
        DECISIONS_PATH,
        METRICS_PATH,
        OUTCOMES_PATH,
      ],
      () => resolved.store.snapshotVersion(),
    ),
  );
  let document: OpenApiDocument | undefined;
  const documentOf = (): OpenApiDocument => (document ??= openApiDocument(served, ROUTE_POLICIES));
  mount('/', docsRoutes(documentOf));
  mount('/', dashboardRoutes());
  mount(
    CONNECTORS_PATH,
    connectorRoutes(resolved),
    catalog.connector(resolved),
    analyzeRoutes(resolved),
    connectorRunRoutes(resolved),
    connectorControlRoutes(resolved),
    guardrailPreviewRoutes(resolved),
    quarantineRoutes(resolved),
  );
  mount(CATALOG_PATH, catalog.draft());
  mount(RUNS_PATH, runRoutes(resolved));
  mount(APPROVALS_PATH, approvalRoutes(resolved));
  mount(PRIVACY_PATH, privacyRoutes(resolved));
  mount(MODELS_PATH, modelRoutes());
  mount(AUDIT_LOG_PATH, auditLogRoutes(resolved));
  mount(DECISIONS_PATH, decisionRoutes(resolved));
  mount(METRICS_PATH, metricsRoutes(resolved));
  mount(OUTCOMES_PATH, outcomeRoutes(resolved));
  mount(WAREHOUSE_QUERY_PATH, warehouseQueryRoutes(resolved));
  mount(CONNECTOR_HEALTH_PATH, connectorHealthRoutes(resolved));
  mount(ROI_SETTINGS_PATH, roiSettingsRoutes(resolved));
  mount(ROI_PATH, roiRoutes(resolved));
  mount(NOTIFICATIONS_PATH, notificationRoutes(resolved));
  mount(API_KEYS_PATH, apiKeyRoutes(resolved));
  mount(WHOAMI_PATH, whoAmIRoutes());
  mount('/', healthRoutes(resolved));
  // Made now, from every route mounted: a route without an access policy stops the start-up here.
  documentOf();
  app.use(unknownRoute);
  app.use(errorHandler(resolved.logger));
  return app;
}
