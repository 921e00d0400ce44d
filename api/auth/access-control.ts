/**
 * Access control for every route, from the policy table: who the caller is (401 otherwise), whether
 * their role and ownership allow the route (403 naming the roles it takes), and an audit entry for
 * every change and every read of personal data, written before the handler runs so that nothing
 * unaudited happens. A route missing from the table is answered 404, as if it did not exist.
 */
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Logger } from '../../activities/logger';
import type { Store } from '../../activities/store/store';
import { OWN_CONNECTORS_ONLY, PLATFORM_AUDIT_ID, type Role } from '../../domain/access';
import { unknownRoute } from '../error-handler';
import { forbidden, type ErrorResponse, type ValidationIssue } from '../errors';
import { inputProblems, invalidRequest } from '../validation';
import { authenticate } from './authenticate';
import { connectorIdOf, ownershipOf, type RouteParams } from './ownership';
import type { HttpMethod, RoutePolicy } from './policy';
import { auditActor, principalOf, setPrincipal, type Principal } from './principal';
import type { AuthenticationSettings } from './settings';

export interface AccessControlDeps {
  store: Pick<Store, 'apiKeys' | 'connectors' | 'audit'>;
  logger: Logger;
  authentication: AuthenticationSettings;
  policies: readonly RoutePolicy[];
}

export interface AccessControl {
  /** Before the body is parsed: finds the route's policy and proves who is calling. */
  identify: RequestHandler;
  /** After the body is parsed (ownership may read it): roles, ownership, audit. */
  authorize: RequestHandler;
  /** For a router that checks roles itself as well (the codec server): 403 unless the caller holds one. */
  requireRole(roles: readonly Role[]): RequestHandler;
}

interface MatchedRoute {
  policy: RoutePolicy;
  params: RouteParams;
  /**
   * Why path parameters cannot be used: not percent-encoded UTF-8, or not storable (a NUL). Answered
   * 400 once the caller is known, before anything (the audit entry first) holds them.
   */
  pathIssues: ValidationIssue[];
}

const REALM = 'insight-hub';
const CHANGES: ReadonlySet<string> = new Set<HttpMethod>(['POST', 'PUT', 'PATCH', 'DELETE']);
const paramsSchema = z.record(z.string(), z.union([z.string(), z.array(z.string()).transform((segments) => segments.join('/'))]));

export function accessControl({ store, logger, authentication, policies }: AccessControlDeps): AccessControl {
  const findRoute = routeFinder(policies);
  const matches = new WeakMap<Request, MatchedRoute>();

  const identify: RequestHandler = async (req, res, next) => {
    // CORS preflights carry no credential by design; Express answers them with the Allow header only.
    if (req.method === 'OPTIONS') return next();
    const matched = await findRoute(req, res);
    if (matched) matches.set(req, matched);
    if (matched && 'public' in matched.policy.access) return refuseUnusablePath(matched, next);
    const proof = await authenticate(req, store, authentication);
    if (proof.outcome !== 'authenticated') {
      unauthorized(res, proof.outcome === 'refused' ? proof.reason : null);
      return;
    }
    setPrincipal(req, proof.principal);
    if (!matched) return unknownRoute(req, res, next);
    refuseUnusablePath(matched, next);
  };

  const authorize: RequestHandler = async (req, _res, next) => {
    const matched = matches.get(req);
    if (!matched || 'public' in matched.policy.access) return next();
    const { policy, params } = matched;
    const { access } = matched.policy;
    const principal = principalOf(req);
    const connectorId = connectorIdOf(access.ownership, params);
    const refuse = async (message: string): Promise<never> => {
      logger.info({ method: req.method, route: policy.path, role: principal.role }, 'access refused');
      await audit(store, principal, connectorId, 'access.denied', { ...requestFacts(req, matched), refusal: message });
      throw forbidden(message);
    };

    if (!access.roles.includes(principal.role)) {
      await refuse(`${policy.method} ${policy.path} takes the role ${rolesText(access.roles)}; this credential has ${principal.role}`);
    }
    if (access.ownership && OWN_CONNECTORS_ONLY.includes(principal.role)) {
      const ownership = await ownershipOf(access.ownership, params, req.body, store);
      if (ownership.state === 'unprovable' || (ownership.state === 'owned-by' && ownership.userId !== principal.subject)) {
        await refuse(`${principal.role} works on their own connectors only: this one belongs to another user`);
      }
    }
    if (access.personalData) {
      await audit(store, principal, connectorId, 'api.personal-data-read', {
        ...requestFacts(req, matched),
        personalData: access.personalData,
      });
    } else if (CHANGES.has(req.method)) await audit(store, principal, connectorId, 'api.change-requested', requestFacts(req, matched));
    next();
  };

  const requireRole =
    (roles: readonly Role[]): RequestHandler =>
    (req, _res, next) => {
      const { role } = principalOf(req);
      if (!roles.includes(role))
        throw forbidden(`${req.method} ${req.baseUrl}${req.path} takes the role ${rolesText(roles)}; this credential has ${role}`);
      next();
    };

  return { identify, authorize, requireRole };
}

