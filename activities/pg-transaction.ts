/**
 * `work` inside BEGIN … COMMIT on one pooled pg connection, shared by the control-plane store and
 * the PostgreSQL warehouse. Any failure rolls back and is rethrown as it came; a connection whose
 * rollback failed too (it died mid-way, or is in an unknown state) is destroyed, never reused.
 */
import type { PoolClient } from 'pg';

export async function pgTransaction<T>(
  client: PoolClient,
  work: (client: PoolClient) => Promise<T>,
  begin: 'BEGIN' | 'BEGIN READ ONLY' = 'BEGIN',
): Promise<T> {
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    const broken = await client.query('ROLLBACK').then(
      () => undefined,
      (failure: unknown) => (failure instanceof Error ? failure : new Error(String(failure))),
    );
    client.release(broken);
    throw error;
  }
}
