/**
 * The access policy: every route the API serves, with the roles that may call it. One table, so that
 * a reviewer reads who may do what in one place; access control refuses any route it does not list,
 * and test/api/access-matrix.test.ts fails for a route the app serves without an entry here.
 */
import {
  ADMINS,
  APPROVAL_READERS,
  CONNECTOR_EDITORS,
  CONNECTOR_OPERATORS,
  CONNECTOR_QUERIERS,
  DECIDERS,
  EVERY_ROLE,
  NOTIFICATION_KEEPERS,
  PAYLOAD_READERS,
  PRIVACY_OFFICERS,
  ROI_SETTERS,
  type Role,
} from '../../domain/access';
import { CODEC_PATH } from '../codec-server';
import { APPROVALS_PATH } from '../routes/approvals';
import { AUDIT_LOG_PATH, DECISIONS_PATH, METRICS_PATH, OUTCOMES_PATH } from '../routes/history';
import { WAREHOUSE_QUERY_PATH } from '../routes/warehouse-query';
import { CONNECTOR_HEALTH_PATH } from '../routes/connector-health';
import { ROI_PATH, ROI_SETTINGS_PATH } from '../routes/roi';
import { DASHBOARD_PATH } from '../routes/dashboard';
import { MODELS_PATH } from '../routes/models';
import { CATALOG_PATH } from '../routes/catalog';
import { CONNECTORS_PATH } from '../routes/connectors';
import { NOTIFICATIONS_PATH } from '../routes/notifications';
import { PRIVACY_PATH } from '../routes/privacy';
import { RUNS_PATH } from '../routes/runs';
import { WEBHOOKS_PATH } from '../routes/webhooks';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const OPENAPI_PATH = '/api/v1/openapi.json';
export const DOCS_PATH = '/api/v1/docs';
export const HEALTH_PATH = '/healthz';
export const API_KEYS_PATH = '/api/v1/api-keys';
export const WHOAMI_PATH = '/api/v1/me';

/**
 * For roles limited to their own connectors (domain/access.ts OWN_CONNECTORS_ONLY), where the
 * connector or its owner is named: the :id path parameter, the connector inside a cycle's workflow
 * id, the :userId path parameter, or the body's userId.
 */
export type OwnershipRule = 'connector-id-in-path' | 'connector-in-workflow-id' | 'user-id-in-path' | 'user-id-in-body';

export type RouteAccess =
  /** Why no credential is asked. */
  | { public: string }
  | {
      roles: readonly Role[];
      ownership?: OwnershipRule;
      /** Why a read returns personal data: every such read is audited, like every change. */
      personalData?: string;
    };

export interface RoutePolicy {
  method: HttpMethod;
  /** The full Express path, exactly as the route is mounted. */
  path: string;
  access: RouteAccess;
}

const connector = (method: HttpMethod, suffix: string, roles: readonly Role[]): RoutePolicy => ({
  method,
  path: `${CONNECTORS_PATH}${suffix}`,
  access: { roles, ownership: 'connector-id-in-path' },
});

