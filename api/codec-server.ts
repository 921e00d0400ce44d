/**
 * The remote codec the Temporal Web UI (and `temporal workflow show --codec-endpoint`) calls to show
 * decrypted payloads to an operator: POST /decode and /encode take and return `{ payloads: [...] }`
 * in Temporal's JSON form (metadata values and data in base64). Browsers reach it across origins,
 * so only the configured Web UI origins get CORS headers. Reading payloads is reading personal data:
 * `authorize` is where the API's role check goes, after the CORS preflight (which carries no credentials).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { ConnectorError } from '../activities/errors';
import { defineRoute, describedRouter, reply, type DescribedRouter, type RouteContract } from './contract';
import { jsonBody } from './json-body';
import { errorAnswer } from './response-schemas';

export { CODEC_PATH } from './auth/codec-session';
const NAMESPACE_HEADER = 'x-namespace';
/** The largest payload Temporal accepts is 2 MiB; the UI decodes a whole history's worth at once. */
const BODY_LIMIT = '16mb';

const base64 = z.base64({ error: 'must be base64' });
const payloadsBodySchema = z.object({
  // `temporal workflow show` decodes a query with no arguments as `{}`: nothing to convert, not a bad request.
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() })).default([]),
});
type JsonPayload = z.infer<typeof payloadsBodySchema>['payloads'][number];

const codecRoute = (path: '/decode' | '/encode', operationId: string, summary: string) =>
  defineRoute({
    method: 'POST',
    path,
    operationId,
    summary,
    tag: 'codec',
    request: {
      headers: z.object({ [NAMESPACE_HEADER]: z.string().optional().describe('the namespace the payloads come from') }),
      body: {
        schema: payloadsBodySchema,
        required: true,
        description: "payloads in Temporal's JSON form (metadata values and data in base64)",
      },
    },
    responses: {
      200: { description: 'the payloads, converted', schema: payloadsBodySchema },
      403: errorAnswer('this role may not read payloads, or X-Namespace names a namespace this codec does not serve'),
      422: errorAnswer('a payload could not be converted (e.g. encrypted under a key this server does not hold)'),
    },
  });

export const decodePayloadsRoute = codecRoute(
  '/decode',
  'decodePayloads',
  'Decrypt Temporal payloads for the Web UI or the CLI (reading them is reading personal data: audited)',
);
export const encodePayloadsRoute = codecRoute('/encode', 'encodePayloads', 'Encrypt Temporal payloads as the workers do');

export interface CodecRouteOptions {
  /** Web UI origins (scheme://host:port) whose browser calls are allowed. */
  allowedOrigins: readonly string[];
  /** The namespaces this codec serves: a request naming another in X-Namespace is refused. */
  namespaces: readonly string[];
  /** Runs before /decode and /encode: the seam for authentication and role checks. */
  authorize?: RequestHandler;
}

export function codecRoutes(codec: PayloadCodec, options: CodecRouteOptions): DescribedRouter {
  const routes = describedRouter();
  routes.use(codecCors(options.allowedOrigins));
  routes.options(['/decode', '/encode'], (_req, res) => {
    res.sendStatus(204);
  });
  const authorize: RequestHandler = options.authorize ?? ((_req, _res, next) => next());
  const served = new Set(options.namespaces);
  const handle = (
    route: RouteContract<(typeof decodePayloadsRoute)['responses']>,
    convert: (payloads: Payload[]) => Promise<Payload[]>,
  ): RequestHandler => {
    // Async: Express 5 passes a rejection to the error handler, so a failure while answering cannot go unhandled.
    return async (req, res) => {
      const namespace = req.get(NAMESPACE_HEADER);
      // The CLI sends an empty X-Namespace unless --namespace is given: it means the default namespace.
      if (namespace !== undefined && namespace !== '' && !served.has(namespace)) {
        res
          .status(403)
          .json({ error: 'forbidden', message: `X-Namespace: this codec serves ${[...served].join(', ')}, not "${namespace}"` });
        return;
      }
      const body = payloadsBodySchema.safeParse(req.body);
      if (!body.success) {
        const issues = body.error.issues.map((issue) => ({
          path: issue.path.join('.') || '(body)',
          message: issue.message,
          rule: issue.code,
        }));
        res
          .status(400)
          .json({ error: 'validation_failed', message: issues.map(({ path, message }) => `${path}: ${message}`).join('; '), issues });
        return;
      }
      let payloads: Payload[];
      try {
        payloads = await convert(body.data.payloads.map(fromJson));
      } catch (error) {
        if (!(error instanceof ConnectorError)) throw error;
        res.status(422).json({ error: 'undecodable_payload', message: error.message });
        return;
      }
      reply(res, route, 200, { payloads: payloads.map(toJson) });
    };
  };
  // The API's parser: UTF-8 application/json (what the Web UI and the CLI send), storable, nested at most MAX_JSON_DEPTH.
  const json = jsonBody(BODY_LIMIT);
  routes.serve(
    decodePayloadsRoute,
    authorize,
    ...json,
    handle(decodePayloadsRoute, (payloads) => codec.decode(payloads)),
  );
  routes.serve(
    encodePayloadsRoute,
    authorize,
    ...json,
    handle(encodePayloadsRoute, (payloads) => codec.encode(payloads)),
  );
  return routes;
}

/**
 * CORS for the configured Web UI origins only, credentials allowed (the operator's API key travels in
 * Authorization). The app mounts it ahead of authentication as well, so that a 401 reaches the UI
 * readable and the UI can say why instead of "could not connect".
 */
export function codecCors(origins: readonly string[]) {
  const allowedOrigins = new Set(origins);
  return (req: Request, res: Response, next: NextFunction): void => {
    res.vary('Origin');
    const origin = req.get('origin');
    if (origin !== undefined && allowedOrigins.has(origin)) {
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type, X-Namespace, Authorization',
        'Access-Control-Max-Age': '600',
      });
    } else if (origin !== undefined && req.method === 'OPTIONS') {
      res.status(403).json({ error: 'forbidden', message: `origin ${origin} is not allowed to call the codec (CODEC_CORS_ORIGINS)` });
      return;
    }
    next();
  };
}

function fromJson(payload: JsonPayload): Payload {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]));
  return { metadata, data: Buffer.from(payload.data ?? '', 'base64') };
}

function toJson(payload: Payload): JsonPayload {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
  );
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}
