/**
 * What the signed-in role may call, read from the API's own OpenAPI document (each operation's
 * x-roles, from the access policy table): the dashboard hides a button the API would refuse, and
 * never keeps a second copy of who may do what.
 */
import { get } from './api.js';

export async function loadPermissions(role) {
  const document = await get('/api/v1/openapi.json');
  const rolesOf = new Map();
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations)) {
      if (operation?.operationId) rolesOf.set(operation.operationId, operation['x-public'] ? null : (operation['x-roles'] ?? []));
    }
  }
  return {
    /** Unknown operations (a route not served by this API version) are not offered. */
    can: (operationId) => rolesOf.has(operationId) && (rolesOf.get(operationId) === null || rolesOf.get(operationId).includes(role)),
    has: (operationId) => rolesOf.has(operationId),
  };
}
