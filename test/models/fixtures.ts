/**
 * Demo-like rows for the model tests, as the sources' mappers land them: Jane is in Salesforce twice
 * (two contacts with one customer id, one lead with her address in another case), in SendGrid and in
 * Zendesk; Bob is a contact, a second contact with his customer id and a lead with that one's address; Olive opted out of email in one record of hers; a stranger is an
 * address SendGrid mailed that the CRM does not know. People are made up; addresses use example.com.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { streamDefinition } from '../../domain/sources';
import type { SourceKind } from '../../domain/connector';
import type { Row } from '../../activities/sources/types';
import type { Warehouse } from '../../activities/warehouses/types';

/** A Salesforce row as its mapper lands it: the system columns set, the changes given, every other column null. */
const salesforceRow = (streamName: string, id: string, createdAt: string, modifiedAt: string, changes: Row): Row => ({
  ...Object.fromEntries(streamDefinition('salesforce', streamName).columns.map((column) => [column.name, null])),
  id,
  created_at: createdAt,
  system_modstamp: modifiedAt,
  is_deleted: false,
  is_active: true,
  last_modified_at: modifiedAt,
  ...changes,
});

const contact = (id: string, changes: Row): Row =>
  salesforceRow('contact', id, '2026-01-10T08:00:00.000Z', '2026-02-01T08:00:00.000Z', { has_opted_out_of_email: false, ...changes });

const lead = (id: string, changes: Row): Row =>
  salesforceRow('lead', id, '2026-01-05T08:00:00.000Z', '2026-01-20T08:00:00.000Z', {
    status: 'Open',
    lead_source: 'Web',
    is_converted: false,
    ...changes,
  });

const event = (id: string, email: string, kind: string, at: string, campaignId: string | null): Row => ({
  sg_event_id: id,
  event: kind,
  email,
  event_time: at,
  received_at: at,
  age_at_receipt_seconds: 1,
  sg_message_id: `msg-${id}`,
  custom_args: campaignId ? { campaign_id: campaignId } : null,
  marketing_campaign_id: '12001',
});

export const CONTACTS: Row[] = [
  contact('003A', {
    customer_id: 'CUST-1',
    first_name: 'Jane',
    last_name: 'Doe',
    email: 'Jane.Doe@Example.com',
    account_id: 'ACC-1',
    title: 'CMO',
    mailing_country: 'FR',
    last_modified_at: '2026-03-01T10:00:00.000Z',
  }),
  // Jane's duplicate: the same customer id, an older change, another first name.
  contact('003B', { customer_id: 'CUST-1', first_name: 'Janet', last_name: 'Doe', email: 'jane.doe@example.com', account_id: 'ACC-1' }),
  contact('003C', { customer_id: 'CUST-2', first_name: 'Bob', last_name: 'Stone', email: 'bob@example.com', mailing_country: 'DE' }),
  // Bob's second contact shares his customer id; his lead shares only that contact's address: two links from him.
  contact('003E', { customer_id: 'CUST-2', first_name: 'Robert', last_name: 'Stone', email: 'bob.work@example.com' }),
  contact('003D', {
    customer_id: 'CUST-3',
    first_name: 'Olive',
    last_name: 'Out',
    email: 'olive@example.com',
    has_opted_out_of_email: true,
  }),
];

export const LEADS: Row[] = [
  // Jane again, found by her address alone.
  lead('00QA', { first_name: 'Jane', last_name: 'Doe', email: 'JANE.DOE@example.com', company: 'Acme' }),
  lead('00QC', { first_name: 'Rob', last_name: 'Stone', email: 'Bob.Work@example.com', company: 'Stone & Co' }),
  // Olive's other record consents, but she is one person: she stays out.
  lead('00QB', { customer_id: 'CUST-3', first_name: 'Olive', last_name: 'Out', email: 'olive.work@example.com' }),
];

export const EVENTS: Row[] = [
  event('e1', 'JANE.DOE@example.com', 'delivered', '2026-03-02T09:00:00.000Z', '701X'),
  event('e2', 'jane.doe@example.com', 'open', '2026-03-02T09:30:00.000Z', '701X'),
  event('e3', 'jane.doe@example.com', 'click', '2026-03-02T09:31:00.000Z', '701X'),
  event('e4', 'bob@example.com', 'delivered', '2026-03-02T09:00:00.000Z', '701X'),
  event('e5', 'stranger@example.com', 'delivered', '2026-03-02T09:00:00.000Z', '701X'),
  // Jane's second delivery the same day: reach still counts her once.
  event('e6', 'jane.doe@example.com', 'delivered', '2026-03-02T15:00:00.000Z', '701X'),
  event('e7', 'olive@example.com', 'open', '2026-03-02T10:00:00.000Z', '701X'),
];

