/**
 * The access policy in the OpenAPI document: the two ways to authenticate, and on every operation the
 * roles it takes (x-roles) with its 401 and 403, or that it is public (security: []).
 */
import type { ResponseSpec } from '../contract';
import { OWN_CONNECTORS_ONLY, ROLES } from '../../domain/access';
import { errorAnswer as error } from '../response-schemas';
import type { RoutePolicy } from './policy';

export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key (ihk_…) or a JWT: HS256 with the shared INSIGHT_HUB_JWT_SECRET, or signed by an identity provider and checked against ' +
      'INSIGHT_HUB_JWT_PUBLIC_KEY_FILE (RS256) or the JWKS at INSIGHT_HUB_JWT_JWKS_URL (key picked by kid; RS256 unless ' +
      'INSIGHT_HUB_JWT_JWKS_ALGORITHMS says otherwise). Claims: sub, exp, iss and aud when INSIGHT_HUB_JWT_ISSUER and ' +
      'INSIGHT_HUB_JWT_AUDIENCE are set, and the role in the claim INSIGHT_HUB_JWT_ROLE_CLAIM names (role by default; a dotted ' +
      'path reaches into objects; a list grants the most privileged Insight Hub role it names)',
  },
  apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (ihk_…)' },
} as const;

/** Either scheme will do. */
export const ANY_CREDENTIAL: Record<string, string[]>[] = [{ bearer: [] }, { apiKey: [] }];

/** Express path syntax to OpenAPI's: `/:id` and `/*approvalId` become `/{id}` and `/{approvalId}`. */
export const openApiPath = (expressPath: string): string => expressPath.replace(/[:*]([A-Za-z0-9_]+)/g, '{$1}');

const IDENTITY_PROVIDER_DOWN =
  "for a JWT checked against a JWKS: the identity provider's signing keys could not be fetched (API keys still work)";

const forbidden = (owned: boolean): string =>
  `the credential’s role may not call this route${owned ? ', or the connector belongs to another user' : ''}`;

export interface OperationAccess {
  security: Record<string, string[]>[];
  extensions: Record<`x-${string}`, unknown>;
  /** The answers access control gives before the route's own. */
  responses: Record<number, ResponseSpec>;
}

export function operationAccess({ access }: RoutePolicy): OperationAccess {
  if ('public' in access) return { security: [], extensions: { 'x-public': access.public }, responses: {} };
  const responses: Record<number, ResponseSpec> = {
    401: error('no credential, or one that is unknown, expired, revoked or badly signed (see WWW-Authenticate)'),
    503: error(IDENTITY_PROVIDER_DOWN),
  };
  // A route every role may call, on any connector, is never refused by access control.
  if (access.roles.length < ROLES.length || access.ownership) responses[403] = error(forbidden(access.ownership !== undefined));
  return {
    security: ANY_CREDENTIAL,
    extensions: {
      'x-roles': access.roles,
      ...(access.ownership ? { 'x-own-connectors-only': OWN_CONNECTORS_ONLY } : {}),
      ...(access.personalData ? { 'x-personal-data': access.personalData } : {}),
    },
    responses,
  };
}
