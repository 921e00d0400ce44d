/** The hostile-input corpus for the platform's routes: health, docs, dashboard, models, webhooks, codec, privacy, keys, notifications. */
import { randomUUID } from 'node:crypto';
import { type CorpusTargets, type RouteInput } from './route-input';

/** A notification channel as a manager would add one. */
const channelBody = () => ({
  name: 'on-call',
  target: { kind: 'slack', webhookUrl: 'https://hooks.slack.com/services/T/B/hostile-input' },
});

export const platformRoutes = ({ unsigned }: CorpusTargets): Record<string, RouteInput> => ({
  'GET /healthz': { path: () => '/healthz' },
  'GET /api/v1/openapi.json': { path: () => '/api/v1/openapi.json' },
  'GET /api/v1/docs': { path: () => '/api/v1/docs' },
  'GET /api/v1/docs/:asset': { path: (seg) => `/api/v1/docs/${seg ?? 'init.js'}`, param: 'asset' },
  'GET /dashboard': { path: () => '/dashboard' },
  'GET /dashboard/*asset': { path: (seg) => `/dashboard/${seg ?? 'app.js'}`, param: 'asset' },
  'GET /api/v1/me': { path: () => '/api/v1/me' },
  'GET /api/v1/models': { path: () => '/api/v1/models' },
  'GET /api/v1/models/lookml': { path: () => '/api/v1/models/lookml', query: 'schema' },
  'GET /api/v1/models/tableau': { path: () => '/api/v1/models/tableau', query: 'connection' },
  'POST /webhooks/sendgrid/:connectorId': { path: (seg) => `/webhooks/sendgrid/${seg ?? unsigned}`, param: 'connectorId' },
  'POST /webhooks/zendesk/:connectorId': { path: (seg) => `/webhooks/zendesk/${seg ?? unsigned}`, param: 'connectorId' },
  'POST /codec/decode': {
    path: () => '/codec/decode',
    body: { valid: { payloads: [{ metadata: {}, data: '' }] }, field: 'payloads.0.data' },
  },
  'POST /codec/encode': {
    path: () => '/codec/encode',
    body: { valid: { payloads: [{ metadata: {}, data: '' }] }, field: 'payloads.0.data' },
  },
  'GET /codec/session': { path: () => '/codec/session' },
  'POST /codec/session': { path: () => '/codec/session' },
  'DELETE /codec/session': { path: () => '/codec/session' },
  'POST /api/v1/privacy/erasure-requests': {
    path: () => '/api/v1/privacy/erasure-requests',
    body: { valid: { subject: { email: 'someone@example.com' }, reason: 'gdpr' }, field: 'subject.email' },
  },
  'GET /api/v1/privacy/erasure-requests/:id': { path: (seg) => `/api/v1/privacy/erasure-requests/${seg ?? randomUUID()}`, param: 'id' },
  'POST /api/v1/api-keys': {
    path: () => '/api/v1/api-keys',
    body: { valid: { subject: 'someone', role: 'campaign-lead' }, field: 'subject' },
  },
  'GET /api/v1/api-keys': { path: () => '/api/v1/api-keys' },
  'DELETE /api/v1/api-keys/:id': { path: (seg) => `/api/v1/api-keys/${seg ?? randomUUID()}`, param: 'id' },
  'POST /api/v1/notifications/channels': { path: () => '/api/v1/notifications/channels', body: { valid: channelBody(), field: 'name' } },
  'GET /api/v1/notifications/channels': { path: () => '/api/v1/notifications/channels' },
  'GET /api/v1/notifications/channels/:id': { path: (seg) => `/api/v1/notifications/channels/${seg ?? randomUUID()}`, param: 'id' },
  'PUT /api/v1/notifications/channels/:id': {
    path: (seg) => `/api/v1/notifications/channels/${seg ?? randomUUID()}`,
    param: 'id',
    body: { valid: channelBody(), field: 'name' },
  },
  'DELETE /api/v1/notifications/channels/:id': { path: (seg) => `/api/v1/notifications/channels/${seg ?? randomUUID()}`, param: 'id' },
  'GET /api/v1/notifications/deliveries': { path: () => '/api/v1/notifications/deliveries', query: 'channelId' },
  'GET /api/v1/notifications/events/:eventId': { path: (seg) => `/api/v1/notifications/events/${seg ?? '0'.repeat(32)}`, param: 'eventId' },
});