export const ROUTE_POLICIES: readonly RoutePolicy[] = [
  { method: 'GET', path: HEALTH_PATH, access: { public: 'probes and load balancers check liveness without a credential' } },
  { method: 'GET', path: OPENAPI_PATH, access: { public: 'the API description, so that a client can learn how to authenticate' } },
  { method: 'GET', path: DOCS_PATH, access: { public: 'the documentation page: the same API description, for people' } },
  { method: 'GET', path: `${DOCS_PATH}/:asset`, access: { public: "the documentation page's own scripts and style sheet" } },
  {
    method: 'GET',
    path: DASHBOARD_PATH,
    access: { public: 'the dashboard page holds no data: it signs in, then calls the API with the credential like any client' },
  },
  {
    method: 'GET',
    path: `${DASHBOARD_PATH}/*asset`,
    access: { public: "the dashboard's own scripts and style sheet, and its libraries'" },
  },
  { method: 'GET', path: WHOAMI_PATH, access: { roles: EVERY_ROLE } },
  // The models' definitions and generated BI files describe tables; they hold no row.
  { method: 'GET', path: MODELS_PATH, access: { roles: EVERY_ROLE } },
  { method: 'GET', path: `${MODELS_PATH}/lookml`, access: { roles: EVERY_ROLE } },
  { method: 'GET', path: `${MODELS_PATH}/tableau`, access: { roles: EVERY_ROLE } },

  { method: 'POST', path: CONNECTORS_PATH, access: { roles: CONNECTOR_EDITORS, ownership: 'user-id-in-body' } },
  { method: 'GET', path: `${CONNECTORS_PATH}/user/:userId`, access: { roles: EVERY_ROLE, ownership: 'user-id-in-path' } },
  connector('GET', '/:id', EVERY_ROLE),
  connector('PUT', '/:id', CONNECTOR_EDITORS),
  connector('DELETE', '/:id', CONNECTOR_EDITORS),
  connector('GET', '/:id/analyze', EVERY_ROLE),
  // Discovery asks the account live, spending its API quota: like creating a connector.
  connector('GET', '/:id/catalog', CONNECTOR_EDITORS),
  { method: 'POST', path: `${CATALOG_PATH}/discover`, access: { roles: CONNECTOR_EDITORS } },
  connector('POST', '/:id/runs', CONNECTOR_EDITORS),
  connector('POST', '/:id/pause', CONNECTOR_OPERATORS),
  connector('POST', '/:id/resume', CONNECTOR_OPERATORS),
  connector('POST', '/:id/zendesk-token', CONNECTOR_EDITORS),
  connector('POST', '/:id/guardrails/preview', CONNECTOR_QUERIERS),
  connector('GET', '/:id/quality-reports', EVERY_ROLE),
  connector('POST', '/:id/quarantine/revalidate', DECIDERS),
  { method: 'GET', path: `${RUNS_PATH}/*workflowId`, access: { roles: EVERY_ROLE, ownership: 'connector-in-workflow-id' } },

  { method: 'GET', path: APPROVALS_PATH, access: { roles: APPROVAL_READERS, personalData: 'names the people who decided' } },
  { method: 'POST', path: `${APPROVALS_PATH}/*approvalId/decision`, access: { roles: DECIDERS } },
  {
    method: 'GET',
    path: `${APPROVALS_PATH}/*approvalId`,
    access: { roles: APPROVAL_READERS, personalData: 'names the person who decided' },
  },

  {
    method: 'POST',
    path: `${WEBHOOKS_PATH}/sendgrid/:connectorId`,
    access: { public: "SendGrid signs each delivery (ECDSA); the route checks the signature with the connector's key" },
  },
  {
    method: 'POST',
    path: `${WEBHOOKS_PATH}/zendesk/:connectorId`,
    access: { public: "Zendesk signs each event (HMAC-SHA256); the route checks the signature with the connector's signing secret" },
  },
  {
    method: 'POST',
    path: `${CODEC_PATH}/decode`,
    access: { roles: PAYLOAD_READERS, personalData: 'decrypted Temporal payloads: the records a workflow handled' },
  },
  { method: 'POST', path: `${CODEC_PATH}/encode`, access: { roles: PAYLOAD_READERS } },
  // The Web UI's sign-in: only a role that may read payloads gets the session cookie (api/codec-session.ts).
  {
    method: 'GET',
    path: `${CODEC_PATH}/session`,
    access: { public: 'the sign-in page holds no data; it posts the credential it is given' },
  },
  { method: 'POST', path: `${CODEC_PATH}/session`, access: { roles: PAYLOAD_READERS } },
  { method: 'DELETE', path: `${CODEC_PATH}/session`, access: { public: 'signing out only clears the session cookie' } },

  // Reads across connectors: a creative analyst's cover their own connectors only (api/visible-connectors.ts).
  { method: 'GET', path: AUDIT_LOG_PATH, access: { roles: EVERY_ROLE, personalData: 'names the people who acted' } },
  { method: 'GET', path: DECISIONS_PATH, access: { roles: EVERY_ROLE, personalData: 'names the people who decided' } },
  { method: 'GET', path: METRICS_PATH, access: { roles: EVERY_ROLE } },
  { method: 'GET', path: OUTCOMES_PATH, access: { roles: EVERY_ROLE } },
  // Which tables each role reads is decided from the statement (api/warehouse-access.ts).
  {
    method: 'POST',
    path: WAREHOUSE_QUERY_PATH,
    access: { roles: EVERY_ROLE, personalData: "warehouse rows: customers' records" },
  },
  { method: 'GET', path: CONNECTOR_HEALTH_PATH, access: { roles: EVERY_ROLE } },
  { method: 'GET', path: ROI_PATH, access: { roles: EVERY_ROLE } },
  { method: 'GET', path: ROI_SETTINGS_PATH, access: { roles: EVERY_ROLE } },
  { method: 'PUT', path: ROI_SETTINGS_PATH, access: { roles: ROI_SETTERS } },

  { method: 'POST', path: `${PRIVACY_PATH}/erasure-requests`, access: { roles: PRIVACY_OFFICERS } },
  { method: 'GET', path: `${PRIVACY_PATH}/erasure-requests/:id`, access: { roles: PRIVACY_OFFICERS } },

  { method: 'POST', path: API_KEYS_PATH, access: { roles: ADMINS } },
  { method: 'GET', path: API_KEYS_PATH, access: { roles: ADMINS, personalData: 'names the people the keys belong to' } },
  { method: 'DELETE', path: `${API_KEYS_PATH}/:id`, access: { roles: ADMINS } },

  { method: 'POST', path: `${NOTIFICATIONS_PATH}/channels`, access: { roles: NOTIFICATION_KEEPERS } },
  {
    method: 'GET',
    path: `${NOTIFICATIONS_PATH}/channels`,
    access: { roles: NOTIFICATION_KEEPERS, personalData: 'names the email addresses notifications go to' },
  },
  {
    method: 'GET',
    path: `${NOTIFICATIONS_PATH}/channels/:id`,
    access: { roles: NOTIFICATION_KEEPERS, personalData: 'names the email addresses notifications go to' },
  },
  { method: 'PUT', path: `${NOTIFICATIONS_PATH}/channels/:id`, access: { roles: NOTIFICATION_KEEPERS } },
  { method: 'DELETE', path: `${NOTIFICATIONS_PATH}/channels/:id`, access: { roles: NOTIFICATION_KEEPERS } },
  { method: 'GET', path: `${NOTIFICATIONS_PATH}/deliveries`, access: { roles: NOTIFICATION_KEEPERS } },
  { method: 'GET', path: `${NOTIFICATIONS_PATH}/events/:eventId`, access: { roles: NOTIFICATION_KEEPERS } },
];
