/**
 * Re-validating a quarantined batch on the real pieces, once per destination: a cycle from the
 * Salesforce simulator (real jsforce) quarantines the flawed contacts; a manager then relaxes the
 * suite and asks again, and the warehouse's table, quarantine and ledger are checked.
 */
import { WorkflowFailedError } from '@temporalio/client';
import contactSuite from '../../activities/sources/salesforce/suites/contact.json';
import { openStore } from '../../activities/store';
import { createConnectorSchema } from '../../domain/connector';
import type { QuarantineRevalidation } from '../../domain/messages';
import { startBigQuerySimulator } from '../../simulators/bigquery/server';
import { startRedshiftSimulator } from '../../simulators/redshift/server';
import { simulatedSalesforceSource } from '../../simulators/salesforce/source';
import { SIMULATOR_USER, startSnowflakeSimulator } from '../../simulators/snowflake/server';
import { ingestionCycle, revalidateQuarantine } from '../../workflows';
import { createFreshDatabase, startPostgres } from '../store/postgres';
import { useStack, type SuiteDestination } from '../support/stack';
import { uniqueName } from '../support/temporal';
import { redshiftAt, snowflakeAt } from '../warehouses/simulated';

// No probe of the GCE metadata server: nothing leaves loopback.
process.env.METADATA_SERVER_DETECTION = 'none';

const postgres = startPostgres();

/** Every destination that can run here; PostgreSQL and the Redshift simulator need a PostgreSQL server. */
const destinations: [string, () => Promise<SuiteDestination>][] = [
  ['DuckDB', async () => ({ config: { kind: 'duckdb', schema: 'marketing' }, stop: async () => undefined })],
  [
    'Snowflake (simulator)',
    async () => {
      const simulator = await startSnowflakeSimulator({ users: [SIMULATOR_USER] });
      return {
        config: snowflakeAt(simulator, { stageThresholdRows: 10_000 }),
        stop: () => simulator.stop(),
      };
    },
  ],
  [
    'BigQuery (simulator)',
    async () => {
      const simulator = await startBigQuerySimulator();
      return {
        config: { kind: 'bigquery', projectId: 'insight-hub-revalidate', schema: 'marketing', location: 'US', apiEndpoint: simulator.url },
        stop: () => simulator.stop(),
      };
    },
  ],
];
if (postgres.available) {
  const adminUrl = postgres.adminUrl;
  destinations.push(
    [
      'PostgreSQL',
      async () => {
        const database = await createFreshDatabase(adminUrl);
        return { config: { kind: 'postgres', url: database.url, schema: 'marketing' }, stop: () => database.drop() };
      },
    ],
    [
      'Redshift (simulator)',
      async () => {
        const accessKeyId = 'AKIDREVALIDATE';
        const simulator = await startRedshiftSimulator({ postgresUrl: adminUrl, accessKeyIds: [accessKeyId] });
        return {
          config: redshiftAt(simulator, accessKeyId),
          stop: () => simulator.stop(),
        };
      },
    ],
  );
} else {
  test.skip(`re-validation on PostgreSQL and Redshift (skipped: ${postgres.reason})`, () => undefined);
}

/** The store as the worker uses it, noting the id of each quality report it saves (the API would list them). */
async function reportNotingStore() {
  const store = await openStore({});
  const reportIds: { stream: string; id: string }[] = [];
  const { qualityReports } = store;
  const noting = {
    ...qualityReports,
    async save(entry: Parameters<typeof qualityReports.save>[0]): Promise<string> {
      const id = await qualityReports.save(entry);
      reportIds.push({ stream: entry.stream, id });
      return id;
    },
  };
  return Object.assign(store, { reportIds, qualityReports: noting });
}

const EMAIL_FORMAT = 'match_regex(email)';
const ACTIVE_FLAG = 'in_set(is_active)';

/** The default contact suite without the email format rule, and maybe without the active-contact rule. */
const relaxedSuite = (alsoActiveFlag: boolean) => ({
  name: alsoActiveFlag ? 'salesforce.contact, any email, inactive too' : 'salesforce.contact, any email',
  expectations: contactSuite.expectations.filter(
    (e) => e.type !== 'expect_column_values_to_match_regex' && (!alsoActiveFlag || e.type !== 'expect_column_values_to_be_in_set'),
  ),
});

