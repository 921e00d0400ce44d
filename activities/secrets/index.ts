/** Connector credentials encrypted at rest: the key ring, and sealing and opening a configuration. */
export { MissingSecretKeyError, SecretIntegrityError, SECRET_KEYS_VARIABLE } from './errors';
export { ephemeralKeyRing, KeyRing, parseKeyRing } from './key-ring';
export { openConfiguration, sealConfiguration } from './configuration';
export { loadKeyRing } from './load-key-ring';
