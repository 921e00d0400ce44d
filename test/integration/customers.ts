/**
 * What the integration suites check of the customer models as a user would: the ids a model's list
 * column holds, and an erasure asked for through the API and waited for.
 */
import { z } from 'zod';
import type { ApiResult } from '../support/stack';
import { eventually } from '../support/eventually';

/** The values a list column (`a, b`, as the models' `listOf` writes it) holds across rows, sorted. */
export const listedIn = (rows: readonly Record<string, unknown>[], column: string): string[] =>
  rows
    .flatMap((row) =>
      String(row[column] ?? '')
        .split(', ')
        .filter(Boolean),
    )
    .sort();

type Call = (method: string, route: string, body?: unknown) => Promise<ApiResult>;

/** Asks for the subject's erasure (`POST /api/v1/privacy/erasure-requests`) and waits until it completed. */
export async function eraseThroughApi(call: Call, subject: { email: string } | { customerId: string }): Promise<void> {
  const requested = await call('POST', '/api/v1/privacy/erasure-requests', { subject, reason: 'gdpr' });
  expect(requested.status).toBe(202);
  const { id } = z.object({ id: z.string() }).parse(requested.body);
  await eventually(
    'the erasure',
    async () => {
      const { status } = z.object({ status: z.string() }).parse((await call('GET', `/api/v1/privacy/erasure-requests/${id}`)).body);
      return status === 'completed' ? status : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 200 },
  );
}
