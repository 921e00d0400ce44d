/**
 * A local headless CMS over HTTP: GraphQL POSTs to /graphql with a bearer token, the content-views
 * connection, a per-second limit (HTTP 429 with a THROTTLED error), throttles on demand (HTTP 200
 * with a THROTTLED error in `errors`, as many GraphQL gateways answer), added latency, and
 * oversized responses streamed to test a client's payload guard.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { z } from 'zod';
import { readJson, sendJson } from '../salesforce/http';
import { RequestGate, type LoggedRequest } from '../zendesk/request-gate';
import { Catalog, DEFAULT_CATALOG_FLAWS, type CatalogFlawRates, type ContentViewRecord } from './catalog';
import { contentResolvers, contentSchema } from './content-api';
import { contentfulResolvers, contentfulSchema } from './contentful-api';
import { strapiResolvers, strapiSchema, strapiV4Resolvers, strapiV4Schema } from './strapi-api';
import { streamOversized, type OversizeReport } from './oversize';
import { listen, type ListenOptions } from '../listen';

export const CMS_SIMULATOR_TOKEN = 'cms-demo-bearer-token';

export interface CmsSimulatorOptions extends ListenOptions {
  seed?: number;
  /** Pieces of content; each has one row per day. */
  contents?: number;
  days?: number;
  flawRates?: Partial<CatalogFlawRates>;
  /** Requests per second before a 429; null: unlimited. */
  requestsPerSecond?: number | null;
  accessToken?: string;
}

/** The CMSs whose shapes of the content views the simulator serves besides its own (and Hygraph's, at `endpoint`). */
export type CmsFlavour = 'contentful' | 'strapi' | 'strapi-v4';

/** One GraphQL API: its schema (parsed from its SDL) and root resolvers over the one catalog. */
interface GraphqlApi {
  schema: GraphQLSchema;
  resolvers: Record<string, (args: unknown) => unknown>;
}

export interface CmsSimulator {
  /** The GraphQL endpoint of Insight Hub's own CMS shape and Hygraph's. */
  endpoint: string;
  /** The same content views as Contentful's and Strapi's GraphQL APIs serve them, each at its own path. */
  endpoints: Readonly<Record<CmsFlavour, string>>;
  accessToken: string;
  rows(): ContentViewRecord[];
  addRows(count: number): ContentViewRecord[];
  addViews(id: string, views: number): ContentViewRecord;
  /** After `afterRequests` more requests, the next `times` are throttled; Retry-After omitted when null. */
  throttleNext(times: number, retryAfterSeconds: number | null, afterRequests?: number): void;
  /** Every later API request waits this long before it is answered. */
  setLatency(ms: number): void;
  /** The next successful response is padded to `bytes` and streamed; `declareLength` sends Content-Length. */
  oversizeNext(bytes: number, declareLength?: boolean): void;
  /** What happened to the last oversized response. */
  lastOversize(): OversizeReport | null;
  requests(): LoggedRequest[];
  stop(): Promise<void>;
}

