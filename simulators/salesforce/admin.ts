/**
 * Admin routes under /__sim/ so that the demo (or a curious user with curl) can change data,
 * throttle, set the quota, fail the next Bulk API 2.0 query jobs and read the ground truth of a
 * running simulator.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { BulkQueryJobs } from './bulk';
import { quotaSchema, throttleSpecSchema, type ApiGate, type Endpoint } from './gate';
import { readJson, sendEmpty, sendJson } from './http';
import { RecordNotFoundError, type SimulatedOrg } from './org';
import { addedFieldSchema } from './profiles';
import { findObject, SIM_OBJECTS, type SimObjectName } from './schema';

const insertSchema = z.object({ count: z.number().int().min(1).max(100_000) });
const bulkFailuresSchema = z.object({ count: z.number().int().min(0).max(1_000) });
const updateSchema = z.object({
  fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

interface AdminContext {
  org: SimulatedOrg;
  gate: ApiGate;
  bulk: BulkQueryJobs;
}

type Route = (req: IncomingMessage, res: ServerResponse, params: string[], ctx: AdminContext) => Promise<void> | void;

const routes: [method: string, path: RegExp, route: Route][] = [
  ['GET', /^\/__sim\/state$/, (_req, res, _params, ctx) => sendJson(res, 200, state(ctx))],
  ['GET', /^\/__sim\/ground-truth\/(\w+)$/, (_req, res, [object], ctx) => sendJson(res, 200, ctx.org.groundTruth(objectName(object)))],
  ['GET', /^\/__sim\/requests$/, (_req, res, _params, ctx) => sendJson(res, 200, ctx.gate.requests())],
  [
    'POST',
    /^\/__sim\/records\/(\w+)$/,
    async (req, res, [object], ctx) => {
      const { count } = insertSchema.parse(await readJson(req));
      sendJson(res, 201, { ids: ctx.org.insertRecords(objectName(object), count) });
    },
  ],
  [
    'PATCH',
    /^\/__sim\/records\/(\w+)\/(\w+)$/,
    async (req, res, [object, id], ctx) => {
      const { fields } = updateSchema.parse(await readJson(req));
      sendJson(res, 200, ctx.org.updateRecord(objectName(object), id ?? '', fields));
    },
  ],
  [
    'DELETE',
    /^\/__sim\/records\/(\w+)\/(\w+)$/,
    (_req, res, [object, id], ctx) => sendJson(res, 200, ctx.org.deleteRecord(objectName(object), id ?? '')),
  ],
  [
    'POST',
    /^\/__sim\/fields\/(\w+)$/,
    async (req, res, [object], ctx) => {
      const name = objectName(object);
      ctx.org.addField(name, addedFieldSchema.parse(await readJson(req)));
      sendJson(res, 201, ctx.org.describe(name));
    },
  ],
  [
    'POST',
    /^\/__sim\/throttle$/,
    async (req, res, _params, ctx) => {
      ctx.gate.throttle(throttleSpecSchema.parse(await readJson(req)));
      sendEmpty(res, 204);
    },
  ],
  ['DELETE', /^\/__sim\/throttle$/, (_req, res, _params, ctx) => (ctx.gate.clearThrottle(), sendEmpty(res, 204))],
  [
    'PUT',
    /^\/__sim\/quota$/,
    async (req, res, _params, ctx) => sendJson(res, 200, ctx.gate.setQuota(quotaSchema.parse(await readJson(req)))),
  ],
  ['POST', /^\/__sim\/sessions\/expire$/, (_req, res, _params, ctx) => (ctx.gate.expireSessions(), sendEmpty(res, 204))],
  ['GET', /^\/__sim\/bulk-jobs$/, (_req, res, _params, ctx) => sendJson(res, 200, ctx.bulk.list())],
  [
    'POST',
    /^\/__sim\/bulk-jobs\/failures$/,
    async (req, res, _params, ctx) => {
      ctx.bulk.failNext(bulkFailuresSchema.parse(await readJson(req)).count);
      sendEmpty(res, 204);
    },
  ],
];

class NotFound extends Error {}

function objectName(name: string | undefined): SimObjectName {
  const schema = findObject(name ?? '');
  if (!schema) throw new NotFound(`unknown object ${name}; expected one of ${SIM_OBJECTS.join(', ')}`);
  return schema.name;
}

function state(ctx: AdminContext): Record<string, unknown> {
  const requests: Partial<Record<Endpoint, number>> = {};
  for (const r of ctx.gate.requests()) requests[r.endpoint] = (requests[r.endpoint] ?? 0) + 1;
  const flaws = Object.fromEntries(SIM_OBJECTS.map((o) => [o, ctx.org.flawCounts(o)]));
  return { records: ctx.org.counts(), flaws, quota: ctx.gate.quota(), requests };
}

export async function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string, ctx: AdminContext): Promise<void> {
  const found = routes.find(([method, pattern]) => method === req.method && pattern.test(path));
  if (!found) return sendJson(res, 404, { error: `no admin route ${req.method} ${path}` });
  const [, pattern, route] = found;
  try {
    await route(req, res, pattern.exec(path)?.slice(1) ?? [], ctx);
  } catch (error) {
    if (error instanceof z.ZodError) {
      const issues = error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
      return sendJson(res, 400, { error: 'invalid body', issues });
    }
    const message = error instanceof Error ? error.message : String(error);
    sendJson(res, error instanceof NotFound || error instanceof RecordNotFoundError ? 404 : 400, { error: message });
  }
}
