/**
 * GET /api/v1/openapi.json: generated from the contracts of the routes the app serves (contract.ts),
 * with the very zod schemas that validate their input, and from the access policy table. Each
 * operation gets its id, summary, security and every answer it can give: its own, 400 for a refused
 * input, 413/415 for a body, 401/403 behind access control, 503 where Temporal or the identity
 * provider may be down, 500.
 */
import { OpenApiGeneratorV3, OpenAPIRegistry, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { ROLE_DUTIES, ROLES } from '../domain/access';
import { operationAccess, openApiPath, SECURITY_SCHEMES, ANY_CREDENTIAL } from './auth/openapi-security';
import type { RoutePolicy } from './auth/policy';
import { API_TAGS, type ResponseSpec, type ResponseSpecs, type ServedRoute } from './contract';
import { errorAnswer as error } from './response-schemas';

export const API_TITLE = 'Insight Hub API';

const INPUT_REFUSED = error(
  'the input is refused: a path, query or body field against its schema, a string that cannot be stored (NUL, lone surrogate), ' +
    'nesting deeper than 32 levels, or a body that is not valid JSON; each issue names the field and its rule',
);
const BODY_TOO_LARGE = error('the body is larger than the route’s limit; it was not read');
const NOT_JSON = error('the body is not UTF-8 application/json');
const UNEXPECTED = error('an unexpected error; it is logged, and the answer says nothing more');

const temporalDown = (consequence: string): ResponseSpec =>
  error(`Temporal is unreachable or did not answer in time: ${consequence}; send the request again once it is back`);

/** Two descriptions of one status: the route's own first. */
const joined = (first: ResponseSpec, second: ResponseSpec): ResponseSpec => ({
  ...first,
  description: `${first.description}; or ${second.description}`,
});

function responsesOf(route: ServedRoute, policy: RoutePolicy): ResponseSpecs {
  const { request, temporal } = route;
  const access = operationAccess(policy);
  const takesInput = request?.params || request?.query || request?.body;
  const shared: Record<number, ResponseSpec> = { ...access.responses, 500: UNEXPECTED };
  if (takesInput) shared[400] = INPUT_REFUSED;
  if (request?.body) Object.assign(shared, { 413: BODY_TOO_LARGE, 415: NOT_JSON });
  const own: ResponseSpecs = route.responses;
  const merged: Record<number, ResponseSpec> = { ...shared };
  for (const [status, spec] of Object.entries(own)) if (spec) merged[Number(status)] = spec;
  // Temporal (or the route's own wait) and the identity provider are both answered 503: each cause is named.
  const own503 = own[503] ?? (temporal ? temporalDown(temporal) : undefined);
  const unavailable = own503 && shared[503] ? joined(own503, shared[503]) : (own503 ?? shared[503]);
  if (unavailable) merged[503] = unavailable;
  return merged;
}

function responseConfig({ description, schema, contentType = 'application/json' }: ResponseSpec): ResponseConfig {
  if (!schema) return { description };
  const types: readonly string[] = typeof contentType === 'string' ? [contentType] : contentType;
  return { description, content: Object.fromEntries(types.map((type) => [type, { schema }])) };
}

export function policyOf(route: { method: string; path: string }, policies: readonly RoutePolicy[]): RoutePolicy {
  const policy = policies.find((candidate) => candidate.method === route.method && candidate.path === route.path);
  // Access control would answer such a route 404: serving it is a wiring mistake, told at start-up.
  if (!policy) throw new Error(`${route.method} ${route.path} is served but has no entry in the access policy table (api/auth/policy.ts)`);
  return policy;
}

function operationOf(route: ServedRoute, policy: RoutePolicy): RouteConfig {
  const { request } = route;
  const access = operationAccess(policy);
  const responses = Object.fromEntries(
    Object.entries(responsesOf(route, policy)).flatMap(([status, spec]) => (spec ? [[status, responseConfig(spec)]] : [])),
  );
  return {
    method: methodOf(route.method),
    path: openApiPath(route.path),
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: access.security,
    ...access.extensions,
    request: {
      ...(request?.params ? { params: request.params } : {}),
      ...(request?.query ? { query: request.query } : {}),
      ...(request?.headers ? { headers: request.headers } : {}),
      ...(request?.body
        ? {
            body: {
              required: request.body.required,
              description: request.body.description,
              content: { 'application/json': { schema: request.body.schema } },
            },
          }
        : {}),
    },
    responses,
  };
}

const methodOf = (method: RoutePolicy['method']): RouteConfig['method'] => {
  const lower: Record<RoutePolicy['method'], RouteConfig['method']> = {
    GET: 'get',
    POST: 'post',
    PUT: 'put',
    PATCH: 'patch',
    DELETE: 'delete',
  };
  return lower[method];
};

export type OpenApiDocument = ReturnType<OpenApiGeneratorV3['generateDocument']> & { 'x-roles': Record<string, string> };

export function openApiDocument(routes: readonly ServedRoute[], policies: readonly RoutePolicy[]): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) registry.registerComponent('securitySchemes', name, scheme);
  for (const route of routes) registry.registerPath(operationOf(route, policyOf(route, policies)));
  const tags = Object.entries(API_TAGS).flatMap(([name, description]) =>
    routes.some((route) => route.tag === name) ? [{ name, description }] : [],
  );
  const document = new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: API_TITLE,
      version: '1.0.0',
      description: 'Continuous, validated, guard-railed ingestion of marketing customer data into your warehouse, on Temporal.',
    },
    tags,
    security: ANY_CREDENTIAL,
  });
  return { ...document, 'x-roles': Object.fromEntries(ROLES.map((role) => [role, ROLE_DUTIES[role]])) };
}