const ticket = (id: number, email: string, status: string, score: number | null, at: string): Row => ({
  id,
  created_at: at,
  updated_at: at,
  status,
  sentiment_score: score,
  is_deleted: false,
  subject: 'Question',
  requester_email: email,
  tags: [],
});

export const TICKETS: Row[] = [
  ticket(501, 'Jane.Doe@example.com', 'solved', 1, '2026-03-03T12:00:00.000Z'),
  ticket(502, 'jane.doe@example.com', 'open', -0.25, '2026-03-03T16:00:00.000Z'),
  ticket(503, 'olive@example.com', 'open', -0.25, '2026-03-03T12:00:00.000Z'),
];

const member = (id: string, campaignId: string, who: { contact_id?: string; lead_id?: string }, at: string): Row => ({
  id,
  created_at: at,
  system_modstamp: at,
  is_deleted: false,
  campaign_id: campaignId,
  contact_id: who.contact_id ?? null,
  lead_id: who.lead_id ?? null,
  status: 'Sent',
  last_modified_at: at,
});

export const MEMBERS: Row[] = [
  member('00vA', '701X', { contact_id: '003B' }, '2026-03-01T08:00:00.000Z'),
  member('00vB', '701Y', { lead_id: '00QA' }, '2026-03-01T09:00:00.000Z'),
  member('00vC', '701X', { contact_id: '003C' }, '2026-03-01T10:00:00.000Z'),
];

export const OPPORTUNITIES: Row[] = [
  {
    id: '006A',
    created_at: '2026-03-02T11:00:00.000Z',
    system_modstamp: '2026-03-05T11:00:00.000Z',
    is_deleted: false,
    account_id: 'ACC-1',
    name: 'Acme renewal',
    stage_name: 'Closed Won',
    amount: 5000,
    close_date: '2026-03-05',
    campaign_id: '701X',
    last_modified_at: '2026-03-05T11:00:00.000Z',
  },
];

/** Loads rows into a stream's table the way a cycle does: a staged NDJSON file merged under a load id. */
export async function landRows(
  warehouse: Warehouse,
  dir: string,
  source: SourceKind,
  streamName: string,
  rows: readonly Row[],
): Promise<void> {
  const stream = streamDefinition(source, streamName);
  await warehouse.ensureTable(stream);
  const body = rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
  const loadId = createHash('sha256').update(`${stream.table}\n${body}`).digest('hex');
  const file = path.join(dir, `${loadId}.ndjson`);
  await writeFile(file, body);
  await warehouse.load({ connectorId: `${source}-connector`, source, stream, loadId, cleanFile: file, quarantineFile: null });
}

/** Every source's rows of the scenario. */
/** The campaign the scenario's members, mail and opportunity are of (701Y's record is not loaded). */
export const CAMPAIGNS: Row[] = [
  {
    id: '701X',
    created_at: '2026-02-20T09:00:00.000Z',
    system_modstamp: '2026-02-20T09:00:00.000Z',
    is_deleted: false,
    name: 'Spring launch',
    type: 'Email',
    status: 'In Progress',
    campaign_active: true,
    last_modified_at: '2026-02-20T09:00:00.000Z',
  },
];

export async function landScenario(warehouse: Warehouse, dir: string): Promise<void> {
  await landRows(warehouse, dir, 'salesforce', 'contact', CONTACTS);
  await landRows(warehouse, dir, 'salesforce', 'lead', LEADS);
  await landRows(warehouse, dir, 'salesforce', 'campaign_member', MEMBERS);
  await landRows(warehouse, dir, 'salesforce', 'opportunity', OPPORTUNITIES);
  await landRows(warehouse, dir, 'salesforce', 'campaign', CAMPAIGNS);
  await landRows(warehouse, dir, 'sendgrid', 'events', EVENTS);
  await landRows(warehouse, dir, 'zendesk', 'tickets', TICKETS);
}
