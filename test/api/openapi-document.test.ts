/** The OpenAPI document the API serves: its endpoints, with the schemas that validate them. */
import { z } from 'zod';
import { CONNECTORS, useApiHarness } from './harness';

const api = useApiHarness();

describe('GET /api/v1/openapi.json', () => {
  test('describes the endpoints with the schemas that validate them', async () => {
    const document = await api.call('GET', '/api/v1/openapi.json');
    expect(document.status).toBe(200);
    const { paths } = z
      .object({ openapi: z.string(), paths: z.record(z.string(), z.record(z.string(), z.unknown())) })
      .parse(document.body);
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        CONNECTORS,
        `${CONNECTORS}/user/{userId}`,
        `${CONNECTORS}/{id}`,
        `${CONNECTORS}/{id}/analyze`,
        `${CONNECTORS}/{id}/runs`,
        '/api/v1/runs/{workflowId}',
        `${CONNECTORS}/{id}/pause`,
        `${CONNECTORS}/{id}/resume`,
        `${CONNECTORS}/{id}/guardrails/preview`,
        '/api/v1/approvals',
        '/api/v1/approvals/{approvalId}',
        '/api/v1/approvals/{approvalId}/decision',
        '/healthz',
      ]),
    );
    expect(paths['/api/v1/approvals/{approvalId}/decision']).toMatchObject({
      post: {
        requestBody: {
          content: {
            'application/json': {
              schema: {
                required: ['decision', 'reason'],
                properties: { decision: { enum: ['approve', 'reject', 'skip'] } },
              },
            },
          },
        },
      },
    });
    expect(paths[`${CONNECTORS}/{id}/guardrails/preview`]).toMatchObject({
      post: {
        requestBody: { content: { 'application/json': { schema: { properties: { guardrails: { additionalProperties: false } } } } } },
      },
    });
    expect(paths[`${CONNECTORS}/{id}`]).toEqual(
      expect.objectContaining({ get: expect.anything(), put: expect.anything(), delete: expect.anything() }),
    );
    expect(paths[CONNECTORS]).toMatchObject({
      post: {
        requestBody: {
          content: {
            'application/json': {
              schema: {
                required: expect.arrayContaining(['userId', 'name', 'configuration']),
                properties: { configuration: { properties: { schedule: { properties: { every: { pattern: expect.any(String) } } } } } },
              },
            },
          },
        },
      },
    });
  });
});
