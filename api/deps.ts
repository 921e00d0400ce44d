/** What the API is built from: made once at start-up and injected, so tests hand in real parts. */
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Logger } from '../activities/logger';
import type { SourcePlugin } from '../activities/sources/types';
import type { SourceKind } from '../domain/connector';
import type { Store } from '../activities/store/store';
import type { AuthenticationSettings } from './auth/settings';
import type { CodecRouteOptions } from './codec-server';

/** The payload codec the Temporal Web UI decrypts through, served under CODEC_PATH behind access control. */
export interface CodecEndpoint extends Omit<CodecRouteOptions, 'authorize'> {
  codec: PayloadCodec;
}

export interface ApiDeps {
  store: Store;
  temporal: Client;
  logger?: Logger;
  /**
   * Where cycles are started (manual runs and the schedules' action). WORKFLOW_TASK_QUEUE unless a
   * test points the API at its own worker, so it never takes another suite's workflow tasks.
   */
  workflowTaskQueue?: string;
  /**
   * How JWT bearer tokens are checked (API keys live in the store and need nothing here); from the
   * INSIGHT_HUB_JWT_* variables when omitted.
   */
  authentication?: AuthenticationSettings;
  /**
   * Where embedded warehouses live (DATA_DIR): the query endpoint opens a connector's DuckDB file
   * there, through the instance the process already holds when the worker runs beside the API.
   * `.data` when omitted.
   */
  dataDir?: string;
  /**
   * The memory_limit of a DuckDB file the query endpoint opens (INSIGHT_HUB_DUCKDB_MEMORY_LIMIT), as
   * the worker's: whichever opens the file first in a process sets it. DEFAULT_DUCKDB_MEMORY_LIMIT when omitted.
   */
  duckdbMemoryLimit?: string;
  /** The source plug-ins discovery asks the accounts through; every source's own when omitted. */
  sources?: Record<SourceKind, SourcePlugin>;
  /** Without one, the API serves no codec endpoint. */
  codecEndpoint?: CodecEndpoint;
}

export type ResolvedApiDeps = Required<Omit<ApiDeps, 'codecEndpoint' | 'duckdbMemoryLimit'>> &
  Pick<ApiDeps, 'codecEndpoint' | 'duckdbMemoryLimit'>;
