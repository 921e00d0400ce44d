/**
 * What the Temporal server keeps of a real cycle (Salesforce simulator → DuckDB, encrypted workers
 * and client): every payload of every workflow history, fetched from the server as stored, is
 * encrypted, and no byte of any history holds an email address, a personal field value or a
 * credential. Staged batch files on disk hold none either.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import { AesGcmPayloadCodec, isEncrypted } from '../../activities/secrets/payload-codec';
import { connectWarehouse } from '../../activities/warehouses';
import { salesforceStreams } from '../../activities/sources/salesforce/definition';
import { SIMULATOR_CREDENTIALS } from '../../simulators/salesforce/server';
import { simulatedSalesforceSource } from '../../simulators/salesforce/source';
import { isSimObject } from '../../simulators/salesforce/schema';
import { eventually } from '../support/eventually';
import { useStack } from '../support/stack';
import { testDataKeys } from '../support/temporal';
import { scheduledConnector } from './scheduled-connector';

const STREAMS = ['contact', 'lead'] as const;
/** Shorter values could turn up in random ciphertext by chance; 8 bytes cannot. */
const MIN_NEEDLE_BYTES = 8;
/** The key of a patch marker's details, as Temporal's core (sdk-core PATCHED_MARKER_DETAILS_KEY) writes it. */
const PATCH_MARKER_DETAILS = 'patch-data';

/** Everything in a history: payloads, every byte string (payload data and metadata), every text field. */
interface HistoryBytes {
  payloads: Payload[];
  /** Payloads the server indexes itself (search attributes): plain by design, searched like the rest. */
  indexed: Payload[];
  /**
   * The details of patched()'s markers: Temporal's core writes them (the patch id) after the codec, so
   * they are plain by design; they must hold a patch id and nothing else.
   */
  patchMarkers: Payload[];
  blobs: Buffer[];
  texts: string[];
}

function collect(value: unknown, into: HistoryBytes, key = ''): void {
  if (value instanceof Uint8Array) {
    into.blobs.push(Buffer.from(value));
  } else if (typeof value === 'string') {
    into.texts.push(value);
    into.blobs.push(Buffer.from(value, 'utf8'));
  } else if (Array.isArray(value)) {
    value.forEach((item) => collect(item, into, key));
  } else if (typeof value === 'object' && value !== null) {
    const payload = payloadShape.safeParse(value);
    if (payload.success)
      (key === 'indexedFields' ? into.indexed : key === PATCH_MARKER_DETAILS ? into.patchMarkers : into.payloads).push(payload.data);
    const sticky = key === 'indexedFields' || key === PATCH_MARKER_DETAILS;
    for (const [child, nested] of Object.entries(value)) collect(nested, into, sticky ? key : child);
  }
}
const payloadShape = z.object({ metadata: z.record(z.string(), z.instanceof(Uint8Array)), data: z.instanceof(Uint8Array).nullish() });

