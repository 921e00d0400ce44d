/**
 * Where a bench process's memory goes while it runs: its resident set, V8's heap, the memory held
 * outside the heap (Buffers, ArrayBuffers) and what the embedded DuckDB's buffer manager says it
 * holds (`duckdb_memory()`), sampled side by side. Only DuckDB's buffer manager is counted by DuckDB
 * itself; the rest of the resident set (native code, the Temporal worker's Rust core, PGlite's
 * WebAssembly memory, freed memory the allocator has not returned) is what none of the others name.
 */
import type { Warehouse } from '../activities/warehouses/types';

export interface MemorySample {
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  /** Memory outside V8's heap that V8 knows of: Buffers and ArrayBuffers among it. */
  externalMiB: number;
  arrayBuffersMiB: number;
  /** DuckDB's buffer manager: the sum of duckdb_memory()'s memory_usage_bytes (the last read). */
  duckdbMiB: number;
  /** What DuckDB had spilled to its temp_directory (temporary_storage_bytes). */
  duckdbSpilledMiB: number;
}

export interface MemoryFigures {
  /** DuckDB's memory_limit as it reports it, e.g. "953.6 MiB". */
  duckdbMemoryLimit: string;
  /** Each figure's own peak over the run; they need not coincide. */
  peak: MemorySample;
  /** Every figure at the moment the resident set peaked. */
  atRssPeak: MemorySample;
}

const FIGURES = [
  'rssMiB',
  'heapUsedMiB',
  'heapTotalMiB',
  'externalMiB',
  'arrayBuffersMiB',
  'duckdbMiB',
  'duckdbSpilledMiB',
] as const satisfies readonly (keyof MemorySample)[];

const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

const DUCKDB_MEMORY =
  'select coalesce(sum(memory_usage_bytes), 0)::bigint as used, coalesce(sum(temporary_storage_bytes), 0)::bigint as spilled from duckdb_memory()';

/**
 * Samples the process every 100 ms and DuckDB (a query on the warehouse's own instance) every 250 ms,
 * skipping a DuckDB read while the last one has not answered, until `stop`. Without a DuckDB
 * warehouse (null), the process alone.
 */
export async function sampleMemory(warehouse: Warehouse | null): Promise<{ stop(): MemoryFigures }> {
  const [limit] = warehouse ? await warehouse.query("select current_setting('memory_limit') as memory_limit", []) : [];
  let duckdb = { duckdbMiB: 0, duckdbSpilledMiB: 0 };
  let reading = false;
  const readDuckdb = () => {
    if (reading || !warehouse) return;
    reading = true;
    warehouse
      .query(DUCKDB_MEMORY, [])
      .then(([row]) => (duckdb = { duckdbMiB: mib(Number(row?.used)), duckdbSpilledMiB: mib(Number(row?.spilled)) }))
      .catch(() => undefined)
      .finally(() => (reading = false));
  };
  const sample = (): MemorySample => {
    const usage = process.memoryUsage();
    return {
      rssMiB: mib(usage.rss),
      heapUsedMiB: mib(usage.heapUsed),
      heapTotalMiB: mib(usage.heapTotal),
      externalMiB: mib(usage.external),
      arrayBuffersMiB: mib(usage.arrayBuffers),
      ...duckdb,
    };
  };
  let atRssPeak = sample();
  const peak = { ...atRssPeak };
  const take = () => {
    const now = sample();
    if (now.rssMiB > atRssPeak.rssMiB) atRssPeak = now;
    for (const key of FIGURES) peak[key] = Math.max(peak[key], now[key]);
  };
  const processTimer = setInterval(take, 100);
  // Without DuckDB there is nothing to read: no timer.
  const duckdbTimer = warehouse ? setInterval(readDuckdb, 250) : undefined;
  return {
    stop() {
      clearInterval(processTimer);
      clearInterval(duckdbTimer);
      take();
      return { duckdbMemoryLimit: warehouse ? String(limit?.memory_limit) : 'none: not DuckDB', peak, atRssPeak };
    },
  };
}
