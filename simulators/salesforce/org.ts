/**
 * The simulated org's records, their ground truth and open query cursors, with the changes a test
 * or the demo makes: insert, update and delete bump SystemModstamp like Salesforce does.
 */
import { describeObject } from './describe';
import type { Flaw } from './flaws';
import { generateOrg, type OrgShape, type TruthEntry } from './generator';
import { compileQuery, runQuery } from './query';
import { Random } from './random';
import { iso, makeRecord, toSecond } from './records';
import { addedFieldValue, orgProfiles, SOQL_TYPE_OF, type AddedField, type OrgProfile } from './profiles';
import {
  findField,
  findObject,
  objectSchemas,
  SIM_OBJECTS,
  type FieldValue,
  type ObjectSchema,
  type SimObjectName,
  type SimRecord,
  type SoqlType,
} from './schema';

export interface QueryPage {
  schema: ObjectSchema;
  fields: readonly string[];
  totalSize: number;
  records: SimRecord[];
  /** Locator of the next page; null on the last one. */
  nextLocator: string | null;
}

/** The record a change names does not exist in the org. */
export class RecordNotFoundError extends Error {}

export interface QueryCursor {
  schema: ObjectSchema;
  fields: readonly string[];
  rows: SimRecord[];
}

/** Salesforce keeps a handful of open cursors per user and drops the oldest. */
const MAX_OPEN_CURSORS = 50;
const SYSTEM_FIELDS = new Set(['Id', 'IsDeleted', 'SystemModstamp', 'LastModifiedDate', 'CreatedDate']);

const VALUE_CHECKS: Record<SoqlType, (value: FieldValue) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  datetime: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
  date: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v),
};

export class SimulatedOrg {
  private readonly records = new Map<SimObjectName, Map<string, SimRecord>>();
  private readonly truth = new Map<SimObjectName, Map<string, TruthEntry>>();
  private readonly cursors = new Map<string, QueryCursor>();
  private cursorSequence = 0;
  /** The latest SystemModstamp of each object, once known: a change must not scan the whole table. */
  private readonly latestModstamp = new Map<SimObjectName, number>();
  private readonly random: Random;
  /** The fields each object has in this org: the profile's, and any added since. */
  private readonly schemas = new Map<SimObjectName, ObjectSchema>();
  private readonly added = new Map<SimObjectName, AddedField[]>();

  constructor(
    shape: OrgShape,
    private readonly pageSize: number,
    private readonly profile: OrgProfile = orgProfiles.demo,
  ) {
    // Records inserted later draw from their own stream, so they never disturb the generated org.
    this.random = new Random(shape.seed ^ 0x5eed);
    const generated = generateOrg(shape);
    for (const object of SIM_OBJECTS) {
      const fields = [...objectSchemas[object].fields].filter(([name]) => !profile.without.includes(name));
      this.schemas.set(object, { ...objectSchemas[object], fields: new Map(fields) });
      this.records.set(object, new Map(generated[object].records.map((r) => [String(r.Id), r])));
      this.truth.set(object, new Map(generated[object].truth.map((t) => [t.id, t])));
      for (const field of profile.added[object] ?? []) this.addField(object, field);
    }
  }

  /** The object's fields in this org, as describe lists them. */
  describe(object: SimObjectName): ReturnType<typeof describeObject> {
    return describeObject(this.schemaOf(object), this.profile.externalIds, this.added.get(object) ?? []);
  }

  /**
   * Adds a custom field to an object, as an admin does in Setup: every record gets a value (derived
   * from its Id), and SystemModstamp does not move, as in Salesforce.
   */
  addField(object: SimObjectName, field: AddedField): void {
    const schema = this.schemaOf(object);
    if (findField(schema, field.name)) throw new Error(`${object} has a field ${field.name} already`);
    this.schemas.set(object, { ...schema, fields: new Map([...schema.fields, [field.name, SOQL_TYPE_OF[field.type]]]) });
    this.added.set(object, [...(this.added.get(object) ?? []), field]);
    const table = this.table(object);
    for (const [id, record] of table) table.set(id, { ...record, [field.name]: addedFieldValue(field, record) });
  }

  /** Runs SOQL (throws SoqlError) and returns its first page; later pages come from queryMore. */
  query(soql: string, includeDeleted: boolean): QueryPage {
    const result = this.queryRows(soql, includeDeleted);
    this.cursorSequence += 1;
    const cursorId = `01gSIM${String(this.cursorSequence).padStart(10, '0')}`;
    return this.page(result, cursorId, 0);
  }

  /** Runs SOQL (throws SoqlError) over this org's fields: every matching record, in the query's order. */
  queryRows(soql: string, includeDeleted: boolean): QueryCursor {
    const compiled = compileQuery(soql, (name) => {
      const object = findObject(name)?.name;
      return object && this.schemaOf(object);
    });
    const rows = runQuery(compiled, [...this.table(compiled.schema.name).values()], includeDeleted);
    return { schema: compiled.schema, fields: compiled.fields, rows };
  }

  /** The page at a locator, or null when the locator is unknown or expired. */
  queryMore(locator: string): QueryPage | null {
    const match = /^(.+)-(\d+)$/.exec(locator);
    const cursor = match?.[1] && this.cursors.get(match[1]);
    if (!match?.[1] || !cursor) return null;
    const offset = Number(match[2]);
    return offset <= cursor.rows.length ? this.page(cursor, match[1], offset) : null;
  }