const requestSchema = z.object({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

interface GraphqlError {
  message: string;
  path?: readonly (string | number)[];
  extensions: Record<string, unknown>;
}

interface Context {
  catalog: Catalog;
  /** By request path. */
  apis: ReadonlyMap<string, GraphqlApi>;
  gate: RequestGate;
  accessToken: string;
  latencyMs: number;
  oversize: { bytes: number; declareLength: boolean } | null;
  lastOversize: OversizeReport | null;
}

const errorBody = (message: string, code: string, extra: Record<string, unknown> = {}): { errors: GraphqlError[] } => ({
  errors: [{ message, extensions: { code, ...extra } }],
});

function throttled(res: ServerResponse, status: number, retryAfterSeconds: number | null): void {
  const hint = retryAfterSeconds === null ? {} : { retryAfterSeconds };
  const headers: Record<string, string> = retryAfterSeconds === null ? {} : { 'Retry-After': String(retryAfterSeconds) };
  sendJson(res, status, errorBody('Throttled: too many requests, slow down', 'THROTTLED', hint), headers);
}

/** An error as a GraphQL server sends it: the message, where in the data, and a code. */
const formatted = (error: GraphQLError, code: string): GraphqlError => ({
  message: error.message,
  ...(error.path ? { path: error.path } : {}),
  extensions: { code, ...error.extensions },
});

/**
 * What a graphql-js server (Apollo's statuses) answers: a query that does not parse or validate is a
 * 400; variables that cannot be coerced a 400 BAD_USER_INPUT; a resolver's refusal a 200 with
 * `errors` beside the data.
 */
async function answer(
  request: z.infer<typeof requestSchema>,
  api: GraphqlApi,
): Promise<{ status: number; body: { data?: unknown; errors?: GraphqlError[] } }> {
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    if (error instanceof GraphQLError) return { status: 400, body: { errors: [formatted(error, 'GRAPHQL_PARSE_FAILED')] } };
    throw error;
  }
  const invalid = validate(api.schema, document);
  if (invalid.length > 0) return { status: 400, body: { errors: invalid.map((error) => formatted(error, 'GRAPHQL_VALIDATION_FAILED')) } };
  const result = await execute({
    schema: api.schema,
    document,
    rootValue: api.resolvers,
    variableValues: request.variables ?? {},
    operationName: request.operationName ?? null,
  });
  const errors = result.errors?.map((error) => formatted(error, 'INTERNAL_SERVER_ERROR'));
  if (result.data === undefined)
    return { status: 400, body: { errors: result.errors?.map((error) => formatted(error, 'BAD_USER_INPUT')) ?? [] } };
  return { status: 200, body: { data: result.data, ...(errors ? { errors } : {}) } };
}

async function serveGraphql(req: IncomingMessage, res: ServerResponse, ctx: Context, api: GraphqlApi): Promise<void> {
  const verdict = ctx.gate.admit();
  if (verdict.kind === 'throttled') {
    throttled(res, verdict.cause === 'rate-limit' ? 429 : 200, verdict.retryAfterSeconds);
    return;
  }
  if (req.headers.authorization !== `Bearer ${ctx.accessToken}`) {
    sendJson(res, 401, errorBody('Unauthorized: invalid or missing access token', 'UNAUTHENTICATED'));
    return;
  }
  const parsed = requestSchema.safeParse(await readJson(req).catch(() => null));
  if (!parsed.success) {
    sendJson(res, 400, errorBody('POST body must be JSON with a "query" string', 'BAD_REQUEST'));
    return;
  }
  if (ctx.latencyMs > 0) await sleep(ctx.latencyMs);
  const { status, body } = await answer(parsed.data, api);
  const oversize = ctx.oversize;
  if (status !== 200 || body.errors || !oversize) return sendJson(res, status, body);
  ctx.oversize = null;
  ctx.lastOversize = await streamOversized(res, { data: body.data }, oversize.bytes, oversize.declareLength);
}

function route(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> | void {
  const api = ctx.apis.get(new URL(req.url ?? '/', 'http://cms.local').pathname);
  if (!api) return sendJson(res, 404, errorBody('Not found', 'NOT_FOUND'));
  if (req.method !== 'POST') return sendJson(res, 405, errorBody('Use POST', 'METHOD_NOT_ALLOWED'), { Allow: 'POST' });
  const at = Date.now();
  res.on('close', () => ctx.gate.record({ at, status: res.statusCode }));
  return serveGraphql(req, res, ctx, api);
}

export async function startCmsSimulator(options: CmsSimulatorOptions = {}): Promise<CmsSimulator> {
  const catalog = new Catalog(options.seed ?? 11, { ...DEFAULT_CATALOG_FLAWS, ...options.flawRates });
  catalog.generate(options.contents ?? 30, options.days ?? 14, Date.now());
  const ctx: Context = {
    catalog,
    apis: new Map([
      ['/graphql', { schema: contentSchema, resolvers: contentResolvers(catalog, Date.now) }],
      ['/contentful/graphql', { schema: contentfulSchema, resolvers: contentfulResolvers(catalog, Date.now) }],
      ['/strapi/graphql', { schema: strapiSchema, resolvers: strapiResolvers(catalog, Date.now) }],
      ['/strapi-v4/graphql', { schema: strapiV4Schema, resolvers: strapiV4Resolvers(catalog, Date.now) }],
    ]),
    gate: new RequestGate(options.requestsPerSecond === undefined ? 10 : options.requestsPerSecond),
    accessToken: options.accessToken ?? CMS_SIMULATOR_TOKEN,
    latencyMs: 0,
    oversize: null,
    lastOversize: null,
  };
  const server = createServer((req, res) => {
    Promise.resolve(route(req, res, ctx)).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendJson(res, 500, errorBody(message, 'INTERNAL_SERVER_ERROR'));
      else res.destroy();
    });
  });
  const { host, port } = await listen(server, options);
  const at = (flavour: CmsFlavour): string => `http://${host}:${port}/${flavour}/graphql`;
  return {
    endpoint: `http://${host}:${port}/graphql`,
    endpoints: { contentful: at('contentful'), strapi: at('strapi'), 'strapi-v4': at('strapi-v4') },
    accessToken: ctx.accessToken,
    rows: () => catalog.snapshot(),
    addRows: (count) => catalog.add(count, Date.now()),
    addViews: (id, views) => catalog.addViews(id, views, Date.now()),
    throttleNext: (times, retryAfterSeconds, afterRequests) => ctx.gate.throttleNext(times, retryAfterSeconds, afterRequests),
    setLatency: (ms) => {
      ctx.latencyMs = ms;
    },
    oversizeNext: (bytes, declareLength = false) => {
      ctx.oversize = { bytes, declareLength };
    },
    lastOversize: () => ctx.lastOversize,
    requests: () => ctx.gate.requests(),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
