/**
 * Notification channels (where people hear about events: a signed webhook, Slack, email) and the
 * delivery log. Secrets leave as "[redacted]" and come back as it: a PUT of what GET showed keeps them.
 */
import { z } from 'zod';
import { PLATFORM_AUDIT_ID } from '../../domain/access';
import {
  deliveryStatusSchema,
  notificationChannelBodySchema,
  notificationMessageSchema,
  type NotificationChannel,
} from '../../domain/notifications';
import { redactedSecretSchema, redactSecrets, withSecretFields } from '../../domain/redaction';
import { recordApiActivity } from '../audit';
import { principalOf } from '../auth/principal';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { notFound } from '../errors';
import { errorAnswer } from '../response-schemas';
import { queryLimit } from '../schemas';
import { withStoredSecrets } from '../stored-secrets';
import { invalidRequest, parseRequest } from '../validation';

export const NOTIFICATIONS_PATH = '/api/v1/notifications';

const TAG = 'notifications';
const timestamp = z.string().describe('ISO-8601');

const channelIdParamsSchema = z.object({ id: z.uuid({ error: 'must be a UUID' }) });
const eventIdParamsSchema = z.object({ eventId: z.string().regex(/^[0-9a-f]{32}$/, 'must be an event id: 32 hex digits') });

const deliveriesQuerySchema = z.object({
  channelId: z.uuid({ error: 'must be a UUID' }).optional(),
  status: deliveryStatusSchema.optional(),
  limit: queryLimit.optional(),
});

/** A PUT may send the target back as GET showed it: each secret the marker keeps the stored one. */
const channelUpdateBodySchema = notificationChannelBodySchema.extend({
  target: withSecretFields(notificationChannelBodySchema.shape.target, (secret) => z.union([secret, redactedSecretSchema])),
});

