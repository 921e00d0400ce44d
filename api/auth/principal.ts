/**
 * Who a request comes from, once access control has proven it. Kept beside the request, not on it,
 * so a handler can only get a principal that the access-control middleware put there.
 */
import type { Request } from 'express';
import type { Role } from '../../domain/access';
import type { JwtAlgorithm } from './jwt';

export type Credential = { kind: 'api-key'; keyId: string } | { kind: 'jwt'; algorithm: JwtAlgorithm };

export interface Principal {
  /** A user id (a connector's userId for a creative analyst) or a service's name. */
  subject: string;
  role: Role;
  credential: Credential;
}

const principals = new WeakMap<Request, Principal>();

export function setPrincipal(req: Request, principal: Principal): void {
  principals.set(req, principal);
}

/** Throws for a route outside access control: that is a wiring bug, answered with a 500. */
export function principalOf(req: Request): Principal {
  const principal = principals.get(req);
  if (!principal) throw new Error(`no principal for ${req.method} ${req.path}: the route is not behind access control`);
  return principal;
}

/** How the audit log names the caller: never the credential itself, only which one. */
export interface AuditActor {
  subject: string;
  role: Role;
  credential: string;
}

export const auditActor = ({ subject, role, credential }: Principal): AuditActor => ({
  subject,
  role,
  credential: credential.kind === 'api-key' ? `api-key:${credential.keyId}` : `jwt:${credential.algorithm}`,
});
