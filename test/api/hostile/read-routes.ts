/** The hostile-input corpus for the read side and decisions: runs, approvals, history lists, the warehouse query, ROI. */
import { type CorpusTargets, type RouteInput } from './route-input';

export const readRoutes = ({ target }: CorpusTargets): Record<string, RouteInput> => {
  const approvalId = () => encodeURIComponent(`cycle/${target}/manual-1~contact~${'a'.repeat(64)}`);
  return {
    'GET /api/v1/runs/*workflowId': {
      path: (seg) => `/api/v1/runs/${seg ?? encodeURIComponent(`cycle/${target}/manual-1`)}`,
      param: 'workflowId',
    },
    'GET /api/v1/approvals': { path: () => '/api/v1/approvals', query: 'connectorId' },
    'GET /api/v1/audit-log': { path: () => '/api/v1/audit-log', query: 'connectorId' },
    'GET /api/v1/decisions': { path: () => '/api/v1/decisions', query: 'cursor' },
    'GET /api/v1/metrics': { path: () => '/api/v1/metrics', query: 'from' },
    'GET /api/v1/outcomes': { path: () => '/api/v1/outcomes', query: 'to' },
    'POST /api/v1/warehouse/query': { path: () => '/api/v1/warehouse/query', body: { valid: { sql: 'SELECT 1' }, field: 'sql' } },
    'GET /api/v1/connector-health': { path: () => '/api/v1/connector-health', query: 'from' },
    'GET /api/v1/roi': { path: () => '/api/v1/roi', query: 'connectorId' },
    'GET /api/v1/roi/settings': { path: () => '/api/v1/roi/settings', query: 'connectorId' },
    'PUT /api/v1/roi/settings': {
      path: () => '/api/v1/roi/settings',
      body: { valid: { settings: { hourlyRateUsd: 10 } }, field: 'connectorId' },
    },
    'POST /api/v1/approvals/*approvalId/decision': {
      path: (seg) => `/api/v1/approvals/${seg ?? approvalId()}/decision`,
      param: 'approvalId',
      body: { valid: { decision: 'approve', reason: 'looks right' }, field: 'reason' },
    },
    'GET /api/v1/approvals/*approvalId': { path: (seg) => `/api/v1/approvals/${seg ?? approvalId()}`, param: 'approvalId' },
  };
};