const channelSchema = z.object({
  ...notificationChannelBodySchema.shape,
  target: withSecretFields(notificationChannelBodySchema.shape.target, () => redactedSecretSchema),
  id: z.uuid(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

const deliverySchema = z.object({
  eventId: z.string(),
  channelId: z.string(),
  channelKind: z.string(),
  status: deliveryStatusSchema,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  sentAt: timestamp.nullable(),
  updatedAt: timestamp,
});

const channelAnswer = { description: 'the channel, its secrets redacted', schema: channelSchema };
const channelNotFound = errorAnswer('no notification channel with that id');

export const createChannelRoute = defineRoute({
  method: 'POST',
  path: '/channels',
  operationId: 'createNotificationChannel',
  summary: 'Add a notification channel: a signed webhook, a Slack incoming webhook or email over SMTP',
  tag: TAG,
  request: { body: { schema: notificationChannelBodySchema, required: true } },
  responses: { 201: channelAnswer },
});

export const listChannelsRoute = defineRoute({
  method: 'GET',
  path: '/channels',
  operationId: 'listNotificationChannels',
  summary: 'The notification channels, oldest first',
  tag: TAG,
  responses: { 200: { description: 'the channels, secrets redacted', schema: z.object({ channels: z.array(channelSchema) }) } },
});

export const getChannelRoute = defineRoute({
  method: 'GET',
  path: '/channels/:id',
  operationId: 'getNotificationChannel',
  summary: 'A notification channel',
  tag: TAG,
  request: { params: channelIdParamsSchema },
  responses: { 200: channelAnswer, 404: channelNotFound },
});

export const replaceChannelRoute = defineRoute({
  method: 'PUT',
  path: '/channels/:id',
  operationId: 'replaceNotificationChannel',
  summary: "Replace a notification channel's settings",
  description: 'A secret sent back as "[redacted]" keeps the stored one, unless the kind or the SMTP host changed.',
  tag: TAG,
  request: { params: channelIdParamsSchema, body: { schema: channelUpdateBodySchema, required: true } },
  responses: { 200: channelAnswer, 404: channelNotFound },
});

export const deleteChannelRoute = defineRoute({
  method: 'DELETE',
  path: '/channels/:id',
  operationId: 'deleteNotificationChannel',
  summary: 'Delete a notification channel (its delivery log stays)',
  tag: TAG,
  request: { params: channelIdParamsSchema },
  responses: { 204: { description: 'deleted' }, 404: channelNotFound },
});

export const listDeliveriesRoute = defineRoute({
  method: 'GET',
  path: '/deliveries',
  operationId: 'listNotificationDeliveries',
  summary: 'The delivery log, newest first: each event sent to each channel, its attempts and last error',
  tag: TAG,
  request: { query: deliveriesQuerySchema },
  responses: { 200: { description: 'the deliveries', schema: z.object({ deliveries: z.array(deliverySchema) }) } },
});

export const getEventRoute = defineRoute({
  method: 'GET',
  path: '/events/:eventId',
  operationId: 'getNotificationEvent',
  summary: 'A notification as it was sent, with its deliveries',
  tag: TAG,
  request: { params: eventIdParamsSchema },
  responses: {
    200: {
      description: 'the message and its deliveries',
      schema: z.object({ message: notificationMessageSchema, deliveries: z.array(deliverySchema) }),
    },
    404: errorAnswer('no notification with that id'),
  },
});

export function notificationRoutes({ store }: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();

  /** A channel about one connector needs that connector; it is named in the audit log either way. */
  async function checkedBody(input: unknown): Promise<z.output<typeof notificationChannelBodySchema>> {
    const body = parseRequest(notificationChannelBodySchema, input, 'body');
    if (body.connectorId !== null && !(await store.connectors.get(body.connectorId))) {
      throw invalidRequest('body', [{ path: 'connectorId', message: 'names no connector', rule: 'not_found' }]);
    }
    return body;
  }

  const audit = (channel: NotificationChannel, activityType: string, actor: ReturnType<typeof principalOf>) =>
    recordApiActivity(
      store,
      { id: channel.connectorId ?? PLATFORM_AUDIT_ID, userId: actor.subject },
      activityType,
      { channelId: channel.id, name: channel.name, kind: channel.target.kind, events: channel.events, enabled: channel.enabled },
      actor,
    );

  routes.serve(createChannelRoute, async (req, res) => {
    const channel = await store.notificationChannels.create(await checkedBody(req.body));
    await audit(channel, 'notification-channel.created', principalOf(req));
    res.location(`${NOTIFICATIONS_PATH}/channels/${channel.id}`);
    reply(res, createChannelRoute, 201, redacted(channel));
  });

  routes.serve(listChannelsRoute, async (_req, res) => {
    reply(res, listChannelsRoute, 200, { channels: (await store.notificationChannels.list()).map(redacted) });
  });

  routes.serve(getChannelRoute, async (req, res) => {
    const { id } = parseRequest(channelIdParamsSchema, req.params, 'path parameters');
    reply(res, getChannelRoute, 200, redacted(await requireChannel(id)));
  });

  routes.serve(replaceChannelRoute, async (req, res) => {
    const { id } = parseRequest(channelIdParamsSchema, req.params, 'path parameters');
    // Unstorable input is refused before the channel is looked up, as on every route.
    const sent = parseRequest(bodyWithTarget, req.body, 'body');
    const current = await requireChannel(id);
    const updated = await store.notificationChannels.replace(id, await checkedBody(withStoredSecrets(sent, 'target', current.target)));
    if (!updated) throw notFound(`no notification channel with id ${id}`);
    await audit(updated, 'notification-channel.updated', principalOf(req));
    reply(res, replaceChannelRoute, 200, redacted(updated));
  });

  routes.serve(deleteChannelRoute, async (req, res) => {
    const { id } = parseRequest(channelIdParamsSchema, req.params, 'path parameters');
    const channel = await requireChannel(id);
    await store.notificationChannels.delete(id);
    await audit(channel, 'notification-channel.deleted', principalOf(req));
    res.status(204).end();
  });

  routes.serve(listDeliveriesRoute, async (req, res) => {
    const filter = parseRequest(deliveriesQuerySchema, req.query, 'query parameters');
    reply(res, listDeliveriesRoute, 200, { deliveries: await store.notificationLog.listDeliveries(filter) });
  });

  routes.serve(getEventRoute, async (req, res) => {
    const { eventId } = parseRequest(eventIdParamsSchema, req.params, 'path parameters');
    const logged = await store.notificationLog.getEvent(eventId);
    if (!logged) throw notFound(`no notification with id ${eventId}`);
    reply(res, getEventRoute, 200, logged);
  });

  async function requireChannel(id: string): Promise<NotificationChannel> {
    const channel = await store.notificationChannels.get(id);
    if (!channel) throw notFound(`no notification channel with id ${id}`);
    return channel;
  }

  return routes;
}

/** The channel with each secret of its target the marker, as connectors show theirs. */
const redacted = (channel: NotificationChannel) => ({ ...channel, target: redactSecrets(channel.target) });

const bodyWithTarget = z.looseObject({ target: z.unknown() });
