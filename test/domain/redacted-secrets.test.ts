/** The redaction marker on the way back in: what it keeps, and where validation refuses it. */
import { updateConnectorSchema } from '../../domain/connector';
import { keepRedactedSecrets, REDACTED } from '../../domain/redaction';

const postgres = (url: string) => ({
  source: { kind: 'cms', endpoint: 'https://cms.example.com/graphql', accessToken: 'cms-token' },
  destination: { kind: 'postgres', url },
});

test("a URL's password marker keeps the stored password for the same host, and the rest of the URL is the one sent", () => {
  const kept = keepRedactedSecrets(
    postgres(`postgresql://loader:${REDACTED}@db.internal:5432/warehouse_v2`),
    postgres('postgresql://loader:pa$1ss%40word@db.internal:5432/warehouse'),
  );
  expect(kept).toMatchObject({ destination: { url: 'postgresql://loader:pa$1ss%40word@db.internal:5432/warehouse_v2' } });
});

test('a password marker in a URL to another host is not kept: a stored password never goes to a new address', () => {
  const kept = keepRedactedSecrets(
    postgres(`postgresql://loader:${REDACTED}@db.attacker.example:5432/warehouse`),
    postgres('postgresql://loader:pa$1ss%40word@db.internal:5432/warehouse'),
  );
  const parsed = updateConnectorSchema.safeParse({ configuration: kept });
  expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: ['configuration', 'destination', 'url'], code: 'custom' })]);
});

test('a marker under a changed login URL or endpoint is not kept, naming the field', () => {
  const cms = (endpoint: string, accessToken: string) => ({ source: { kind: 'cms', endpoint, accessToken } });
  const kept = keepRedactedSecrets(
    cms('https://collector.attacker.example/graphql', REDACTED),
    cms('https://cms.example.com/graphql', 'cms-token'),
  );
  const parsed = updateConnectorSchema.safeParse({ configuration: kept });
  expect(parsed.error?.issues).toEqual([
    expect.objectContaining({
      path: ['configuration', 'source', 'accessToken'],
      message: expect.stringContaining('another login URL, host or endpoint'),
    }),
  ]);
  expect(
    keepRedactedSecrets(cms('https://cms.example.com/graphql', REDACTED), cms('https://cms.example.com/graphql', 'cms-token')),
  ).toEqual(cms('https://cms.example.com/graphql', 'cms-token'));
});

test('a URL marker where the stored URL has no password is left for validation to refuse', () => {
  const kept = keepRedactedSecrets(postgres(`postgresql://loader:${REDACTED}@db:5432/w`), postgres('postgresql://db:5432/w'));
  const parsed = updateConnectorSchema.safeParse({ configuration: kept });
  expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: ['configuration', 'destination', 'url'], code: 'custom' })]);
});

test('a secret stored as the marker (by the bug this fixes) is not kept: the client is asked for the secret itself', () => {
  const broken = { source: { kind: 'cms', endpoint: 'https://cms.example.com/graphql', accessToken: REDACTED } };
  const parsed = updateConnectorSchema.safeParse({ configuration: keepRedactedSecrets(broken, broken) });
  expect(parsed.error?.issues).toEqual([
    expect.objectContaining({
      path: ['configuration', 'source', 'accessToken'],
      message: expect.stringContaining('send the secret itself'),
    }),
  ]);
});

test('values that are not secrets are taken as sent, even when they read "[redacted]"', () => {
  const sent = { source: { kind: 'cms', endpoint: 'https://cms.example.com/graphql', accessToken: 'new-token' }, description: REDACTED };
  expect(keepRedactedSecrets(sent, { source: { kind: 'cms', accessToken: 'old-token' }, description: 'old' })).toEqual(sent);
});
