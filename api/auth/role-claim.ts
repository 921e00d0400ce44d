/**
 * The role a JWT grants, read from the claim the identity provider puts it in: `role` by default, or
 * a dotted path (`realm_access.roles`), or a namespaced claim (`https://example.com/roles`).
 */
import { z } from 'zod';
import { ROLES, roleSchema, type Role } from '../../domain/access';

/**
 * How much each role may do, for a claim that lists several (an identity provider's groups): the
 * token gets the highest-ranked role among those Insight Hub knows, and other values are ignored.
 * Data scientists rank above managers: they read every connector's data, decrypted payloads included.
 */
const PRIVILEGE: Record<Role, number> = { admin: 5, 'data-scientist': 4, manager: 3, 'creative-analyst': 2, 'campaign-lead': 1 };

export const DEFAULT_ROLE_CLAIM = 'role';

const objectSchema = z.record(z.string(), z.unknown());

/** Why a token's role claim gives no role; the message never quotes the claim's values. */
export type RoleClaimOutcome = { found: true; role: Role } | { found: false; reason: string };

export function roleFromClaims(claims: Record<string, unknown>, claimPath: string): RoleClaimOutcome {
  const value = claimAt(claims, claimPath);
  const named = `the role claim "${claimPath}"`;
  if (value === undefined) return { found: false, reason: `the token has no role: ${named} is missing` };
  const values = z.union([z.string(), z.array(z.unknown())]).safeParse(value);
  if (!values.success) return { found: false, reason: `${named} must be a role name or a list of them` };
  const known = [values.data].flat().flatMap((item) => {
    const role = roleSchema.safeParse(item);
    return role.success ? [role.data] : [];
  });
  const [role] = known.sort((a, b) => PRIVILEGE[b] - PRIVILEGE[a]);
  if (role === undefined) return { found: false, reason: `${named} names no role Insight Hub knows (${ROLES.join(', ')})` };
  return { found: true, role };
}

/**
 * The value at a claim path. A claim named exactly so wins (`https://example.com/roles` holds dots);
 * otherwise the path is split at a dot into an object's claim and the rest, trying each dot in turn.
 */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  for (let dot = path.indexOf('.'); dot !== -1; dot = path.indexOf('.', dot + 1)) {
    const head = path.slice(0, dot);
    const inner = objectSchema.safeParse(Object.hasOwn(claims, head) ? claims[head] : undefined);
    const found = inner.success ? claimAt(inner.data, path.slice(dot + 1)) : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}
