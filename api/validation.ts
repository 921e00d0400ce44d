/**
 * zod at the HTTP boundary: a failed parse becomes a 400 naming every bad field and its rule. Before
 * any schema, every string of the input (keys too) must be storable and its nesting bounded
 * (domain/json-input.ts): one rule for bodies, path and query parameters alike.
 */
import type { z } from 'zod';
import { jsonProblems, pathSegmentText, type JsonPath } from '../domain/json-input';
import { validationFailed, type ApiError, type ValidationIssue } from './errors';

export type RequestPart = 'body' | 'path parameters' | 'query parameters';

export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, part: RequestPart): z.output<S> {
  const unstorable = inputProblems(input);
  if (unstorable.length > 0) throw invalidRequest(part, unstorable);
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw invalidRequest(part, parsed.error.issues.map(toValidationIssue));
}

/** The input's unstorable strings and too-deep nesting, as issues. */
export const inputProblems = (input: unknown): ValidationIssue[] =>
  jsonProblems(input).map(({ path, rule, message }) => ({ path: issuePath(path), message, rule }));

export function invalidRequest(part: RequestPart, issues: ValidationIssue[]): ApiError {
  const fields = [...new Set(issues.map((issue) => issue.path))].join(', ');
  return validationFailed(`invalid ${part}: ${fields}`, issues);
}

/** Dotted; the whole input has an empty path (e.g. no JSON object at all). */
export const issuePath = (path: JsonPath): string => (path.length === 0 ? '(body)' : path.map(pathSegmentText).join('.'));

function toValidationIssue(issue: z.core.$ZodIssue): ValidationIssue {
  return {
    path: issuePath(issue.path.filter((key): key is string | number => typeof key !== 'symbol')),
    message: issue.message,
    rule: issue.code,
  };
}
