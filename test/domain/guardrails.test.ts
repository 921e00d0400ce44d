import { approvalDecisionBodySchema } from '../../domain/approvals';
import { guardrailsSchema, withOverride } from '../../domain/guardrails';

test('an approval override lifts only the limits it names', () => {
  const configured = guardrailsSchema.parse({ maxInvalidShare: 0.05, maxRowsPerCycle: 1_000 });
  const decision = approvalDecisionBodySchema.parse({ decision: 'approve', decidedBy: 'm', role: 'manager', reason: 'r', override: { maxRowsPerCycle: 5_000 } });
  expect(decision.override).toEqual({ maxRowsPerCycle: 5_000 });
  expect(withOverride(configured, decision.override)).toMatchObject({ maxRowsPerCycle: 5_000, maxInvalidShare: 0.05 });
});

test('a bad guardrail names the field and the rule', () => {
  const result = guardrailsSchema.safeParse({ maxInvalidShare: 1.5, schemaChangePolicy: 'sometimes' });
  expect(result.success).toBe(false);
  expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['maxInvalidShare', 'schemaChangePolicy']);
});
