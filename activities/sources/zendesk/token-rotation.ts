/**
 * FR-3: a Zendesk API token is rotated every 30 days. Pure and workflow-safe, so the extract, the
 * scheduled credential check (and a workflow) judge a token alike.
 */

const DAY_MS = 86_400_000;
/** FR-3: the API token is rotated every 30 days. */
export const TOKEN_ROTATION_DAYS = 30;
/** From this age on, the scheduled check alerts so the token is rotated before the connector stops. */
export const TOKEN_ROTATION_WARNING_DAYS = 25;

export interface TokenRotationStatus {
  /** Whole days since the token was issued. */
  ageDays: number;
  /** The token is 30 days old or more: the connector stops until it is rotated. */
  due: boolean;
  /** The token is 25 days old or more: time to rotate it. */
  warn: boolean;
  /** When rotation falls due, ISO-8601. */
  dueAt: string;
}

/** Where a token issued at `issuedAt` stands at `now`. */
export function tokenRotationStatus(issuedAt: string, now: Date): TokenRotationStatus {
  const issued = Date.parse(issuedAt);
  if (Number.isNaN(issued)) throw new Error(`apiTokenIssuedAt: ${issuedAt} is not an ISO-8601 date`);
  const ageDays = Math.floor((now.getTime() - issued) / DAY_MS);
  return {
    ageDays,
    due: ageDays >= TOKEN_ROTATION_DAYS,
    warn: ageDays >= TOKEN_ROTATION_WARNING_DAYS,
    dueAt: new Date(issued + TOKEN_ROTATION_DAYS * DAY_MS).toISOString(),
  };
}
