/** INSIGHT_HUB_SECRET_KEYS as an operator writes it, and the mistakes they can make in it. */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { parseKeyRing } from '../../activities/secrets';
import { keyEntry, messageOf } from './fixtures';

const VARIABLE = 'INSIGHT_HUB_SECRET_KEYS';

describe('a key ring from INSIGHT_HUB_SECRET_KEYS', () => {
  test('the first key is active, every key is held, spaces around entries are fine', () => {
    const ring = parseKeyRing(` ${keyEntry('2025-06')} , ${keyEntry('2024-11')}`, VARIABLE);
    expect(ring.activeKeyId).toBe('2025-06');
    expect(ring.keyIds).toEqual(['2025-06', '2024-11']);
  });

  test('printing the ring shows no key bytes', () => {
    const entry = keyEntry('k1');
    const key = entry.slice('k1:'.length);
    const printed = inspect(parseKeyRing(entry, VARIABLE), { depth: 10, showHidden: true });
    expect(printed).not.toContain(key);
    expect(printed).not.toContain(Buffer.from(key, 'base64').toString('hex'));
  });

  test.each([
    ['an empty value', '', /key 1: must look like <id>:<base64 key>/],
    ['an entry without an id', randomBytes(32).toString('base64'), /key 1: must look like <id>:<base64 key>/],
    ['a 16-byte key', `k1:${randomBytes(16).toString('base64')}`, /key 1 \("k1"\): the key must be 32 bytes in standard base64/],
    ['a key that is not base64', `k1:${'!'.repeat(43)}=`, /key 1 \("k1"\): the key must be 32 bytes/],
    ['an id with a space', `k 1:${randomBytes(32).toString('base64')}`, /key 1: the id must be 1 to 64 letters/],
    ['the same id twice', `${keyEntry('k1')},${keyEntry('k1')}`, /key 2: the id "k1" is used twice/],
  ])('refuses %s, naming the variable and the entry but not the key', (_, spec, rule) => {
    const parse = () => parseKeyRing(spec, VARIABLE);
    expect(parse).toThrow(rule);
    expect(parse).toThrow(new RegExp(`^${VARIABLE}`));
    const key = spec.split(':')[1];
    if (key) expect(messageOf(parse)).not.toContain(key);
  });
});
