/**
 * A deterministic marketing org: the same seed, "now" and counts always give the same records and
 * the same ground truth (which record carries which flaw, which is deleted).
 */
import { damage, planFlaws, type Flaw } from './flaws';
import { Random } from './random';
import { makeRecord, toSecond, type RecordContext } from './records';
import { objectSchemas, sfId, SIM_OBJECTS, type FieldValue, type SimObjectName, type SimRecord } from './schema';

export interface OrgShape {
  readonly seed: number;
  /** Epoch ms; every generated timestamp is relative to it. */
  readonly now: number;
  readonly counts: Readonly<Record<SimObjectName, number>>;
  readonly flawRates: Readonly<Record<Flaw, number>>;
  readonly deletedRate: number;
}

export interface TruthEntry {
  id: string;
  flaws: Flaw[];
  deleted: boolean;
}

export interface GeneratedObject {
  records: SimRecord[];
  truth: TruthEntry[];
}

const SPREAD_MS = 30 * 86_400_000;
const RECORDS_PER_STAMP = 8;

/**
 * Modification times over the last 30 days, about eight records per distinct second, as after bulk
 * imports: incremental reads must break ties on Id.
 */
function modstampPicker(size: number, now: number, random: Random): () => number {
  const stamps = Math.max(1, Math.ceil(size / RECORDS_PER_STAMP));
  const step = Math.max(1000, toSecond(SPREAD_MS / stamps));
  const latest = toSecond(now) - 60_000;
  return () => latest - random.int(0, stamps - 1) * step;
}

function generateObject(object: SimObjectName, shape: OrgShape): GeneratedObject {
  // One stream of randomness per object, so resizing one object leaves the others unchanged.
  const random = new Random(shape.seed * 4 + SIM_OBJECTS.indexOf(object));
  const ctx: RecordContext = { random, now: shape.now, counts: shape.counts };
  const size = shape.counts[object];
  const stamp = modstampPicker(size, shape.now, random);
  const fields: Record<string, FieldValue>[] = Array.from({ length: size }, (_, i) => ({
    ...makeRecord(object, i + 1, stamp(), ctx),
  }));
  const plan = planFlaws(object, size, random, shape.flawRates, shape.deletedRate);
  for (const [index, flaws] of plan.flaws) {
    const record = fields[index];
    for (const flaw of flaws) {
      if (record && flaw !== 'duplicate-customer-id') Object.assign(record, damage[flaw](record, random, shape.now));
    }
  }
  for (const [copy, original] of plan.duplicates) {
    const target = fields[copy];
    if (target) target.Customer_Id__c = fields[original]?.Customer_Id__c ?? null;
  }
  for (const index of plan.deleted) {
    const record = fields[index];
    if (record) record.IsDeleted = true;
  }
  const truth = fields.map((_, i) => ({
    id: sfId(objectSchemas[object].idPrefix, i + 1),
    flaws: plan.flaws.get(i) ?? [],
    deleted: plan.deleted.has(i),
  }));
  return { records: fields, truth };
}

export function generateOrg(shape: OrgShape): Record<SimObjectName, GeneratedObject> {
  return {
    Contact: generateObject('Contact', shape),
    Lead: generateObject('Lead', shape),
    Opportunity: generateObject('Opportunity', shape),
    CampaignMember: generateObject('CampaignMember', shape),
    Campaign: generateObject('Campaign', shape),
    Account: generateObject('Account', shape),
  };
}
