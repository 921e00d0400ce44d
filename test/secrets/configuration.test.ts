/**
 * Sealing a connector configuration for storage and opening it again, as the store does on every
 * write and read: what an operator looking at the stored JSON sees, and what the worker gets back.
 */
import { connectorSettingsSchema } from '../../domain/connector';
import { MissingSecretKeyError, openConfiguration, parseKeyRing, sealConfiguration, SecretIntegrityError } from '../../activities/secrets';
import { accessTokenConfiguration, credentialedConfigurations, keyEntry, messageOf } from './fixtures';

const ring = (spec: string) => parseKeyRing(spec, 'INSIGHT_HUB_SECRET_KEYS');
const sealedValues = (sealed: unknown): string[] => JSON.stringify(sealed).match(/"\$secret":"[^"]+"/g) ?? [];
/** A credential's distinctive text: a PEM key without its armour lines, anything else whole. */
const fragmentsOf = (credential: string) => credential.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
const keyIdsIn = (sealed: unknown) => new Set(sealedValues(sealed).map((marker) => marker.slice('"$secret":"'.length).split(':')[0]));

describe('sealing a connector configuration', () => {
  const k1 = keyEntry('k1');

  test.each(credentialedConfigurations().map((c) => [c.destination, c] as const))(
    'with a %s destination: no credential stays readable, everything else does, and opening gives back what was sealed',
    (_, { configuration, credentials, plainValues }) => {
      const keys = ring(k1);
      const sealed = sealConfiguration(keys, configuration);
      const stored = JSON.stringify(sealed);
      for (const fragment of credentials.flatMap(fragmentsOf)) expect(stored).not.toContain(fragment);
      for (const value of plainValues) expect(stored).toContain(value);
      expect(sealedValues(sealed)).toHaveLength(credentials.length);
      expect(keyIdsIn(sealed)).toEqual(new Set(['k1']));

      expect(openConfiguration(keys, sealed)).toEqual(configuration);
      expect(connectorSettingsSchema.parse(openConfiguration(keys, sealed))).toEqual(configuration);
    },
  );

  test('sealing twice changes nothing more, and sealing the same value again gives a different ciphertext', () => {
    const keys = ring(k1);
    const { configuration } = accessTokenConfiguration();
    const sealed = sealConfiguration(keys, configuration);
    expect(sealConfiguration(keys, sealed)).toEqual(sealed);
    expect(sealConfiguration(keys, configuration)).not.toEqual(sealed);
  });

  test('a configuration stored before encryption (plain credentials) opens as it is', () => {
    const { configuration } = accessTokenConfiguration();
    expect(openConfiguration(ring(k1), configuration)).toEqual(configuration);
  });

  test('a rotated ring opens what the old key sealed and seals new values with the new key', () => {
    const k2 = keyEntry('k2');
    const { configuration } = accessTokenConfiguration();
    const old = sealConfiguration(ring(k1), configuration);
    const rotated = ring(`${k2},${k1}`);
    expect(openConfiguration(rotated, old)).toEqual(configuration);
    const resealed = sealConfiguration(rotated, openConfiguration(rotated, old));
    expect(keyIdsIn(resealed)).toEqual(new Set(['k2']));
    expect(() => openConfiguration(ring(k1), resealed)).toThrow(MissingSecretKeyError);
  });

  test('a value sealed with a key the ring lacks fails naming the key and the variable to set', () => {
    const sealed = sealConfiguration(ring(keyEntry('retired-2024')), accessTokenConfiguration().configuration);
    const opening = () => openConfiguration(ring(k1), sealed);
    expect(opening).toThrow(MissingSecretKeyError);
    expect(messageOf(opening)).toMatch(/secret key "retired-2024".*set INSIGHT_HUB_SECRET_KEYS .*retired-2024:/s);
  });

  describe('a tampered value is refused', () => {
    const keys = ring(k1);
    const { configuration, credential } = accessTokenConfiguration();
    const sealed = JSON.stringify(sealConfiguration(keys, configuration));
    const [, marker = ''] = /"\$secret":"([^"]+)"/.exec(sealed) ?? [];
    const [keyId = '', iv = '', tag = '', ciphertext = ''] = marker.split(':');
    const flipFirstByte = (base64: string) => {
      const bytes = Buffer.from(base64, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 0x01;
      return bytes.toString('base64');
    };
    const withMarker = (altered: string): unknown => JSON.parse(sealed.replace(marker, altered));

    test.each([
      ['ciphertext', [keyId, iv, tag, flipFirstByte(ciphertext)].join(':')],
      ['authentication tag', [keyId, iv, flipFirstByte(tag), ciphertext].join(':')],
      ['IV', [keyId, flipFirstByte(iv), tag, ciphertext].join(':')],
    ])('altered %s', (_, altered) => {
      expect(() => openConfiguration(keys, withMarker(altered))).toThrow(SecretIntegrityError);
      expect(() => openConfiguration(keys, withMarker(altered))).toThrow(/integrity check/);
    });

    test('relabelled with another key of the ring', () => {
      const other = ring(`${k1},${keyEntry('k9')}`);
      expect(() => openConfiguration(other, withMarker(['k9', iv, tag, ciphertext].join(':')))).toThrow(SecretIntegrityError);
    });

    test('replaced by something that is not a sealed value, without echoing it', () => {
      const opening = () => openConfiguration(keys, withMarker(credential));
      expect(opening).toThrow(SecretIntegrityError);
      expect(messageOf(opening)).not.toContain(credential);
    });
  });
});
