/**
 * Who a request comes from, once access control has proven it. Kept beside the request, not on it,
 * so a handler can only get a principal that the access-control middleware put there.
 */
import type { Request } from 'express';
import type { Role } from '../../domain/access';
import { forbidden } from '../errors';
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

/**
 * Who acts is the caller, as access control proved it. A body may still name the actor and role
 * (older clients do), but only as the caller's own: anything else is refused, naming `field` and
 * why (`recordedAs`), and `actor` (decider, requester) in the role's refusal.
 */
export function actingCaller(
  principal: Principal,
  sent: { subject: string | undefined; role: Role | undefined },
  wording: { field: string; recordedAs: string; actor: string },
): { subject: string; role: Role } {
  if (sent.subject !== undefined && sent.subject !== principal.subject) {
    throw forbidden(
      `${wording.field} must be left out or be the caller: ${wording.recordedAs} is recorded under the identity that sent it`,
    );
  }
  if (sent.role !== undefined && sent.role !== principal.role) {
    throw forbidden(
      `role ${sent.role} is not this credential's role (${principal.role}): leave it out, the ${wording.actor}'s role is the caller's`,
    );
  }
  return { subject: principal.subject, role: principal.role };
}
