import { approvalDecisionBodySchema } from '../../domain/approvals';
import { evaluateGuardrails, gateVerdict, guardrailsSchema, withOverride, type GateFigures } from '../../domain/guardrails';

test('an approval override lifts only the limits it names', () => {
  const configured = guardrailsSchema.parse({ maxInvalidShare: 0.05, maxRowsPerCycle: 1_000 });
  const decision = approvalDecisionBodySchema.parse({
    decision: 'approve',
    decidedBy: 'm',
    role: 'manager',
    reason: 'r',
    override: { maxRowsPerCycle: 5_000 },
  });
  expect(decision.override).toEqual({ maxRowsPerCycle: 5_000 });
  expect(withOverride(configured, decision.override)).toMatchObject({ maxRowsPerCycle: 5_000, maxInvalidShare: 0.05 });
});

test('a bad guardrail names the field and the rule', () => {
  const result = guardrailsSchema.safeParse({ maxInvalidShare: 1.5, schemaChangePolicy: 'sometimes' });
  expect(result.success).toBe(false);
  expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['maxInvalidShare', 'schemaChangePolicy']);
});

describe('a batch whose validation fails as a whole', () => {
  const figures: GateFigures = {
    rowsThisCycle: 100,
    evaluated: 100,
    invalid: 8,
    invalidShare: 0.08,
    deletes: 0,
    tableRows: 1_000,
    schemaChanges: [],
    apiCallsThisCycle: 1,
    apiCallsToday: 1,
    estimatedCostUsd: 0,
    costTodayUsd: 0,
    failedExpectations: ['match_regex(email)', 'column_exists(email)'],
  };

  it('is a breach to approve by default, however few rows failed', () => {
    const breaches = evaluateGuardrails(guardrailsSchema.parse({}), figures);
    expect(breaches).toEqual([
      {
        guardrail: 'suiteFailurePolicy',
        limit: 'approve',
        actual: 'failed: match_regex(email), column_exists(email)',
        severity: 'approve',
      },
    ]);
    expect(gateVerdict('approve-on-breach', breaches)).toBe('await-approval');
    expect(gateVerdict('auto', breaches)).toBe('load-and-alert');
  });

  it('is blocked or let through as the policy says', () => {
    expect(gateVerdict('auto', evaluateGuardrails(guardrailsSchema.parse({ suiteFailurePolicy: 'block' }), figures))).toBe('block');
    expect(evaluateGuardrails(guardrailsSchema.parse({ suiteFailurePolicy: 'allow' }), figures)).toEqual([]);
  });

  it('is no breach when nothing failed the batch, or the figures come from before the policy existed', () => {
    const { failedExpectations: _, ...older } = figures;
    expect(evaluateGuardrails(guardrailsSchema.parse({}), { ...figures, failedExpectations: [] })).toEqual([]);
    expect(evaluateGuardrails(guardrailsSchema.parse({}), older)).toEqual([]);
  });
});
