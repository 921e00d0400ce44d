/** Maps every failure to JSON: client mistakes keep their 4xx, anything else is logged and hidden. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../activities/logger';
import { ApiError, type ErrorResponse } from './errors';

/** What express.json() (body-parser's http-errors) throws for a bad request body. */
const bodyParserErrorSchema = z.object({
  status: z.number().int().min(400).max(499),
  expose: z.literal(true),
  type: z.string(),
  message: z.string(),
});

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
      res.status(bodyError.data.status).json(bodyParserResponse(bodyError.data.type, bodyError.data.message));
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'request failed unexpectedly');
    const body: ErrorResponse = { error: 'internal_error', message: 'an unexpected error occurred; it has been logged' };
    res.status(500).json(body);
  };
}

function bodyParserResponse(type: string, message: string): ErrorResponse {
  // JSON.parse's own message quotes part of the body, which may hold credentials: not echoed.
  if (type === 'entity.parse.failed') return { error: 'invalid_json', message: 'the request body is not valid JSON' };
  return { error: 'bad_request', message };
}
