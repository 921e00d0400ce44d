/**
 * Connector credentials at rest, part of storeSuite so it runs on every engine: what an operator
 * sees querying the table directly, and what the API and the worker read back through the store.
 * Each test deletes the connectors it wrote: a row sealed with a key the suite's store lacks would
 * break listConnectors in the tests that follow.
 */
import { z } from 'zod';
import { MissingSecretKeyError, parseKeyRing, SecretIntegrityError } from '../../activities/secrets';
import type { SqlClient } from '../../activities/store/sql-client';
import { sqlStore, type Store } from '../../activities/store/store';
import type { Connector, ConnectorSettings } from '../../domain/connector';
import { accessTokenConfiguration, credentialedConfigurations, keyEntry } from '../secrets/fixtures';
import type { Harness } from './contract';
import { connectorInput, newUserId } from './fixtures';

const VARIABLE = 'INSIGHT_HUB_SECRET_KEYS';
const rawRow = z.object({ configuration: z.string(), access_token: z.string().nullable() });

/** The row as psql shows it, and the stored form of the access token (if the source uses one). */
async function rawConfiguration(client: SqlClient, id: string): Promise<z.infer<typeof rawRow>> {
  const [row] = await client.query(
    `SELECT configuration::text AS configuration, configuration #>> '{source,auth,accessToken,$secret}' AS access_token
       FROM connector_config WHERE id = $1`,
    [id],
  );
  return rawRow.parse(row);
}

const keyIdOf = (sealed: string | null) => sealed?.split(':')[0];
const fragmentsOf = (credential: string) => credential.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));

export function secretsContract(harness: () => Harness): void {
  const created: Connector[] = [];
  const create = async (store: Pick<Store, 'connectors'>, configuration: ConnectorSettings) => {
    const connector = await store.connectors.create({ ...connectorInput(newUserId()), configuration });
    created.push(connector);
    return connector;
  };
  afterEach(async () => {
    for (const connector of created.splice(0)) await harness().store.connectors.delete(connector.id);
  });

  test.each(credentialedConfigurations().map((c) => [c.destination, c] as const))(
    'credentials of a connector with a %s destination are encrypted in the row and read back as written',
    async (_, { configuration, credentials, plainValues }) => {
      const { store, client } = harness();
      const connector = await create(store, configuration);
      expect(connector.configuration).toEqual(configuration);
      expect(await store.connectors.get(connector.id)).toEqual(connector);
      expect(await store.connectors.listByUser(connector.userId)).toEqual([connector]);

      const raw = await rawConfiguration(client, connector.id);
      for (const fragment of credentials.flatMap(fragmentsOf)) expect(raw.configuration).not.toContain(fragment);
      for (const value of plainValues) expect(raw.configuration).toContain(value);
      const [kind] = await client.query("SELECT configuration #>> '{destination,kind}' AS kind FROM connector_config WHERE id = $1", [
        connector.id,
      ]);
      expect(kind).toEqual({ kind: configuration.destination.kind });

      const token = accessTokenConfiguration();
      const updated = await store.connectors.update(connector.id, { configuration: token.configuration });
      expect(updated?.configuration).toEqual(token.configuration);
      const rewritten = await rawConfiguration(client, connector.id);
      expect(rewritten.configuration).not.toContain(token.credential);
      expect(keyIdOf(rewritten.access_token)).toBe('store-k1');
    },
  );

  test('a rotated key ring reads rows of the old key and encrypts new writes with the new key', async () => {
    const { store, client, secretKeys } = harness();
    const { configuration } = accessTokenConfiguration();
    const written = await create(store, configuration);

    const rotated = sqlStore(client, parseKeyRing(`${keyEntry('store-k2')},${secretKeys}`, VARIABLE));
    expect(await rotated.connectors.get(written.id)).toEqual(written);
    expect(keyIdOf((await rawConfiguration(client, written.id)).access_token)).toBe('store-k1');

    const rewritten = await rotated.connectors.update(written.id, { configuration: written.configuration });
    expect(rewritten?.configuration).toEqual(configuration);
    expect(keyIdOf((await rawConfiguration(client, written.id)).access_token)).toBe('store-k2');
    const fresh = await create(rotated, accessTokenConfiguration().configuration);
    expect(keyIdOf((await rawConfiguration(client, fresh.id)).access_token)).toBe('store-k2');
  });

  test('a row encrypted with a key the ring lacks fails naming the key and the variable to set', async () => {
    const { store, client } = harness();
    const elsewhere = sqlStore(client, parseKeyRing(keyEntry('other-host'), VARIABLE));
    const written = await create(elsewhere, accessTokenConfiguration().configuration);
    const reading = store.connectors.get(written.id);
    await expect(reading).rejects.toThrow(MissingSecretKeyError);
    await expect(reading).rejects.toThrow(/secret key "other-host".*set INSIGHT_HUB_SECRET_KEYS .*other-host:/s);
  });

  test('a ciphertext altered in the table is refused', async () => {
    const { store, client } = harness();
    const written = await create(store, accessTokenConfiguration().configuration);
    const { access_token: sealed } = await rawConfiguration(client, written.id);
    const [keyId, iv, tag, ciphertext = ''] = (sealed ?? '').split(':');
    const altered = Buffer.from(ciphertext, 'base64');
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 0x80;
    await client.query(
      `UPDATE connector_config SET configuration = jsonb_set(configuration, '{source,auth,accessToken,$secret}', to_jsonb($2::text)) WHERE id = $1`,
      [written.id, [keyId, iv, tag, altered.toString('base64')].join(':')],
    );
    await expect(store.connectors.get(written.id)).rejects.toThrow(SecretIntegrityError);
  });

  test('rows written before encryption read as they are and are encrypted when the store migrates, once', async () => {
    const { store, client } = harness();
    const { configuration, credential } = accessTokenConfiguration();
    const userId = newUserId();
    const [inserted] = await client.query(
      `INSERT INTO connector_config (user_id, name, configuration) VALUES ($1, 'before encryption', $2::jsonb) RETURNING id`,
      [userId, JSON.stringify(configuration)],
    );
    const { id } = z.object({ id: z.string() }).parse(inserted);
    const [legacy] = await store.connectors.listByUser(userId);
    if (legacy) created.push(legacy);
    expect(legacy?.configuration).toEqual(configuration);

    await store.migrate();
    const sealed = await rawConfiguration(client, id);
    expect(sealed.configuration).not.toContain(credential);
    expect(keyIdOf(sealed.access_token)).toBe('store-k1');
    expect(await store.connectors.get(id)).toEqual(legacy);

    await store.migrate();
    expect(await rawConfiguration(client, id)).toEqual(sealed);
  });
}
