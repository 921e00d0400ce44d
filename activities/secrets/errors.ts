/**
 * Why a stored credential could not be read. Both are config errors (not retryable): only an
 * operator changing the key ring, or the stored value, can fix them.
 */
import { ConnectorError } from '../errors';

export const SECRET_KEYS_VARIABLE = 'INSIGHT_HUB_SECRET_KEYS';

export class MissingSecretKeyError extends ConnectorError {
  constructor(readonly keyId: string) {
    super(
      'config',
      `a stored credential was encrypted with secret key "${keyId}", which is not in this process's key ring`,
      `set ${SECRET_KEYS_VARIABLE} to a ring that includes that key ("<active id>:<base64 key>,${keyId}:<its base64 key>")`,
    );
  }
}

export class SecretIntegrityError extends ConnectorError {
  constructor(keyId: string | null, why: string) {
    const key = keyId === null ? 'its secret key' : `secret key "${keyId}"`;
    super(
      'config',
      `a stored credential was refused: ${why}`,
      `the stored value was altered, or ${key} in ${SECRET_KEYS_VARIABLE} is not the one that encrypted it; re-enter the credential`,
    );
  }
}
