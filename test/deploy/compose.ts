/**
 * docker-compose.yml read as Docker Compose reads it, for a test that has no Docker engine: YAML with
 * merge keys (`<<`), `${VAR}`, `${VAR:-default}`, `${VAR:?message}` and `$$` interpolated from the
 * variables given, and a service's environment as its container gets it (the image's ENV, then the
 * service's `environment`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const REPOSITORY = path.resolve(__dirname, '../..');
export const COMPOSE_FILE = path.join(REPOSITORY, 'docker-compose.yml');

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const serviceSchema = z.object({
  image: z.string().optional(),
  build: z.object({ context: z.string(), dockerfile: z.string() }).optional(),
  command: z.array(z.string()).optional(),
  environment: z.record(z.string(), scalar).default({}),
  secrets: z.array(z.string()).default([]),
  volumes: z.array(z.string()).default([]),
  profiles: z.array(z.string()).optional(),
  healthcheck: z.object({ test: z.array(z.string()), start_period: z.string().optional(), disable: z.boolean().optional() }).optional(),
});
export type ComposeService = z.infer<typeof serviceSchema>;

const composeSchema = z.object({
  services: z.record(z.string(), serviceSchema),
  secrets: z.record(z.string(), z.object({ file: z.string() })).default({}),
});
export type ComposeFile = z.infer<typeof composeSchema>;

/** Compose's variable substitution over every string in the file. */
export function interpolate(text: string, variables: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced, operator, argument, bare) => {
      if (match === '$$') return '$';
      const name = String(braced ?? bare);
      const value = variables[name];
      const unset = operator?.startsWith(':') ? value === undefined || value === '' : value === undefined;
      if (operator?.endsWith('-')) return unset ? String(argument) : String(value);
      if (operator?.endsWith('?')) {
        if (unset) throw new Error(`docker-compose.yml: required variable ${name} is missing a value: ${String(argument)}`);
        return String(value);
      }
      return value ?? '';
    },
  );
}

function interpolateAll(node: unknown, variables: Record<string, string | undefined>): unknown {
  if (typeof node === 'string') return interpolate(node, variables);
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, variables));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateAll(value, variables)]));
  }
  return node;
}

/** The whole file as compose sees it once merged and interpolated. */
export function readComposeDocument(variables: Record<string, string | undefined>): unknown {
  const document: unknown = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true });
  return interpolateAll(document, variables);
}

/** What the tests read of it: services and secrets. */
export function readCompose(variables: Record<string, string | undefined>): ComposeFile {
  return composeSchema.parse(readComposeDocument(variables));
}

/** The `ENV` of a Dockerfile: what every container of its image starts with. */
export function imageEnvironment(dockerfile: string): Record<string, string> {
  const joined = readFileSync(dockerfile, 'utf8').replace(/\\\n/g, ' ');
  const environment: Record<string, string> = {};
  for (const line of joined.split('\n')) {
    const instruction = /^\s*ENV\s+(.*)$/.exec(line);
    if (!instruction) continue;
    for (const [, name = '', value = ''] of String(instruction[1]).matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
      environment[name] = value.replace(/^"(.*)"$/, '$1');
    }
  }
  return environment;
}

/** The environment a service's container starts with. */
export function containerEnvironment(service: ComposeService): Record<string, string> {
  const dockerfile = service.build && path.join(REPOSITORY, service.build.context, service.build.dockerfile);
  return { ...(dockerfile ? imageEnvironment(dockerfile) : {}), ...service.environment };
}
