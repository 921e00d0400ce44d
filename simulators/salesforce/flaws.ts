/**
 * The data problems the marketing spec complains about, planted at exact, known rates so that tests
 * can compare what the quality gate quarantines with the truth. Every flawed record carries one
 * flaw, except that both contacts of a duplicate pair carry `duplicate-customer-id`.
 *
 * | flaw                      | objects        | what the record looks like                       |
 * |---------------------------|----------------|--------------------------------------------------|
 * | duplicate-customer-id     | Contact, Lead  | Customer_Id__c equal to another record's          |
 * | null-customer-id          | Contact, Lead  | Customer_Id__c null                               |
 * | null-email                | Contact, Lead  | Email null                                        |
 * | null-last-name            | Contact, Lead  | LastName null                                     |
 * | misaligned-email          | Contact, Lead  | a phone number in Email (Contact: Email/Phone swapped) |
 * | created-date-too-old      | all            | CreatedDate between 1995 and 2005                 |
 * | created-date-in-future    | all            | CreatedDate 30 to 400 days after the org's now    |
 * | inactive                  | Contact, Lead  | Active__c false                                   |
 * | probability-out-of-range  | Opportunity    | Probability below 0 or above 100                  |
 */
import type { Random } from './random';
import { iso, phoneNumber, toSecond } from './records';
import type { FieldValue, SimObjectName } from './schema';

export const FLAWS = [
  'duplicate-customer-id',
  'null-customer-id',
  'null-email',
  'null-last-name',
  'misaligned-email',
  'created-date-too-old',
  'created-date-in-future',
  'inactive',
  'probability-out-of-range',
] as const;
export type Flaw = (typeof FLAWS)[number];

const PERSON_FLAWS: readonly Flaw[] = FLAWS.filter((f) => f !== 'probability-out-of-range');
const TIMESTAMP_FLAWS: readonly Flaw[] = ['created-date-too-old', 'created-date-in-future'];

export const FLAWS_BY_OBJECT: Record<SimObjectName, readonly Flaw[]> = {
  Contact: PERSON_FLAWS,
  Lead: PERSON_FLAWS,
  Opportunity: ['probability-out-of-range', ...TIMESTAMP_FLAWS],
  CampaignMember: TIMESTAMP_FLAWS,
  Campaign: TIMESTAMP_FLAWS,
  Account: TIMESTAMP_FLAWS,
};

/** Share of an object's records given each flaw (for duplicates: the share that are copies). */
export const DEFAULT_FLAW_RATES: Readonly<Record<Flaw, number>> = {
  'duplicate-customer-id': 0.02,
  'null-customer-id': 0.01,
  'null-email': 0.015,
  'null-last-name': 0.01,
  'misaligned-email': 0.01,
  'created-date-too-old': 0.005,
  'created-date-in-future': 0.005,
  inactive: 0.04,
  'probability-out-of-range': 0.01,
};

export const DEFAULT_DELETED_RATE = 0.005;

type Fields = Record<string, FieldValue>;
const DAY_MS = 86_400_000;

/** How each flaw (but the duplicate, which needs a partner) damages a record. */
export const damage: Record<Exclude<Flaw, 'duplicate-customer-id'>, (record: Fields, random: Random, now: number) => Fields> = {
  'null-customer-id': () => ({ Customer_Id__c: null }),
  'null-email': () => ({ Email: null }),
  'null-last-name': () => ({ LastName: null }),
  'misaligned-email': (record, random): Fields =>
    'Phone' in record ? { Email: record.Phone ?? null, Phone: record.Email ?? null } : { Email: phoneNumber(random) },
  'created-date-too-old': (_, random) => ({
    CreatedDate: iso(toSecond(Date.UTC(1995, 0, 1) + random.next() * (Date.UTC(2005, 11, 31) - Date.UTC(1995, 0, 1)))),
  }),
  'created-date-in-future': (_, random, now) => ({ CreatedDate: iso(toSecond(now + random.int(30, 400) * DAY_MS)) }),
  inactive: () => ({ Active__c: false }),
  'probability-out-of-range': (_, random) => ({ Probability: random.pick([-10, 120, 150, 250]) }),
};

export interface FlawPlan {
  /** Record index → its flaws. */
  readonly flaws: ReadonlyMap<number, Flaw[]>;
  /** [copy, original] record indexes sharing one Customer_Id__c. */
  readonly duplicates: readonly (readonly [number, number])[];
  readonly deleted: ReadonlySet<number>;
}

/** Picks disjoint sets of records for each flaw and for deletion, in a seeded random order. */
export function planFlaws(
  object: SimObjectName,
  size: number,
  random: Random,
  rates: Readonly<Record<Flaw, number>>,
  deletedRate: number,
): FlawPlan {
  const order = random.shuffled(Array.from({ length: size }, (_, i) => i));
  let next = 0;
  const take = (share: number): number[] => {
    const count = Math.round(share * size);
    if (next + count > size) throw new Error(`flaw and deletion rates for ${object} add up to more than 100%`);
    next += count;
    return order.slice(next - count, next);
  };
  const flaws = new Map<number, Flaw[]>();
  const duplicates: [number, number][] = [];
  for (const flaw of FLAWS_BY_OBJECT[object]) {
    const chosen = take(rates[flaw]);
    for (const index of chosen) flaws.set(index, [flaw]);
    if (flaw !== 'duplicate-customer-id') continue;
    for (const [i, original] of take(rates[flaw]).entries()) {
      const copy = chosen[i];
      if (copy === undefined) continue;
      duplicates.push([copy, original]);
      flaws.set(original, [flaw]);
    }
  }
  return { flaws, duplicates, deleted: new Set(take(deletedRate)) };
}
