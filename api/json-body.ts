/**
 * The API's one body parser: a JSON body is UTF-8 `application/json` (415 otherwise), at most `limit`
 * bytes (413), valid JSON, with storable strings and bounded nesting (400 naming the path and rule),
 * before access control or any handler sees it. A request without a body keeps `req.body` undefined.
 */
import { raw, type RequestHandler } from 'express';
import { decodeJson, notJsonMediaType } from '../domain/json-input';
import { ApiError } from './errors';
import { inputProblems, invalidRequest } from './validation';

/** Far above any configuration or suite the API takes; bodies are read whole into memory. */
export const API_BODY_LIMIT = '100kb';

export const unsupportedMediaType = (reason: string): ApiError =>
  new ApiError(415, 'unsupported_media_type', reason, [{ path: 'Content-Type', message: reason, rule: 'unsupported_media_type' }]);

export function jsonBody(limit: string = API_BODY_LIMIT): RequestHandler[] {
  const read = raw({ type: () => true, limit });
  const parse: RequestHandler = (req, _res, next) => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
      req.body = undefined;
      return next();
    }
    const notJson = notJsonMediaType(req.get('content-type'));
    if (notJson) throw unsupportedMediaType(notJson);
    const decoded = decodeJson(req.body);
    if (!decoded.ok)
      throw new ApiError(400, 'invalid_json', decoded.message, [{ path: '(body)', message: decoded.message, rule: decoded.rule }]);
    const problems = inputProblems(decoded.value);
    if (problems.length > 0) throw invalidRequest('body', problems);
    req.body = decoded.value;
    next();
  };
  return [read, parse];
}