  private page(cursor: QueryCursor, cursorId: string, offset: number): QueryPage {
    const end = Math.min(offset + this.pageSize, cursor.rows.length);
    const done = end >= cursor.rows.length;
    if (done) this.cursors.delete(cursorId);
    else this.keepCursor(cursorId, cursor);
    return {
      schema: cursor.schema,
      fields: cursor.fields,
      totalSize: cursor.rows.length,
      records: cursor.rows.slice(offset, end),
      nextLocator: done ? null : `${cursorId}-${end}`,
    };
  }

  private keepCursor(cursorId: string, cursor: QueryCursor): void {
    this.cursors.set(cursorId, cursor);
    const oldest = this.cursors.keys().next().value;
    if (this.cursors.size > MAX_OPEN_CURSORS && oldest !== undefined) this.cursors.delete(oldest);
  }

  /** Ground truth of the object, in id order: the flaws each record was generated with. */
  groundTruth(object: SimObjectName): TruthEntry[] {
    return [...this.truthOf(object).values()].map((t) => ({ ...t, flaws: [...t.flaws] }));
  }

  /** Current records of the object, deleted ones included, in id order. */
  snapshot(object: SimObjectName): SimRecord[] {
    return [...this.table(object).values()];
  }

  /** Adds clean records (no flaws), modified now; returns their ids. */
  insertRecords(object: SimObjectName, count: number): string[] {
    const table = this.table(object);
    const stamp = this.nextModstamp(object);
    const counts = this.counts();
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const made = makeRecord(object, table.size + 1, stamp, { random: this.random, now: stamp, counts });
      const record = this.withAddedFields(object, made);
      const id = String(record.Id);
      table.set(id, record);
      this.truthOf(object).set(id, { id, flaws: [], deleted: false });
      ids.push(id);
    }
    return ids;
  }

  /** Changes fields of a record and bumps its SystemModstamp; an empty change only touches it. */
  updateRecord(object: SimObjectName, id: string, changes: Readonly<Record<string, FieldValue>>): SimRecord {
    const schema = this.schemaOf(object);
    const canonical: Record<string, FieldValue> = {};
    for (const [name, value] of Object.entries(changes)) {
      const field = findField(schema, name);
      if (!field) throw new Error(`${object} has no field ${name}`);
      if (SYSTEM_FIELDS.has(field)) throw new Error(`${object}.${field} is a system field and cannot be set`);
      const type = schema.fields.get(field) ?? 'string';
      if (value !== null && !VALUE_CHECKS[type](value)) throw new Error(`${object}.${field} must be a ${type} or null`);
      canonical[field] = value;
    }
    return this.replace(object, id, canonical);
  }

  /** Moves a record to the recycle bin: IsDeleted = true, visible only through queryAll. */
  deleteRecord(object: SimObjectName, id: string): SimRecord {
    if (this.existing(object, id).IsDeleted === true) throw new Error(`${object} ${id} is already deleted`);
    const deleted = this.replace(object, id, { IsDeleted: true });
    const truth = this.truthOf(object).get(id);
    if (truth) truth.deleted = true;
    return deleted;
  }

  /** Which flaws each generated record of the org carries, for reports: flaw → record count. */
  flawCounts(object: SimObjectName): Partial<Record<Flaw, number>> {
    const counts: Partial<Record<Flaw, number>> = {};
    for (const { flaws } of this.truthOf(object).values()) {
      for (const flaw of flaws) counts[flaw] = (counts[flaw] ?? 0) + 1;
    }
    return counts;
  }

  /** Records per object, deleted ones included. */
  counts(): Record<SimObjectName, number> {
    return {
      Contact: this.table('Contact').size,
      Lead: this.table('Lead').size,
      Opportunity: this.table('Opportunity').size,
      CampaignMember: this.table('CampaignMember').size,
      Campaign: this.table('Campaign').size,
      Account: this.table('Account').size,
    };
  }

  private withAddedFields(object: SimObjectName, record: SimRecord): SimRecord {
    const added = this.added.get(object) ?? [];
    return added.length === 0 ? record : { ...record, ...Object.fromEntries(added.map((f) => [f.name, addedFieldValue(f, record)])) };
  }

  schemaOf(object: SimObjectName): ObjectSchema {
    const schema = this.schemas.get(object);
    if (!schema) throw new Error(`unknown object ${object}`);
    return schema;
  }

  private replace(object: SimObjectName, id: string, changes: Record<string, FieldValue>): SimRecord {
    const stamp = iso(this.nextModstamp(object));
    const updated = { ...this.existing(object, id), ...changes, SystemModstamp: stamp, LastModifiedDate: stamp };
    this.table(object).set(id, updated);
    return updated;
  }

  /**
   * Now, to the second, but never before the latest change: modification times only move forward.
   * Every change is stamped with what this returns, so the latest is kept rather than scanned for.
   */
  private nextModstamp(object: SimObjectName): number {
    let latest = this.latestModstamp.get(object);
    if (latest === undefined) {
      latest = 0;
      for (const record of this.table(object).values()) latest = Math.max(latest, Date.parse(String(record.SystemModstamp)));
    }
    const stamp = Math.max(toSecond(Date.now()), latest);
    this.latestModstamp.set(object, stamp);
    return stamp;
  }

  private existing(object: SimObjectName, id: string): SimRecord {
    const record = this.table(object).get(id);
    if (!record) throw new RecordNotFoundError(`${object} ${id} does not exist`);
    return record;
  }

  private table(object: SimObjectName): Map<string, SimRecord> {
    const table = this.records.get(object);
    if (!table) throw new Error(`unknown object ${object}`);
    return table;
  }

  private truthOf(object: SimObjectName): Map<string, TruthEntry> {
    const truth = this.truth.get(object);
    if (!truth) throw new Error(`unknown object ${object}`);
    return truth;
  }
}
