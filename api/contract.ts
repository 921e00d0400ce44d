/**
 * Each route's contract, declared once beside its handler: its path, query and body schemas (the
 * very ones the handler parses with) and each answer with its schema. Routers are built from
 * contracts (`describedRouter`), and the app mounts them through `mountDescribed`, so the OpenAPI
 * document (openapi.ts) is made from what the app really serves: a route cannot be served without
 * being described, nor described without being served.
 */
import { Router, type Express, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { HttpMethod } from './auth/policy';

/** The groups the document and the docs page list operations under, in this order. */
export const API_TAGS = {
  connectors: 'Connector configurations and their Temporal Schedules',
  runs: 'Ingestion cycles: started on demand, read live or once ended',
  quality: 'Quality reports and the quarantine',
  approvals: 'Approval gates and the decisions on them',
  privacy: 'Erasure requests',
  notifications: 'Notification channels and the delivery log',
  history: 'The audit log, decisions, daily metrics and outcomes, by connector and time',
  warehouse: 'Read-only SQL on the warehouse, while the product runs',
  models: 'The customer models: definitions, lineage, and their hand-off to Looker and Tableau',
  insights: 'Connector health, ROI and the settings behind it',
  access: 'API keys and who the caller is',
  webhooks: 'Events pushed to Insight Hub',
  codec: "The Temporal Web UI's remote codec",
  health: 'Liveness',
  documentation: 'This document and its page',
  dashboard: "The team's web dashboard and its files",
} as const;
export type ApiTag = keyof typeof API_TAGS;

export interface ResponseSpec {
  description: string;
  /** The body's schema: JSON unless `contentType` says otherwise. None: the answer has no body (204). */
  schema?: z.ZodType;
  contentType?: string | readonly string[];
}

export type ResponseSpecs = Readonly<Partial<Record<number, ResponseSpec>>>;

export interface RequestSpec {
  /** Path parameters, by the names the Express path gives them. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** A JSON body: with it the route may also answer 413 (too large) and 415 (not UTF-8 JSON). */
  body?: { schema: z.ZodType; required: boolean; description?: string };
  headers?: z.ZodObject;
}

export interface RouteContract<R extends ResponseSpecs = ResponseSpecs> {
  method: HttpMethod;
  /** Express syntax, relative to where its router is mounted: `/:id/runs`, `/*workflowId`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  /** The group the docs page lists it under. */
  tag: ApiTag;
  request?: RequestSpec;
  /**
   * The route's own answers. The ones every route shares follow from the rest of the contract and
   * the access policy: 400 for a refused input, 413/415 for a body, 401/403, 503, 500 (openapi.ts).
   */
  responses: R;
  /** What is not done when Temporal is unreachable: the route then answers 503 saying so. */
  temporal?: string;
}

/**
 * Keeps the statuses and schemas as literal types, so `reply` can check a handler's answer; a route
 * that calls Temporal keeps its `temporal` text, for its calls to say what its 503 documents.
 */
export function defineRoute<const R extends ResponseSpecs>(
  contract: RouteContract<R> & { temporal: string },
): RouteContract<R> & { temporal: string };
export function defineRoute<const R extends ResponseSpecs>(contract: RouteContract<R>): RouteContract<R>;
export function defineRoute(contract: RouteContract): RouteContract {
  return contract;
}

type BodyOf<S> = S extends { schema: infer Schema extends z.ZodType } ? z.input<Schema> : never;

/** Sends a documented answer: the compiler refuses a body the contract's schema for that status does not describe. */
export function reply<R extends ResponseSpecs, S extends keyof R & number>(
  res: Response,
  _contract: RouteContract<R>,
  status: S,
  body: BodyOf<R[S]>,
): void {
  res.status(status).json(body);
}

/** An Express router that knows the contracts of the routes it serves. */
export type DescribedRouter = Router & { readonly routes: readonly RouteContract[] };

export type RouteBuilder = DescribedRouter & {
  /** Serves the contract's method and path with the handlers, and records the contract. */
  serve<R extends ResponseSpecs>(contract: RouteContract<R>, ...handlers: RequestHandler[]): void;
};

export function describedRouter(): RouteBuilder {
  const router = Router();
  const routes: RouteContract[] = [];
  const register: Record<HttpMethod, (path: string, handlers: RequestHandler[]) => unknown> = {
    GET: (path, handlers) => router.get(path, ...handlers),
    POST: (path, handlers) => router.post(path, ...handlers),
    PUT: (path, handlers) => router.put(path, ...handlers),
    PATCH: (path, handlers) => router.patch(path, ...handlers),
    DELETE: (path, handlers) => router.delete(path, ...handlers),
  };
  const serve: RouteBuilder['serve'] = (contract, ...handlers) => {
    routes.push(contract);
    register[contract.method](contract.path, handlers);
  };
  return Object.assign(router, { routes, serve });
}

/** A contract whose path is the full one the app serves. */
export type ServedRoute = RouteContract;

const joinPaths = (mountPath: string, path: string): string =>
  mountPath === '/' ? path : path === '/' ? mountPath : `${mountPath}${path}`;

/** Mounts the routers at `mountPath` and adds their routes, with full paths, to `served`. */
export function mountDescribed(app: Express, served: ServedRoute[], mountPath: string, ...routers: DescribedRouter[]): void {
  app.use(mountPath, ...routers);
  for (const { routes } of routers) for (const route of routes) served.push({ ...route, path: joinPaths(mountPath, route.path) });
}
