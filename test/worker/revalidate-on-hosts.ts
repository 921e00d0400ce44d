/**
 * The re-validation step of the two-host test: after a cycle quarantined contacts, a manager relaxes
 * the contact suite and re-validates the batch with the most rows the dropped rule alone held back,
 * while both hosts run. Whichever host takes it reads the quarantined rows from the shared bucket.
 */
import type { Client } from '@temporalio/client';
import contactSuite from '../../activities/sources/salesforce/suites/contact.json';
import { storedReportMeta } from '../../activities/quarantine-lineage';
import type { Store } from '../../activities/store/store';
import { loadIdFor } from '../../domain/constants';
import type { QuarantineRevalidation } from '../../domain/messages';
import { revalidateQuarantine } from '../../workflows';
import { uniqueName } from '../support/temporal';

const EMAIL_FORMAT = 'match_regex(email)';

/** The default contact suite without the email format rule. */
const anyEmailSuite = {
  name: 'salesforce.contact, any email',
  expectations: contactSuite.expectations.filter((e) => e.type !== 'expect_column_values_to_match_regex'),
};

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

interface Revalidated {
  result: QuarantineRevalidation;
  /** The load that first quarantined the batch's rows. */
  batchLoadId: string;
  /** Where the batch's quarantined rows were staged. */
  quarantineUri: string;
  /** The quarantined rows the relaxed suite passes. */
  released: string[];
  /** Contact ids in the table before and after; quarantined keys before and after. */
  loadedBefore: string[];
  loadedAfter: string[];
  quarantinedBefore: Map<string, { loadId: string; reasons: string[] }>;
  quarantinedAfter: Map<string, { loadId: string; reasons: string[] }>;
}

async function quarantined(query: Query) {
  const rows = await query("SELECT record_key, load_id, reasons FROM marketing._ih_quarantine WHERE stream = 'contact'");
  return new Map(
    rows.map((row) => [
      String(row['record_key']),
      { loadId: String(row['load_id']), reasons: Array.isArray(row['reasons']) ? row['reasons'].map(String) : [] },
    ]),
  );
}

const loadedIds = async (query: Query) =>
  (await query('SELECT id FROM marketing.salesforce_contact')).map((row) => String(row['id'])).sort();

export async function revalidateOnHosts(options: {
  client: Client;
  taskQueue: string;
  store: Store;
  connectorId: string;
  withQuery: <T>(use: (query: Query) => Promise<T>) => Promise<T>;
}): Promise<Revalidated> {
  const { client, taskQueue, store, connectorId, withQuery } = options;
  const [quarantinedBefore, loadedBefore] = await withQuery(async (query) => [await quarantined(query), await loadedIds(query)] as const);
  // The batch with the most rows the email format rule alone held back.
  const reports = await store.qualityReports.list(connectorId, { stream: 'contact', limit: 1000 });
  const releasable = reports.map((report) => {
    const loadId = loadIdFor(connectorId, 'contact', report.batchSha256);
    const keys = [...quarantinedBefore].filter(([, q]) => q.loadId === loadId && q.reasons.join() === EMAIL_FORMAT).map(([key]) => key);
    return { report, loadId, released: keys.sort() };
  });
  const [chosen] = releasable.sort((x, y) => y.released.length - x.released.length);
  if (!chosen || chosen.released.length === 0) throw new Error('the cycle quarantined no contact for its email format alone');
  const stored = await store.qualityReports.get(chosen.report.id);
  const quarantineUri = storedReportMeta.parse(stored?.report).meta.quarantine?.uri ?? '';

  const result = await client.workflow.execute(revalidateQuarantine, {
    taskQueue,
    workflowId: uniqueName('revalidate'),
    args: [{ connectorId, qualityReportId: chosen.report.id, suite: anyEmailSuite, requestedBy: 'campaign-manager-7' }],
  });
  const [quarantinedAfter, loadedAfter] = await withQuery(async (query) => [await quarantined(query), await loadedIds(query)] as const);
  return {
    result,
    batchLoadId: chosen.loadId,
    quarantineUri,
    released: chosen.released,
    loadedBefore,
    loadedAfter,
    quarantinedBefore,
    quarantinedAfter,
  };
}
