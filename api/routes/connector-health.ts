/**
 * GET /api/v1/connector-health: the Connectors page in one call — for every connector the caller may
 * see: freshness against its target, the last runs, rows loaded and quarantined, quality by rule,
 * API usage against each limit and the estimated warehouse cost per day. All from the store's daily
 * roll-ups, so it answers while Temporal is down.
 */
import { z } from 'zod';
import { CYCLE_STATUSES } from '../../domain/cycle';
import { defineRoute } from '../contract';
import { windowQuerySchema } from '../window';

export const CONNECTOR_HEALTH_PATH = '/api/v1/connector-health';

const timestamp = z.string().describe('ISO-8601');

export const HEALTH_STATES = ['healthy', 'stale', 'failing', 'paused', 'no-runs'] as const;

export const connectorHealthSchema = z.object({
  connectorId: z.string(),
  name: z.string(),
  userId: z.string(),
  source: z.string(),
  destination: z.string(),
  status: z.enum(['active', 'paused']),
  health: z.enum(HEALTH_STATES).describe('failing: the last run failed; stale: fresher data is overdue; no-runs: nothing ran yet'),
  freshness: z.object({
    seconds: z.number().nullable().describe('since the last successful load; null before the first'),
    targetSeconds: z
      .number()
      .nullable()
      .describe('guardrails.freshnessTargetMinutes, else twice the schedule interval; null for push sources without a target'),
    met: z.boolean().nullable(),
  }),
  lastRuns: z.array(
    z.object({
      workflowId: z.string(),
      status: z.enum(CYCLE_STATUSES),
      startedAt: timestamp,
      finishedAt: timestamp.nullable(),
      rowsLoaded: z.number(),
      rowsQuarantined: z.number(),
    }),
  ),
  rowsLoaded: z.number().describe('in the window'),
  rowsQuarantined: z.number().describe('in the window'),
  qualityByRule: z.record(z.string(), z.number()).describe('quarantined share of rows evaluated, per rule, in the window'),
  apiUsage: z
    .array(z.object({ scope: z.string(), used: z.number(), limit: z.number(), share: z.number(), windowStart: timestamp }))
    .describe("each rate window's latest usage against its limit"),
  costPerDay: z.array(z.object({ date: z.string(), usd: z.number() })).describe('estimated warehouse cost per UTC day in the window'),
});

export const connectorHealthRoute = defineRoute({
  method: 'GET',
  path: '/',
  operationId: 'connectorHealth',
  summary: 'Every connector the caller may see, with its health: freshness, last runs, rows, quality by rule, API usage, cost per day',
  tag: 'insights',
  request: { query: windowQuerySchema },
  responses: {
    200: {
      description: 'the overview (window: the last 7 days unless from/to say otherwise)',
      schema: z.object({
        generatedAt: timestamp,
        window: z.object({ from: timestamp, to: timestamp }),
        connectors: z.array(connectorHealthSchema),
      }),
    },
  },
});