describe('workflow histories on the server hold no personal data or secret', () => {
  const stack = useStack({ name: 'history-privacy', encrypted: true, salesforce: { contacts: 200, deletedRate: 0, seed: 11 } });

  async function runCycle(connectorId: string): Promise<string> {
    const workflowId = await stack.startCycle(connectorId);
    await stack.client.workflow.getHandle(workflowId).result();
    return workflowId;
  }

  /** The history exactly as the server stores it: no codec between the server and these bytes. */
  async function storedHistory(workflowId: string, runId: string): Promise<HistoryBytes> {
    const bytes: HistoryBytes = { payloads: [], indexed: [], patchMarkers: [], blobs: [], texts: [] };
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await stack.env.connection.workflowService.getWorkflowExecutionHistory({
        namespace: stack.env.namespace ?? 'default',
        execution: { workflowId, runId },
        nextPageToken,
      });
      collect(page.history?.events ?? [], bytes);
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return bytes;
  }

  /** Personal values of the simulated org (the stream definitions say which fields are personal). */
  function personalValues(): string[] {
    const values = STREAMS.flatMap((name) => {
      const stream = salesforceStreams[name];
      const fields = stream.columns.filter((column) => column.personal).map((column) => column.sourceField ?? column.name);
      if (!isSimObject(stream.sobject)) throw new Error(`the simulator has no ${stream.sobject}`);
      return stack.salesforce.records(stream.sobject).flatMap((record) => fields.map((field) => record[field]));
    });
    return [
      ...new Set(values.filter((value): value is string => typeof value === 'string' && Buffer.byteLength(value) >= MIN_NEEDLE_BYTES)),
    ];
  }

  test('a real cycle leaves only encrypted payloads, and no email, personal value or credential, in any history', async () => {
    const connectorId = await stack.createConnector(
      scheduledConnector('Salesforce to DuckDB, encrypted', {
        source: simulatedSalesforceSource(stack.salesforce.url, { streams: [...STREAMS] }),
        destination: { kind: 'duckdb', schema: 'marketing' },
        guardrails: { maxInvalidShare: 0.5, schemaChangePolicy: 'approve' },
      }),
    );
    const cycleId = await runCycle(connectorId);

    // The cycle did real work with the data it must not leak: rows reached the warehouse.
    const warehouse = await connectWarehouse({ kind: 'duckdb', schema: 'marketing' }, stack.dataDir);
    const [loaded] = await warehouse.query('select count(*) as n from marketing.salesforce_contact').finally(() => warehouse.close());
    expect(Number(loaded?.n)).toBeGreaterThan(0);

    const executions = await eventually('the cycle and its children in visibility', async () => {
      const found: { workflowId: string; runId: string }[] = [];
      for await (const execution of stack.client.workflow.list({ query: `TaskQueue = "${stack.taskQueue}"` })) found.push(execution);
      return found.some((execution) => execution.workflowId === cycleId) ? found : undefined;
    });
    const histories = await Promise.all(executions.map((execution) => storedHistory(execution.workflowId, execution.runId)));
    const payloads = histories.flatMap((history) => history.payloads);
    const blobs = histories.flatMap((history) => [...history.blobs, ...history.indexed.flatMap((p) => [Buffer.from(p.data ?? [])])]);

    expect(payloads.length).toBeGreaterThan(executions.length);
    expect(payloads.filter((payload) => !isEncrypted(payload))).toEqual([]);
    const patchMarker = z.strictObject({ id: z.string().regex(/^[a-z0-9-]+$/), deprecated: z.boolean() });
    for (const marker of histories.flatMap((history) => history.patchMarkers)) {
      expect(patchMarker.safeParse(JSON.parse(Buffer.from(marker.data ?? []).toString('utf8'))).success).toBe(true);
    }

    const needles = [...personalValues(), SIMULATOR_CREDENTIALS.password, SIMULATOR_CREDENTIALS.clientSecret, stack.adminKey];
    expect(needles.filter((value) => value.includes('@')).length).toBeGreaterThan(100);
    const leaked = needles.filter((needle) => blobs.some((blob) => blob.includes(needle)));
    expect(leaked).toEqual([]);
    // Text fields (ids, types, failure messages) are not encrypted: no address of any kind belongs there.
    const emailLike = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
    expect(histories.flatMap((history) => history.texts).filter((text) => emailLike.test(text))).toEqual([]);

    // The same search does find what the payloads carry once decrypted: it would have seen a leak.
    const decoded = await new AesGcmPayloadCodec(testDataKeys).decode(payloads);
    expect(decoded.some((payload) => Buffer.from(payload.data ?? []).includes(connectorId))).toBe(true);
  }, 120_000);

  test('staged batch files on disk hold no email address either', async () => {
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else files.push(full);
      }
    };
    await walk(path.join(stack.dataDir, 'staging'));
    expect(files.filter((file) => file.endsWith('.ndjson')).length).toBeGreaterThan(0);
    const contents = await Promise.all(files.map((file) => readFile(file)));
    const emails = personalValues().filter((value) => value.includes('@'));
    expect(files.filter((_, i) => emails.some((email) => contents[i]?.includes(email)))).toEqual([]);
  });
});
