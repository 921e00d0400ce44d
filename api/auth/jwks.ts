/** An identity provider's signing keys, fetched from its JWKS URL and picked by the token's `kid`. */
import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { identityProviderUnavailable } from '../errors';

export interface RemoteKeySetOptions {
  /** The least time between two fetches caused by a kid the cached set does not hold. */
  cooldownSeconds: number;
}

/**
 * jose keeps the fetched set for ten minutes and fetches it again at once for a kid it does not hold,
 * so a rotated key works without a restart; at most once per cooldown, so tokens with made-up kids
 * cannot make the API hammer the identity provider. A set that cannot be fetched is the identity
 * provider's failure, not the token's: a 503, not a 401.
 */
export function remoteKeySet(url: URL, { cooldownSeconds }: RemoteKeySetOptions): JWTVerifyGetKey {
  const keySet = createRemoteJWKSet(url, { cooldownDuration: cooldownSeconds * 1_000 });
  return async (header, token) => {
    try {
      return await keySet(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw identityProviderUnavailable(unavailableReason(error));
    }
  };
}

const causeSchema = z.object({ cause: z.object({ code: z.string() }) });

function unavailableReason(error: unknown): string {
  if (error instanceof errors.JWKSTimeout) return 'it did not answer in time';
  if (error instanceof errors.JWKSInvalid) return 'it did not serve a valid key set';
  const cause = causeSchema.safeParse(error);
  if (cause.success) return `it could not be reached (${cause.data.cause.code})`;
  return error instanceof Error ? error.message : String(error);
}
