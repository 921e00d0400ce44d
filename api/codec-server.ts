/**
 * The remote codec the Temporal Web UI (and `temporal workflow show --codec-endpoint`) calls to show
 * decrypted payloads to an operator: POST /decode and /encode take and return `{ payloads: [...] }`
 * in Temporal's JSON form (metadata values and data in base64). Browsers reach it across origins,
 * so only the configured Web UI origins get CORS headers. Reading payloads is reading personal data:
 * `authorize` is where the API's role check goes, after the CORS preflight (which carries no credentials).
 */
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { ConnectorError } from '../activities/errors';
import { jsonBody } from './json-body';

export const CODEC_PATH = '/codec';
const NAMESPACE_HEADER = 'x-namespace';
/** The largest payload Temporal accepts is 2 MiB; the UI decodes a whole history's worth at once. */
const BODY_LIMIT = '16mb';

const base64 = z.base64({ error: 'must be base64' });
const payloadsBodySchema = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() })),
});
type JsonPayload = z.infer<typeof payloadsBodySchema>['payloads'][number];

export interface CodecRouteOptions {
  /** Web UI origins (scheme://host:port) whose browser calls are allowed. */
  allowedOrigins: readonly string[];
  /** The namespaces this codec serves: a request naming another in X-Namespace is refused. */
  namespaces: readonly string[];
  /** Runs before /decode and /encode: the seam for authentication and role checks. */
  authorize?: RequestHandler;
}

export function codecRoutes(codec: PayloadCodec, options: CodecRouteOptions): Router {
  const router = Router();
  router.use(corsFor(new Set(options.allowedOrigins)));
  router.options(['/decode', '/encode'], (_req, res) => {
    res.sendStatus(204);
  });
  const authorize: RequestHandler = options.authorize ?? ((_req, _res, next) => next());
  const served = new Set(options.namespaces);
  const handle = (convert: (payloads: Payload[]) => Promise<Payload[]>): RequestHandler => {
    return (req, res, next) => {
      const namespace = req.get(NAMESPACE_HEADER);
      if (namespace !== undefined && !served.has(namespace)) {
        res.status(403).json({ error: 'forbidden', message: `X-Namespace: this codec serves ${[...served].join(', ')}, not "${namespace}"` });
        return;
      }
      const body = payloadsBodySchema.safeParse(req.body);
      if (!body.success) {
        const issues = body.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message, rule: issue.code }));
        res.status(400).json({ error: 'validation_failed', message: issues.map(({ path, message }) => `${path}: ${message}`).join('; '), issues });
        return;
      }
      void convert(body.data.payloads.map(fromJson)).then(
        (payloads) => res.json({ payloads: payloads.map(toJson) }),
        (error: unknown) => (error instanceof ConnectorError ? res.status(422).json({ error: 'undecodable_payload', message: error.message }) : next(error)),
      );
    };
  };
  // The API's parser: UTF-8 application/json (what the Web UI and the CLI send), storable, nested at most MAX_JSON_DEPTH.
  const json = jsonBody(BODY_LIMIT);
  router.post('/decode', authorize, json, handle((payloads) => codec.decode(payloads)));
  router.post('/encode', authorize, json, handle((payloads) => codec.encode(payloads)));
  return router;
}

function corsFor(allowedOrigins: ReadonlySet<string>) {
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
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}