function refuseUnusablePath({ pathIssues }: MatchedRoute, next: NextFunction): void {
  if (pathIssues.length > 0) throw invalidRequest('path parameters', pathIssues);
  next();
}

/**
 * Matches the request against the policy table with Express's own router, so that a policy path
 * matches exactly the requests its route does (same syntax, same matcher).
 */
function routeFinder(policies: readonly RoutePolicy[]): (req: Request, res: Response) => Promise<MatchedRoute | null> {
  const router = Router();
  const found = new WeakMap<Request, MatchedRoute>();
  for (const policy of policies) {
    const remember: RequestHandler = (req, _res, next) => {
      const params = paramsSchema.parse(req.params);
      found.set(req, { policy, params, pathIssues: inputProblems(params) });
      next('router');
    };
    const route = router.route(policy.path);
    const register: Record<HttpMethod, () => unknown> = {
      GET: () => route.get(remember),
      POST: () => route.post(remember),
      PUT: () => route.put(remember),
      PATCH: () => route.patch(remember),
      DELETE: () => route.delete(remember),
    };
    register[policy.method]();
  }
  const match = (req: Request, res: Response): Promise<MatchedRoute | null> =>
    new Promise((resolve, reject) => {
      const done: NextFunction = (error?: unknown) => (error ? reject(error) : resolve(found.get(req) ?? null));
      router(req, res, done);
    });
  return async (req, res) => {
    try {
      return await match(req, res);
    } catch (error) {
      // The router decodes parameters while matching and throws on `%ZZ` or bytes that are not UTF-8.
      if (!(error instanceof URIError)) throw error;
      return undecodableRoute(req, res, match);
    }
  };
}

const UNDECODABLE = 'ih-undecodable-segment-';

const decodes = (segment: string): boolean => {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
};

/**
 * Which route, and which of its parameters, a path with undecodable segments names: the path is
 * matched again with each such segment replaced by a marker, then put back as it was.
 */
async function undecodableRoute(
  req: Request,
  res: Response,
  match: (req: Request, res: Response) => Promise<MatchedRoute | null>,
): Promise<MatchedRoute | null> {
  const sent = req.url;
  const queryAt = sent.indexOf('?');
  const [pathname, query] = queryAt === -1 ? [sent, ''] : [sent.slice(0, queryAt), sent.slice(queryAt)];
  req.url = `${pathname
    .split('/')
    .map((segment, index) => (decodes(segment) ? segment : `${UNDECODABLE}${index}`))
    .join('/')}${query}`;
  try {
    const matched = await match(req, res);
    if (!matched) return null;
    const undecodable = Object.keys(matched.params).filter((name) => matched.params[name]?.includes(UNDECODABLE));
    const issue = (path: string): ValidationIssue => ({
      path,
      message: 'must be percent-encoded UTF-8: every % followed by two hex digits, the bytes forming UTF-8',
      rule: 'invalid_encoding',
    });
    return { policy: matched.policy, params: {}, pathIssues: undecodable.length > 0 ? undecodable.map(issue) : [issue('(path)')] };
  } finally {
    req.url = sent;
  }
}

function unauthorized(res: Response, reason: string | null): void {
  // RFC 6750: a missing credential gets the bare challenge, a refused one says why.
  const challenge =
    reason === null
      ? `Bearer realm="${REALM}"`
      : `Bearer realm="${REALM}", error="invalid_token", error_description="${headerSafe(reason)}"`;
  const body: ErrorResponse = {
    error: 'unauthorized',
    message: reason ?? 'this route needs a credential: Authorization: Bearer <API key or JWT>, or X-API-Key: <API key>',
  };
  res.status(401).set('WWW-Authenticate', challenge).json(body);
}

/** A header value takes printable ASCII only, and the quoted string no quotes or backslashes. */
const headerSafe = (text: string): string => text.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, "'");

const rolesText = (roles: readonly Role[]): string =>
  roles.length === 1 ? `${roles[0]}` : `${roles.slice(0, -1).join(', ')} or ${roles[roles.length - 1]}`;

/** What the audit log keeps of a request: its route and path parameters, never its body or credential. */
const requestFacts = (req: Request, { policy, params }: MatchedRoute): Record<string, unknown> => ({
  method: req.method,
  route: policy.path,
  params,
});

async function audit(
  store: Pick<Store, 'audit'>,
  principal: Principal,
  connectorId: string | null,
  activityType: string,
  facts: Record<string, unknown>,
): Promise<void> {
  await store.audit.record(
    { connectorId: connectorId ?? PLATFORM_AUDIT_ID, userId: principal.subject },
    { activityType, details: { ...facts, actor: auditActor(principal), via: 'api' } },
  );
}
