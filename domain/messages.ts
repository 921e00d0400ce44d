/**
 * Queries, signals and updates of the ingestion workflows, importable by the API without pulling in
 * workflow code. Workflow-safe.
 */
import { defineQuery } from '@temporalio/workflow';
import type { CycleReport } from './cycle';

/** The live report of a running cycle: status and per-stream progress so far. */
export const cycleReportQuery = defineQuery<CycleReport>('cycleReport');

export interface IngestionCycleInput {
  connectorId: string;
  /** 'schedule' | 'manual' | 'api': who asked for this cycle, for the audit trail. */
  trigger: 'schedule' | 'manual';
}

/** The workflow type name, for clients that start it by name (schedules, the API). */
export const INGESTION_CYCLE_WORKFLOW = 'ingestionCycle';
