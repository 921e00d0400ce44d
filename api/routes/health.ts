/** GET /healthz: can the API reach its store and Temporal right now. */
import { z } from 'zod';
import { HEALTH_PATH } from '../auth/policy';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import type { ResolvedApiDeps } from '../deps';

const CHECK_TIMEOUT_MS = 3_000;

/** Any read proves the database answers; the nil UUID names no connector, so the read stays cheap. */
const PROBE_CONNECTOR_ID = '00000000-0000-0000-0000-000000000000';

type CheckResult = 'ok' | 'failing';

const checksSchema = z.object({ store: z.enum(['ok', 'failing']), temporal: z.enum(['ok', 'failing']) });

export const healthRoute = defineRoute({
  method: 'GET',
  path: HEALTH_PATH,
  operationId: 'health',
  summary: 'Store and Temporal connectivity',
  tag: 'health',
  responses: {
    200: { description: 'all checks ok', schema: z.object({ status: z.literal('ok'), checks: checksSchema }) },
    503: {
      description: 'names the failing checks',
      schema: z.object({ status: z.literal('unavailable'), checks: checksSchema, message: z.string() }),
    },
  },
});

/** Mounted at the root. */
export function healthRoutes({ store, temporal, logger }: ResolvedApiDeps): DescribedRouter {
  const checks: Record<keyof z.infer<typeof checksSchema>, () => Promise<unknown>> = {
    store: () => withTimeout(store.connectors.get(PROBE_CONNECTOR_ID), CHECK_TIMEOUT_MS),
    temporal: () =>
      temporal.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
        temporal.workflowService.describeNamespace({ namespace: temporal.options.namespace }),
      ),
  };

  const routes = describedRouter();
  routes.serve(healthRoute, async (_req, res) => {
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
    const results = checksSchema.parse(Object.fromEntries(entries));
    if (failing.length === 0) {
      reply(res, healthRoute, 200, { status: 'ok', checks: results });
      return;
    }
    reply(res, healthRoute, 503, { status: 'unavailable', checks: results, message: `failing checks: ${failing.join(', ')}` });
  });
  return routes;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
