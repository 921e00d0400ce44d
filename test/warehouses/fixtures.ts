/**
 * A small stream with one column of every type, and staged batches of it, for the warehouse suite.
 * People here are made up; their addresses use the reserved example.com domain.
 */
import { loadIdFor } from '../../domain/constants';
import type { StreamDefinition } from '../../domain/streams/types';
import type { Row } from '../../activities/sources/types';
import { Staging, localPath } from '../../activities/staging/staging';
import type { LoadBatch } from '../../activities/warehouses/types';
import { useFixture } from '../support/fixture';
import { tempDir } from '../support/temp-dir';

export const CONNECTOR_ID = 'conformance-connector';

export const people: StreamDefinition = {
  name: 'person',
  table: 'conformance_person',
  primaryKey: 'id',
  cursorColumn: 'modified_at',
  deletedColumn: 'is_deleted',
  columns: [
    { name: 'id', type: 'string' },
    { name: 'customer_id', type: 'string' },
    { name: 'email', type: 'string', personal: true },
    { name: 'score', type: 'integer' },
    { name: 'rating', type: 'number' },
    { name: 'is_active', type: 'boolean' },
    { name: 'birthday', type: 'date' },
    { name: 'attributes', type: 'json' },
    { name: 'modified_at', type: 'timestamp' },
    { name: 'is_deleted', type: 'boolean' },
  ],
};

/** The same stream after the source gained a field. */
export const peopleWithNickname: StreamDefinition = {
  ...people,
  columns: [...people.columns, { name: 'nickname', type: 'string' }],
};

export function person(id: string, changes: Row = {}): Row {
  return {
    id,
    // Digits with leading zeros: a warehouse that guessed types would turn this into a number.
    customer_id: `00${id.replace(/\D/g, '')}`,
    email: `${id}@example.com`,
    score: 10,
    rating: 4.5,
    is_active: true,
    birthday: '1990-05-17',
    attributes: { tier: 'gold', tags: ['a', 'b'] },
    modified_at: '2026-01-05T10:00:00.000Z',
    is_deleted: false,
    ...changes,
  };
}

export interface QuarantinedRow {
  record: Row;
  reasons: string[];
}

export class BatchFactory {
  readonly staging: Staging;

  constructor(readonly root: string) {
    this.staging = new Staging(root);
  }

  /** Stages the rows as the quality gate would and names the load as the workflow does. */
  async batch(
    clean: readonly Row[] | null,
    quarantine: readonly QuarantinedRow[] | null = null,
    stream: StreamDefinition = people,
  ): Promise<LoadBatch> {
    const cleanRef = clean ? await this.staging.writeBatch('clean', stream, clean, null) : null;
    const lines = quarantine?.map((q): Row => ({ record: q.record, reasons: q.reasons })) ?? null;
    const quarantineRef = lines ? await this.staging.writeBatch('quarantine', stream, lines, null) : null;
    const identity = `${cleanRef?.sha256 ?? '-'}:${quarantineRef?.sha256 ?? '-'}`;
    return {
      connectorId: CONNECTOR_ID,
      source: 'salesforce',
      stream,
      loadId: loadIdFor(CONNECTOR_ID, stream.name, identity),
      cleanFile: cleanRef ? localPath(cleanRef) : null,
      quarantineFile: quarantineRef ? localPath(quarantineRef) : null,
    };
  }
}

/** Batches staged in a temporary folder for the describe block, removed at teardown. */
export function useBatchFactory(prefix: string): () => BatchFactory {
  return useFixture(`the staging folder ${prefix}`, async (defer) => new BatchFactory(await tempDir(prefix, defer)));
}

/** The stream after two safe widenings: whole scores became decimals, birthdays became instants. */
export const peopleWidened: StreamDefinition = {
  ...people,
  columns: people.columns.map((column) => {
    if (column.name === 'score') return { ...column, type: 'number' };
    if (column.name === 'birthday') return { ...column, type: 'timestamp' };
    return column;
  }),
};

/** The stream after changes no warehouse applies by itself: a field removed, a boolean turned text. */
export const peopleReshaped: StreamDefinition = {
  ...people,
  columns: people.columns
    .filter((column) => column.name !== 'rating')
    .map((column) => (column.name === 'is_active' ? { ...column, type: 'string' } : column)),
};
