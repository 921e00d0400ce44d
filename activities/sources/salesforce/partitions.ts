/**
 * Customer-ID ranges (FR-1: partitioned by customer ID): the slices of a stream read in parallel, each
 * with its own cursor. Pure and workflow-safe.
 */
import { salesforceStreams } from './definition';

/** Streams carrying this column can be partitioned by customer-ID range. */
export const CUSTOMER_ID_COLUMN = 'customer_id';

/** `[from, to)` over customer IDs; null is unbounded. The first range also holds records without one. */
export interface CustomerIdRange {
  from: string | null;
  to: string | null;
}

/**
 * Ranges are named by their bounds (`CUST-1..CUST-5`, `..CUST-1`, `CUST-5..`), so a cursor stays
 * with its range; changing the boundaries starts new ranges from the beginning (the merge is
 * idempotent, so that costs API calls, not duplicates).
 */
export const partitionName = (range: CustomerIdRange): string => `${range.from ?? ''}..${range.to ?? ''}`;

export function parsePartition(name: string): CustomerIdRange | null {
  const [from, to, ...rest] = name.split('..');
  if (from === undefined || to === undefined || rest.length > 0) return null;
  return { from: from || null, to: to || null };
}

/** Boundaries `b1 < b2 < …` cut the customer-ID space into `[, b1) [b1, b2) … [bn, )`. */
export function customerIdRanges(boundaries: readonly string[]): CustomerIdRange[] {
  if (boundaries.length === 0) return [];
  const edges = [null, ...boundaries, null];
  return edges.slice(1).map((to, i) => ({ from: edges[i] ?? null, to }));
}

/** The partitions a stream is read in; empty: one unpartitioned read. */
export function salesforcePartitions(boundaries: readonly string[], stream: string): string[] {
  const definition = Object.values(salesforceStreams).find((s) => s.name === stream);
  if (!definition?.columns.some((column) => column.name === CUSTOMER_ID_COLUMN)) return [];
  return customerIdRanges(boundaries).map(partitionName);
}
