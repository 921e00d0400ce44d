/**
 * A PostgreSQL database of its own on a server the caller may create databases on: the Redshift
 * simulator's, and each PostgreSQL test file's, so that none sees another's tables or rows. Its name
 * is unique; dropping it ends the sessions still open on it.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/** `work` on a connection of its own to `url`, closed afterwards whatever happened. */
export async function withPgClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface FreshDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** `<prefix>_<uuid>` on the server of `adminUrl`; with `timezone`, every session on it starts in that zone. */
export async function createDatabase(adminUrl: string, prefix: string, options: { timezone?: string } = {}): Promise<FreshDatabase> {
  const name = `${prefix}_${randomUUID().replaceAll('-', '')}`;
  await withPgClient(adminUrl, async (admin) => {
    await admin.query(`CREATE DATABASE ${name}`);
    if (options.timezone) await admin.query(`ALTER DATABASE ${name} SET timezone TO '${options.timezone}'`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await withPgClient(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
