/**
 * The OpenAPI 3.1 document of the API, generated from the routes as they are registered: each
 * route's querystring, path and body schemas (the same JSON Schemas Fastify validates requests
 * with) and its summary. A route cannot be added without appearing here.
 */
import { SOFTWARE_VERSION } from '../core/version.js';
import type { RouteAccess } from './accessGate.js';

export interface RouteDoc {
  method: string;
  url: string;
  summary: string;
  /** Who may ask it (docs/decisions/0074-sign-in-and-enforcement.md): every route says. */
  access: RouteAccess;
  description?: string;
  querystring?: JsonObjectSchema;
  params?: JsonObjectSchema;
  body?: Record<string, unknown>;
  /** Media type of the body when it is not JSON (uploads). */
  bodyType?: string;
  /** Media type of a successful answer (default application/json). */
  produces?: string;
}

export interface JsonObjectSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
  additionalProperties?: boolean;
}

export function openApiDocument(routes: readonly RouteDoc[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of [...routes].sort((a, b) => a.url.localeCompare(b.url))) {
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters = [
      ...Object.entries(r.params?.properties ?? {}).map(([name, schema]) => ({
        name,
        in: 'path',
        required: true,
        schema,
        ...(typeof schema['description'] === 'string'
          ? { description: schema['description'] }
          : {}),
      })),
      ...Object.entries(r.querystring?.properties ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: r.querystring?.required?.includes(name) ?? false,
        schema,
        ...(typeof schema['description'] === 'string'
          ? { description: schema['description'] }
          : {}),
      })),
    ];
    paths[path] = {
      ...paths[path],
      [r.method.toLowerCase()]: {
        summary: r.summary,
        ...(r.description === undefined ? {} : { description: r.description }),
        ...(parameters.length === 0 ? {} : { parameters }),
        ...(r.body === undefined
          ? {}
          : {
              requestBody: {
                required: true,
                content: { [r.bodyType ?? 'application/json']: { schema: r.body } },
              },
            }),
        responses: {
          '200': {
            description: 'success',
            content: { [r.produces ?? 'application/json']: { schema: {} } },
          },
          default: {
            description:
              'an error: { error: { kind, code, message, fix, problems } }, as `svd … --json` prints it; the status follows the kind (usage 400, input 422, workspace 409, network 502, internal 500)',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'svd dashboard API',
      version: SOFTWARE_VERSION,
      description:
        'The Serious Violence Duty dashboard: every endpoint calls the same core functions as the svd command line.',
    },
    paths,
    components: {
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: {
                kind: { enum: ['usage', 'input', 'workspace', 'network', 'internal'] },
                code: { type: 'string' },
                message: { type: 'string' },
                fix: { type: 'string' },
                problems: { type: 'array', items: { type: 'object' } },
              },
              required: ['kind', 'code', 'message'],
            },
          },
          required: ['error'],
        },
      },
    },
  };
}
