/**
 * The Redshift Data API's AWS JSON 1.1 wire: request bodies (checked with zod, as the service
 * validates them) and errors as `{__type, message}` with a 4xx status.
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export const validation = (message: string): ApiError => new ApiError(400, 'ValidationException', message);

export function sendAwsJson(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': requestId,
  });
  res.end(text);
}

export function sendAwsError(res: ServerResponse, error: ApiError, requestId: string): void {
  sendAwsJson(res, error.status, { __type: error.type, message: error.message }, requestId);
}

/** The Data API's limit on one statement's text ("100kB"; the smaller reading, to be safe). */
export const MAX_SQL_BYTES = 100_000;
/** Redshift's limit on the statements of one BatchExecuteStatement. */
export const MAX_BATCH_STATEMENTS = 40;

const sql = z
  .string()
  .min(1)
  .refine((text) => Buffer.byteLength(text) <= MAX_SQL_BYTES, 'Cannot process query string larger than 100kB');

const parameter = z.object({
  name: z.string().regex(/^[0-9a-zA-Z_]+$/, 'must be letters, digits and underscores'),
  // The service refuses empty values: an empty string has to be written as a literal.
  value: z.string().min(1),
});

/** Where and as whom a statement runs, and its parameters: common to both execute operations. */
const submission = z.object({
  Database: z.string().min(1).optional(),
  WorkgroupName: z.string().min(1).optional(),
  ClusterIdentifier: z.string().min(1).optional(),
  DbUser: z.string().min(1).optional(),
  SecretArn: z.string().min(1).optional(),
  Parameters: z.array(parameter).min(1).optional(),
  StatementName: z.string().optional(),
  WithEvent: z.boolean().optional(),
  ClientToken: z.string().min(1).optional(),
  ResultFormat: z.enum(['JSON', 'CSV']).optional(),
  SessionKeepAliveSeconds: z.number().optional(),
  SessionId: z.string().optional(),
});

export const executeStatementInput = submission.extend({ Sql: sql });
export const batchExecuteStatementInput = submission.extend({
  Sqls: z.array(sql).min(1).max(MAX_BATCH_STATEMENTS),
  ExecutionMode: z.enum(['TRANSACTION', 'AUTO_COMMIT']).optional(),
});
export const statementIdInput = z.object({ Id: z.string().min(1) });
export const getStatementResultInput = statementIdInput.extend({ NextToken: z.string().min(1).optional() });

export type Submission = z.infer<typeof submission>;

/** A body that fails its schema → ValidationException naming the field and the rule. */
export function parseInput<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  throw validation(`${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`);
}

/** The checks the service makes on where a statement runs before it accepts it. */
export function checkSubmission(input: Submission): void {
  if (Boolean(input.WorkgroupName) === Boolean(input.ClusterIdentifier)) {
    throw validation('Either WorkgroupName or ClusterIdentifier must be specified, but not both');
  }
  if (input.ClusterIdentifier && !input.DbUser && !input.SecretArn) {
    throw validation('A cluster needs DbUser (temporary credentials) or SecretArn (Secrets Manager)');
  }
  if (!input.Database) throw validation('Database: is required');
  if (input.SessionId !== undefined || input.SessionKeepAliveSeconds !== undefined) {
    throw validation('the simulator does not keep sessions: SessionId and SessionKeepAliveSeconds are not supported');
  }
  if (input.ResultFormat === 'CSV') throw validation('the simulator returns JSON results only (ResultFormat CSV)');
}
