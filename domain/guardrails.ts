/**
 * The guardrail evaluator: pure and deterministic, shared by the workflow (which acts on it) and the
 * API (which previews it). Judges only the figures activities reported, never records.
 */
import type { Guardrails } from './connector';
import type { QualitySummary } from './cycle';

export interface GuardrailBreach {
  guardrail: keyof Guardrails;
  limit: number;
  actual: number;
}

export type BatchFigures = Pick<QualitySummary, 'evaluated' | 'invalid' | 'invalidShare'>;

export function evaluateGuardrails(guardrails: Guardrails, figures: BatchFigures): GuardrailBreach[] {
  const breaches: GuardrailBreach[] = [];
  if (figures.evaluated > 0 && figures.invalidShare > guardrails.maxInvalidShare) {
    breaches.push({ guardrail: 'maxInvalidShare', limit: guardrails.maxInvalidShare, actual: figures.invalidShare });
  }
  return breaches;
}
