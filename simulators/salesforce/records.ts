/** Clean, realistic records of each object; flaws.ts then damages a known share of them. */
import type { Random } from './random';
import { objectSchemas, sfId, type FieldValue, type SimObjectName, type SimRecord } from './schema';
import * as words from './vocabulary';

const DAY_MS = 86_400_000;
export const iso = (ms: number): string => new Date(ms).toISOString();
/** Salesforce keeps second precision, which is why many records share one SystemModstamp. */
export const toSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** What a record may point at: the sizes of the other objects, so references resolve. */
export interface RecordContext {
  readonly random: Random;
  /** The org's "now": the generator is a pure function of the seed and this instant. */
  readonly now: number;
  readonly counts: Readonly<Record<SimObjectName, number>>;
}

/** A record of `object` that exists in the org: references resolve. */
function someId(ctx: RecordContext, object: 'Account' | 'Campaign'): string {
  return sfId(objectSchemas[object].idPrefix, ctx.random.int(1, Math.max(1, ctx.counts[object])));
}

/** Names as they appear in email addresses (Müller → muller); cached, as normalize is slow. */
const emailParts = new Map<string, string>();
function asciiLetters(name: string): string {
  let ascii = emailParts.get(name);
  if (ascii === undefined) {
    ascii = name
      .normalize('NFD')
      .replace(/[^A-Za-z]/g, '')
      .toLowerCase();
    emailParts.set(name, ascii);
  }
  return ascii;
}

export function phoneNumber(random: Random): string {
  return `+1 ${random.int(201, 989)}-555-${String(random.int(0, 9999)).padStart(4, '0')}`;
}

function person(ctx: RecordContext, sequence: number): Record<string, FieldValue> {
  const { random } = ctx;
  const first = random.pick(words.FIRST_NAMES);
  const last = random.pick(words.LAST_NAMES);
  return {
    FirstName: first,
    LastName: last,
    Email: `${asciiLetters(first)}.${asciiLetters(last)}${sequence}@${random.pick(words.EMAIL_DOMAINS)}`,
    LeadSource: random.pick(words.LEAD_SOURCES),
    Active__c: true,
  };
}

type FieldMaker = (ctx: RecordContext, sequence: number) => Record<string, FieldValue>;

const objectFields: Record<SimObjectName, FieldMaker> = {
  Contact: (ctx, sequence) => ({
    ...person(ctx, sequence),
    Customer_Id__c: `CUST-${100_000 + sequence}`,
    Phone: phoneNumber(ctx.random),
    Title: ctx.random.pick(words.TITLES),
    AccountId: someId(ctx, 'Account'),
    MailingCountry: ctx.random.pick(words.COUNTRIES),
    HasOptedOutOfEmail: ctx.random.chance(0.1),
  }),
  Lead: (ctx, sequence) => {
    const status = ctx.random.pick(words.LEAD_STATUSES);
    return {
      ...person(ctx, sequence),
      Customer_Id__c: `PROS-${100_000 + sequence}`,
      Company: ctx.random.pick(words.COMPANIES),
      Status: status,
      IsConverted: status === 'Closed - Converted',
    };
  },
  Opportunity: (ctx) => {
    const [stage, probability] = ctx.random.pick(words.STAGES);
    return {
      AccountId: someId(ctx, 'Account'),
      Name: `${ctx.random.pick(words.COMPANIES)} — ${ctx.random.pick(words.PRODUCTS)}`,
      StageName: stage,
      Amount: ctx.random.int(1_000_00, 250_000_00) / 100,
      Probability: probability,
      CloseDate: iso(ctx.now + ctx.random.int(-180, 180) * DAY_MS).slice(0, 10),
      CampaignId: ctx.random.chance(0.7) ? someId(ctx, 'Campaign') : null,
    };
  },
  CampaignMember: (ctx) => {
    const { random, counts } = ctx;
    const status = random.pick(words.MEMBER_STATUSES);
    const isContact = counts.Lead === 0 || (counts.Contact > 0 && random.chance(0.7));
    const target = random.int(1, Math.max(1, isContact ? counts.Contact : counts.Lead));
    return {
      CampaignId: someId(ctx, 'Campaign'),
      ContactId: isContact ? sfId(objectSchemas.Contact.idPrefix, target) : null,
      LeadId: isContact ? null : sfId(objectSchemas.Lead.idPrefix, target),
      Status: status,
      HasResponded: status === 'Responded',
      FirstRespondedDate: status === 'Responded' ? iso(ctx.now - random.int(1, 90) * DAY_MS).slice(0, 10) : null,
    };
  },
  Campaign: (ctx, sequence) => {
    const { random } = ctx;
    const start = ctx.now + random.int(-300, 30) * DAY_MS;
    const budget = random.int(5, 200) * 1000;
    return {
      Name: `${random.pick(words.CAMPAIGN_THEMES)} ${new Date(start).getUTCFullYear()} #${sequence}`,
      Type: random.pick(words.CAMPAIGN_TYPES),
      Status: start > ctx.now ? 'Planned' : random.pick(words.STARTED_CAMPAIGN_STATUSES),
      IsActive: start <= ctx.now,
      StartDate: iso(start).slice(0, 10),
      EndDate: iso(start + random.int(7, 90) * DAY_MS).slice(0, 10),
      BudgetedCost: budget,
      ActualCost: start > ctx.now ? 0 : Math.round(budget * random.int(50, 120)) / 100,
      ExpectedRevenue: budget * random.int(2, 8),
      ParentId: null,
    };
  },
  Account: (ctx) => {
    const { random } = ctx;
    const name = random.pick(words.COMPANIES);
    return {
      Name: name,
      Type: random.pick(words.ACCOUNT_TYPES),
      Industry: random.pick(words.INDUSTRIES),
      Phone: phoneNumber(random),
      Website: `https://www.${asciiLetters(name)}.example`,
      BillingCity: random.pick(words.CITIES),
      BillingCountry: random.pick(words.COUNTRIES),
      AnnualRevenue: random.int(1, 500) * 100_000,
      NumberOfEmployees: random.int(5, 20_000),
    };
  },
};

/** A clean record: created within the last two years, last modified at `modstamp`. */
export function makeRecord(object: SimObjectName, sequence: number, modstamp: number, ctx: RecordContext): SimRecord {
  const createdAt = toSecond(modstamp - ctx.random.int(0, 700) * DAY_MS - ctx.random.int(0, 86_399) * 1000);
  const modified = iso(modstamp);
  return {
    Id: sfId(objectSchemas[object].idPrefix, sequence),
    IsDeleted: false,
    CreatedDate: iso(createdAt),
    SystemModstamp: modified,
    LastModifiedDate: modified,
    ...objectFields[object](ctx, sequence),
  };
}
