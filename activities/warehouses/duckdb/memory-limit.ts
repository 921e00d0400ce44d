/**
 * How much memory the embedded DuckDB's buffer manager may hold (its `memory_limit`). DuckDB's own
 * default is 80 % of the machine's memory, taken beside the worker's; past the cap, operators that can
 * spill write to the instance's temp directory (`<warehouse file>.tmp`, DuckDB's default) instead.
 */
import { z } from 'zod';

/**
 * Chosen from a 1M-contact cycle (bench/README.md, *The worker's memory at 1M*): its loads and its
 * models' refresh succeed under it and the worker stays under 1 GiB. A larger cap makes large
 * statements a little faster (the 1M refresh 8.7 s here, 6.4 s under 1GB).
 */
export const DEFAULT_DUCKDB_MEMORY_LIMIT = '256MB';

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/** A size as DuckDB reads it: 1GB is 1000³ bytes, 1GiB 1024³. */
export const duckdbMemoryLimitSchema = z
  .string()
  .trim()
  .regex(SIZE, 'must be a size with its unit, e.g. 1GB, 1536MiB or 2GiB')
  .refine((size) => Number(SIZE.exec(size)?.[1]) > 0, 'must be more than 0');