/** Quarantined rows whose every reason is a dropped rule: they pass the relaxed suite. */
const passingWithout = (quarantine: Map<string, string[]>, dropped: string[]) =>
  [...quarantine]
    .filter(([, reasons]) => reasons.every((reason) => dropped.includes(reason)))
    .map(([id]) => id)
    .sort();

/** What the quarantine should hold after: the rows not released, without the dropped rules among their reasons. */
const withoutRules = (quarantine: Map<string, string[]>, released: string[], dropped: string[]) =>
  new Map(
    [...quarantine].filter(([id]) => !released.includes(id)).map(([id, reasons]) => [id, reasons.filter((r) => !dropped.includes(r))]),
  );

describe.each(destinations)('re-validating a quarantined batch in %s', (_name, startDestination) => {
  const stack = useStack(
    {
      name: 'revalidate-it',
      destination: startDestination,
      salesforce: { contacts: 800, deletedRate: 0, seed: 11, flawRates: { 'misaligned-email': 0.05 } },
      api: false,
    },
    reportNotingStore,
  );
  const { warehouseRows } = stack;
  let connectorId: string;
  let contactReportId: string;

  beforeAll(async () => {
    const simulator = stack.salesforce;
    // The simulator plants one flaw per record: a few misaligned emails get a second one.
    const misaligned = simulator.groundTruth('Contact').filter((t) => t.flaws.join() === 'misaligned-email');
    for (const { id } of misaligned.slice(0, 3)) simulator.updateRecord('Contact', id, { Active__c: false });
    const { store, taskQueue } = stack;

    const connector = await store.connectors.create(
      createConnectorSchema.parse({
        userId: 'marketing-ops',
        name: 'Salesforce contacts',
        configuration: {
          source: simulatedSalesforceSource(simulator.url),
          destination: stack.destination,
          guardrails: { maxInvalidShare: 0.5 },
        },
      }),
    );
    connectorId = connector.id;
    const cycle = await stack.client.workflow.execute(ingestionCycle, {
      taskQueue,
      workflowId: uniqueName('cycle'),
      args: [{ connectorId, trigger: 'manual' }],
    });
    expect(cycle.status).toBe('completed');
    const contactReports = store.reportIds.filter((r) => r.stream === 'contact');
    expect(contactReports).toHaveLength(1);
    contactReportId = contactReports[0]?.id ?? '';
  }, 180_000);

  const loadedIds = async (): Promise<string[]> =>
    (await warehouseRows('select id from marketing.salesforce_contact')).map((row) => String(row.id)).sort();

  /** Quarantined contacts: key → reasons. */
  async function quarantinedReasons(): Promise<Map<string, string[]>> {
    const rows = await warehouseRows("select record_key, reasons from marketing._ih_quarantine where stream = 'contact'");
    return new Map(rows.map((row) => [String(row.record_key), Array.isArray(row.reasons) ? row.reasons.map(String) : []]));
  }

  const revalidate = (suite: unknown): Promise<QuarantineRevalidation> =>
    stack.client.workflow.execute(revalidateQuarantine, {
      taskQueue: stack.taskQueue,
      workflowId: uniqueName('revalidate'),
      args: [{ connectorId, qualityReportId: contactReportId, suite, requestedBy: 'campaign-manager-7' }],
    });

  /** Released rows still pass the consent screen: inactive and opted-out contacts stay out of the table. */
  const consented = (ids: string[]): string[] => {
    const withheld = new Set(
      stack.salesforce
        .records('Contact')
        .filter((r) => r.Active__c === false || r.HasOptedOutOfEmail === true)
        .map((r) => String(r.Id)),
    );
    return ids.filter((id) => !withheld.has(id));
  };

  test('without the email format rule, exactly the rows it alone held back are loaded; the others stay with their other reasons', async () => {
    const quarantineBefore = await quarantinedReasons();
    const idsBefore = await loadedIds();
    const released = passingWithout(quarantineBefore, [EMAIL_FORMAT]);
    expect(released.length).toBeGreaterThan(0);
    const alsoInactive = [...quarantineBefore]
      .filter(([, reasons]) => reasons.join() === `${EMAIL_FORMAT},${ACTIVE_FLAG}`)
      .map(([id]) => id);
    expect(alsoInactive).toHaveLength(3);
    const truth = new Map(stack.salesforce.groundTruth('Contact').map((t) => [t.id, t.flaws]));
    for (const id of released) expect(truth.get(id)).toEqual(['misaligned-email']);

    const result = await revalidate(relaxedSuite(false));

    expect(result).toMatchObject({
      outcome: 'applied',
      stream: 'contact',
      evaluated: quarantineBefore.size,
      released: released.length,
      stillQuarantined: quarantineBefore.size - released.length,
      merged: consented(released).length,
    });
    expect(await loadedIds()).toEqual([...idsBefore, ...consented(released)].sort());
    const quarantineAfter = await quarantinedReasons();
    expect(quarantineAfter).toEqual(withoutRules(quarantineBefore, released, [EMAIL_FORMAT]));
    for (const id of alsoInactive) expect(quarantineAfter.get(id)).toEqual([ACTIVE_FLAG]);
    const ledger = await warehouseRows(
      `select rows_merged, rows_quarantined from marketing._ih_load_ledger where load_id = '${result.loadId}'`,
    );
    expect(ledger.map((row) => [Number(row.rows_merged), Number(row.rows_quarantined)])).toEqual([
      [consented(released).length, result.stillQuarantined],
    ]);

    const audit = (await stack.store.audit.list(connectorId)).find((a) => a.activityType === 'quarantine.revalidated');
    expect(audit?.details).toMatchObject({
      requestedBy: 'campaign-manager-7',
      suiteName: result.suiteName,
      qualityReportId: contactReportId,
      outcome: 'applied',
    });
    expect(audit?.metrics).toMatchObject({ released: released.length, stillQuarantined: result.stillQuarantined });
  }, 120_000);

  test('the same request again changes nothing', async () => {
    const snapshot = () =>
      Promise.all([
        loadedIds(),
        warehouseRows(
          "select record_key, reasons, load_id, quarantined_at from marketing._ih_quarantine where stream = 'contact' order by record_key",
        ),
        warehouseRows('select load_id from marketing._ih_load_ledger order by load_id'),
      ]);
    const before = await snapshot();

    const result = await revalidate(relaxedSuite(false));

    expect(result).toMatchObject({ outcome: 'already-applied', released: 0, merged: 0, stillQuarantined: before[1].length });
    expect(await snapshot()).toEqual(before);
  }, 120_000);

  test('a further relaxed suite judges only the rows still quarantined', async () => {
    const quarantineBefore = await quarantinedReasons();
    const idsBefore = await loadedIds();
    const dropped = [EMAIL_FORMAT, ACTIVE_FLAG];
    const released = passingWithout(quarantineBefore, dropped);
    expect(released.length).toBeGreaterThan(3);

    const result = await revalidate(relaxedSuite(true));

    expect(result).toMatchObject({
      outcome: 'applied',
      evaluated: quarantineBefore.size,
      released: released.length,
      merged: consented(released).length,
    });
    // The three inactive contacts were released by the suite but kept out by consent.
    expect(consented(released).length).toBeLessThanOrEqual(released.length - 3);
    expect(await loadedIds()).toEqual([...idsBefore, ...consented(released)].sort());
    expect(await quarantinedReasons()).toEqual(withoutRules(quarantineBefore, released, dropped));
  }, 120_000);

  test('a bad suite is refused, naming the field and the rule, and changes nothing', async () => {
    const idsBefore = await loadedIds();
    const broken = {
      name: 'broken',
      expectations: [{ type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '([a-z' } }],
    };

    const refused = await revalidate(broken).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(WorkflowFailedError);
    const cause = refused instanceof WorkflowFailedError ? refused.cause?.cause : undefined;
    expect(cause).toMatchObject({
      type: 'config-error',
      message: expect.stringMatching(/expectations\[0\]\.kwargs\.regex: must be a valid regular expression/),
    });
    expect(await loadedIds()).toEqual(idsBefore);
  }, 60_000);
});
