/** Maps every failure to JSON: client mistakes keep their 4xx, anything else is logged and hidden. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../activities/logger';
import { ApiError, type ErrorResponse } from './errors';
import { REQUEST_ID_HEADER } from './request-log';

/** What express.json() (body-parser's http-errors) throws for a bad request body. */
const bodyParserErrorSchema = z.object({
  status: z.number().int().min(400).max(499),
  expose: z.literal(true),
  type: z.string(),
  message: z.string(),
  /** Set on entity.too.large: the limit in bytes. */
  limit: z.number().optional(),
});

/** A percent-escape in the URL path that is not UTF-8 (`%ZZ`, `%E0%A4%A`): Express's router throws this while matching. */
const PATH_NOT_DECODABLE: ErrorResponse = {
  error: 'validation_failed',
  message: 'invalid path: a segment is not percent-encoded UTF-8',
  issues: [
    {
      path: '(path)',
      message: 'must be percent-encoded UTF-8 (% followed by two hex digits, forming UTF-8 bytes)',
      rule: 'invalid_encoding',
    },
  ],
};

export const unknownRoute: RequestHandler = (req, res) => {
  const body: ErrorResponse = { error: 'not_found', message: `no route for ${req.method} ${req.path}` };
  res.status(404).json(body);
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof ApiError) {
      res.status(error.status).json(error.toResponse());
      return;
    }
    const bodyError = bodyParserErrorSchema.safeParse(error);
    if (bodyError.success) {
      res.status(bodyError.data.status).json(bodyParserResponse(bodyError.data));
      return;
    }
    if (error instanceof URIError) {
      // Access control answers this naming the parameter; this is for requests it lets through (CORS preflights).
      res.status(400).json(PATH_NOT_DECODABLE);
      return;
    }
    const requestId = String(res.getHeader(REQUEST_ID_HEADER) ?? '');
    logger.error({ err: error, requestId, method: req.method, path: req.path }, 'request failed unexpectedly');
    const body: ErrorResponse = {
      error: 'internal_error',
      message: `an unexpected error occurred; it has been logged under request id ${requestId} — quote it when reporting`,
      ...(requestId ? { requestId } : {}),
    };
    res.status(500).json(body);
  };
}

function bodyParserResponse({ type, message, limit }: z.infer<typeof bodyParserErrorSchema>): ErrorResponse {
  // JSON.parse's own message quotes part of the body, which may hold credentials: not echoed.
  if (type === 'entity.parse.failed') return bodyIssue('invalid_json', 'the request body is not valid JSON', 'invalid_json');
  if (type === 'entity.too.large') {
    return bodyIssue(
      'payload_too_large',
      `the request body is larger than the limit${limit === undefined ? '' : ` of ${limit} bytes`}`,
      'too_big',
    );
  }
  return bodyIssue('bad_request', message, type);
}

const bodyIssue = (error: string, message: string, rule: string): ErrorResponse => ({
  error,
  message,
  issues: [{ path: '(body)', message, rule }],
});
