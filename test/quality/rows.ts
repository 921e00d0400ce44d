/** Hand-built Salesforce rows for the quality tests: clean by default, each flaw an explicit override. */
import type { Row } from '../../activities/sources/types';

export const RUN_TIME = new Date('2026-03-01T12:00:00.000Z');
const DAY_MS = 86_400_000;

/** An ISO timestamp `days` before the run time, in Salesforce's own `+0000` form. */
export const daysAgo = (days: number): string => new Date(RUN_TIME.getTime() - days * DAY_MS).toISOString().replace('Z', '+0000');

const system = (prefix: string, n: number): Row => ({
  id: `${prefix}${String(n).padStart(15, '0')}`,
  created_at: daysAgo(400 + n),
  system_modstamp: daysAgo(n % 30),
  is_deleted: false,
});

export const contactRow = (n: number, overrides: Row = {}): Row => ({
  ...system('003', n),
  customer_id: `CUST-${100_000 + n}`,
  first_name: 'Ada',
  last_name: `Lovelace${n}`,
  email: `ada.lovelace${n}@example.com`,
  phone: '+1 415-555-0100',
  is_active: true,
  ...overrides,
});

export const leadRow = (n: number, overrides: Row = {}): Row => ({
  ...system('00Q', n),
  customer_id: `PROS-${100_000 + n}`,
  last_name: `Hopper${n}`,
  email: `grace.hopper${n}@example.org`,
  company: 'Acme',
  status: 'Open - Not Contacted',
  is_active: true,
  ...overrides,
});

export const opportunityRow = (n: number, overrides: Row = {}): Row => ({
  ...system('006', n),
  name: `Acme — Widgets ${n}`,
  stage_name: 'Prospecting',
  amount: 12_500,
  probability: 10,
  close_date: '2026-06-30',
  ...overrides,
});

export const campaignMemberRow = (n: number, overrides: Row = {}): Row => ({
  ...system('00v', n),
  campaign_id: '701000000000001',
  contact_id: `003${String(n).padStart(15, '0')}`,
  lead_id: null,
  status: 'Sent',
  ...overrides,
});
