/** The Data API's wire shapes shared by the simulator's routes: errors and the request log. */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../salesforce/http';

export interface RequestRecord {
  /** Epoch ms when the request arrived. */
  at: number;
  method: 'runReport' | 'runRealtimeReport' | 'getMetadata' | 'unknown';
  status: number;
}

const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
};

/** Google's JSON error envelope: `{"error":{"code","message","status"}}`. */
export function sendGoogleError(res: ServerResponse, code: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, code, { error: { code, message, status: STATUS_NAMES[code] ?? 'UNKNOWN' } }, headers);
}

export class BadRequest extends Error {}
