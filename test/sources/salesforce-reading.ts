/** Reading the Salesforce simulator as the workflow does, for the Salesforce source's tests. */
import { salesforceSourceSchema } from '../../activities/sources/salesforce/definition';
import type { StreamCursor } from '../../domain/cycle';
import { salesforceSource, type SalesforceSourceConfig } from '../../activities/sources/salesforce';
import type { Row, SourcePage } from '../../activities/sources/types';
import { type SalesforceSimulator } from '../../simulators/salesforce/server';

/** A password-flow configuration for the simulator, with the schema's defaults unless changed. */
export function passwordConfig(
  sim: SalesforceSimulator,
  overrides: Partial<{ password: string; apiQuotaShare: number }> = {},
): SalesforceSourceConfig {
  return salesforceSourceSchema.parse({
    kind: 'salesforce',
    loginUrl: sim.url,
    auth: { type: 'oauth-password', ...sim.credentials, password: overrides.password ?? sim.credentials.password },
    apiQuotaShare: overrides.apiQuotaShare ?? 0.9,
  });
}

/** Reads page by page as the workflow does, each page from the previous one's token. */
export async function readAll(
  config: SalesforceSourceConfig,
  stream: string,
  cursor: StreamCursor | null,
  {
    signal = new AbortController().signal,
    partition = null,
    onPage,
  }: { signal?: AbortSignal; partition?: string | null; onPage?: (page: SourcePage) => void } = {},
): Promise<SourcePage[]> {
  const pages: SourcePage[] = [];
  let pageToken: string | null = null;
  for (;;) {
    const page = await salesforceSource.readPage(config, stream, { connectorId: 'salesforce-test', cursor, pageToken, partition }, signal);
    pages.push(page);
    onPage?.(page);
    if (page.nextPageToken === null) return pages;
    pageToken = page.nextPageToken;
  }
}

export const rowsOf = (pages: SourcePage[]): Row[] => pages.flatMap((p) => p.rows);
export const cursorAt = (row: Row | undefined): StreamCursor => ({ value: String(row?.system_modstamp), lastKey: String(row?.id) });
export const inCursorOrder = (rows: Row[]): boolean =>
  rows.every((row, i) => {
    const prev = rows[i - 1];
    if (!prev) return true;
    const [a, b] = [String(prev.system_modstamp), String(row.system_modstamp)];
    return a < b || (a === b && String(prev.id) < String(row.id));
  });
