/** GET /healthz: can the API reach its store and Temporal right now. */
import { Router } from 'express';
import type { ResolvedApiDeps } from '../deps';

const CHECK_TIMEOUT_MS = 3_000;

/** Any read proves the database answers; the nil UUID names no connector, so the read stays cheap. */
const PROBE_CONNECTOR_ID = '00000000-0000-0000-0000-000000000000';

type CheckResult = 'ok' | 'failing';

export function healthRoutes({ store, temporal, logger }: ResolvedApiDeps): Router {
  const checks: Record<string, () => Promise<unknown>> = {
    store: () => withTimeout(store.getConnector(PROBE_CONNECTOR_ID), CHECK_TIMEOUT_MS),
    temporal: () =>
      temporal.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
        temporal.workflowService.describeNamespace({ namespace: temporal.options.namespace }),
      ),
  };

  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
        try {
          await check();
          return [name, 'ok'];
        } catch (error) {
          logger.warn({ check: name, reason: error instanceof Error ? error.message : String(error) }, 'health check failed');
          return [name, 'failing'];
        }
      }),
    );
    const failing = entries.filter(([, result]) => result === 'failing').map(([name]) => name);
    const results = Object.fromEntries(entries);
    if (failing.length === 0) {
      res.json({ status: 'ok', checks: results });
      return;
    }
    res.status(503).json({ status: 'unavailable', checks: results, message: `failing checks: ${failing.join(', ')}` });
  });
  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
