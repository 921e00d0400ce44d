/**
 * The ROI report as a file: one row per connector and a last row for all of them, as CSV (RFC 4180;
 * a cell a spreadsheet would run as a formula is prefixed with ') or as Parquet, written by DuckDB
 * (`COPY … TO … (FORMAT parquet)`) on a private in-memory instance.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadDriver } from '../activities/warehouses/duckdb/connection';
import { quoteLiteral } from '../activities/warehouses/sql';
import type { RoiValue } from '../domain/roi';

export interface RoiRow {
  connectorId: string;
  name: string;
  status: 'ok' | 'insufficient-history';
  daysWithRuns: number | null;
  value: RoiValue | null;
}

const COLUMNS = [
  'connector_id',
  'name',
  'status',
  'days_with_runs',
  'api_calls_usd',
  'warehouse_usd',
  'run_time_usd',
  'total_cost_usd',
  'manual_hours_saved',
  'manual_export_usd',
  'errors_caught_usd',
  'freshness_hours_gained',
  'freshness_usd',
  'total_benefit_usd',
  'net_value_usd',
  'ratio',
  'meets_target',
] as const;

function cellsOf({ connectorId, name, status, daysWithRuns, value }: RoiRow): (string | number | boolean | null)[] {
  const v = value;
  return [
    connectorId,
    name,
    status,
    daysWithRuns,
    v?.costs.apiCallsUsd ?? null,
    v?.costs.warehouseUsd ?? null,
    v?.costs.runTimeUsd ?? null,
    v?.costs.totalUsd ?? null,
    v?.benefits.manualHoursSaved ?? null,
    v?.benefits.manualExportUsd ?? null,
    v?.benefits.errorsCaughtUsd ?? null,
    v?.benefits.freshnessHoursGained ?? null,
    v?.benefits.freshnessUsd ?? null,
    v?.benefits.totalUsd ?? null,
    v?.netValueUsd ?? null,
    v?.ratio ?? null,
    v?.meetsTarget ?? null,
  ];
}

function csvCell(cell: string | number | boolean | null): string {
  if (cell === null) return '';
  if (typeof cell !== 'string') return String(cell);
  const safe = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function roiCsv(rows: readonly RoiRow[]): string {
  return [COLUMNS.join(','), ...rows.map((row) => cellsOf(row).map(csvCell).join(','))].join('\r\n') + '\r\n';
}

export async function roiParquet(rows: readonly RoiRow[]): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'insight-hub-roi-'));
  try {
    const json = path.join(dir, 'roi.ndjson');
    const parquet = path.join(dir, 'roi.parquet');
    await writeFile(json, rows.map((row) => JSON.stringify(Object.fromEntries(COLUMNS.map((c, i) => [c, cellsOf(row)[i]])))).join('\n'));
    const d = await loadDriver();
    const instance = await d.DuckDBInstance.create(':memory:');
    try {
      const connection = await instance.connect();
      const columns = COLUMNS.map((c, i) => `${c}: '${i < 3 ? 'VARCHAR' : c === 'meets_target' ? 'BOOLEAN' : 'DOUBLE'}'`).join(', ');
      await connection.run(
        `COPY (SELECT * FROM read_json(${quoteLiteral(json)}, format = 'newline_delimited', columns = {${columns}})) TO ${quoteLiteral(parquet)} (FORMAT parquet)`,
      );
      connection.closeSync();
    } finally {
      instance.closeSync();
    }
    return await readFile(parquet);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
