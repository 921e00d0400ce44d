/** zod at the HTTP boundary: a failed parse becomes a 400 naming every bad field and its rule. */
import type { z } from 'zod';
import { validationFailed, type ValidationIssue } from './errors';

export type RequestPart = 'body' | 'path parameters' | 'query parameters';

export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, part: RequestPart): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map(toValidationIssue);
  const fields = [...new Set(issues.map((issue) => issue.path))].join(', ');
  throw validationFailed(`invalid ${part}: ${fields}`, issues);
}

function toValidationIssue(issue: z.core.$ZodIssue): ValidationIssue {
  return {
    // The whole body has an empty path (e.g. no JSON object at all).
    path: issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.'),
    message: issue.message,
    rule: issue.code,
  };
}
