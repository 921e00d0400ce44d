/**
 * The thin HTTP face of Insight Hub: validates with zod, then calls the store and Temporal. The app
 * is built here and served by server.ts, so tests and the process share one composition.
 */
import express, { type Express } from 'express';
import { logger as defaultLogger } from '../activities/logger';
import { WORKFLOW_TASK_QUEUE } from '../domain/constants';
import type { ApiDeps, ResolvedApiDeps } from './deps';
import { errorHandler, unknownRoute } from './error-handler';
import { openApiDocument } from './openapi';
import { analyzeRoutes } from './routes/analyze';
import { APPROVALS_PATH, approvalRoutes } from './routes/approvals';
import { connectorControlRoutes } from './routes/connector-control';
import { CONNECTORS_PATH, connectorRoutes } from './routes/connectors';
import { guardrailPreviewRoutes } from './routes/guardrails-preview';
import { healthRoutes } from './routes/health';
import { quarantineRoutes } from './routes/quarantine';
import { RUNS_PATH, connectorRunRoutes, runRoutes } from './routes/runs';

export function createApp(deps: ApiDeps): Express {
  const resolved: ResolvedApiDeps = {
    ...deps,
    logger: deps.logger ?? defaultLogger,
    workflowTaskQueue: deps.workflowTaskQueue ?? WORKFLOW_TASK_QUEUE,
  };
  const openApi = openApiDocument();

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json());
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  app.use(
    CONNECTORS_PATH,
    connectorRoutes(resolved),
    analyzeRoutes(resolved),
    connectorRunRoutes(resolved),
    connectorControlRoutes(resolved),
    guardrailPreviewRoutes(resolved),
    quarantineRoutes(resolved),
  );
  app.use(RUNS_PATH, runRoutes(resolved));
  app.use(APPROVALS_PATH, approvalRoutes(resolved));
  app.use(healthRoutes(resolved));
  app.use(unknownRoute);
  app.use(errorHandler(resolved.logger));
  return app;
}
