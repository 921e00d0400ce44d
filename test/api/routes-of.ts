/**
 * Every route an Express app serves, read from its router stack (mount paths included), so a test can
 * compare them with the access policy table. OPTIONS routes (CORS preflights) are left out by design.
 */
import type { Express } from 'express';
import { z } from 'zod';

export interface ServedRoute {
  method: string;
  path: string;
}

const layerSchema = z
  .object({
    rawPath: z.union([z.string(), z.array(z.string())]).optional(),
    route: z
      .object({ path: z.union([z.string(), z.array(z.string())]), methods: z.record(z.string(), z.boolean()) })
      .loose()
      .optional(),
  })
  .loose();

const joinPaths = (prefix: string, path: string): string => (path === '/' ? prefix || '/' : `${prefix}${path}`);

export function routesOf(app: Express): ServedRoute[] {
  return routesIn(app.router.stack, '');
}

function routesIn(stack: readonly unknown[], prefix: string): ServedRoute[] {
  return stack.flatMap((layer): ServedRoute[] => {
    const { route, rawPath } = layerSchema.parse(layer);
    if (route) {
      const paths = Array.isArray(route.path) ? route.path : [route.path];
      const methods = Object.keys(route.methods).filter((method) => method !== 'options');
      return paths.flatMap((path) => methods.map((method) => ({ method: method.toUpperCase(), path: joinPaths(prefix, path) })));
    }
    const nested = nestedStack(layer);
    if (!nested) return [];
    if (Array.isArray(rawPath)) throw new Error('a router mounted on several paths: list each');
    return routesIn(nested, rawPath === undefined || rawPath === '/' ? prefix : `${prefix}${rawPath}`);
  });
}

/** A mounted Router is a function carrying its own stack. */
function nestedStack(layer: unknown): readonly unknown[] | null {
  if (typeof layer !== 'object' || layer === null || !('handle' in layer)) return null;
  const { handle } = layer;
  if (typeof handle !== 'function' || !('stack' in handle) || !Array.isArray(handle.stack)) return null;
  return handle.stack;
}
