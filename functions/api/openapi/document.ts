/**
 * The OpenAPI 3.1 document of the HTTP API, built from the route table (what exists, and who may call it) and
 * OPERATIONS (what each route takes and answers): request bodies and query strings are the zod schemas the
 * handlers validate with, turned into JSON Schema by zod itself, so the document cannot drift from the checks.
 */
import * as z from 'zod';
import { API_ROUTES, ApiRoute, routeKey } from '../routes';
import { Operation, OPERATIONS } from './operations';
import { RESPONSE_COMPONENTS } from './responses';

type JsonSchema = Record<string, unknown>;

const COMPONENT_REF = (id: string) => `#/components/schemas/${id}`;
/** Ids of operation-local response schemas: registered only to get $refs to the components inside them. */
const LOCAL_PREFIX = '__operation_';

/** `PUT /inboxes/{inboxId}/sender-name` → `putInboxesByInboxIdSenderName`. */
export function operationId(route: Pick<ApiRoute, 'method' | 'path'>): string {
  const words = route.path
    .split('/')
    .filter(Boolean)
    .map((segment) => segment.replace(/^\{(\w+)\}$/, 'by-$1').replace(/\.json$/, '-json'));
  return [route.method.toLowerCase(), ...words.flatMap((word) => word.split(/[-_.]/))]
    .map((word, index) => (index === 0 ? word : word[0].toUpperCase() + word.slice(1)))
    .join('');
}

/** A request schema as JSON Schema: what a client may send (`io: input`: before defaults and transforms). */
function requestSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return json;
}

/** Every response schema in one pass, so shared parts become `$ref`s to `components.schemas`. */
function responseSchemas(operations: [string, Operation][]) {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(RESPONSE_COMPONENTS)) registry.add(schema, { id });
  const idOf = new Map<z.ZodType, string>(Object.entries(RESPONSE_COMPONENTS).map(([id, schema]) => [schema, id]));
  for (const [key, operation] of operations) {
    if (!idOf.has(operation.response)) {
      const id = `${LOCAL_PREFIX}${key}`;
      registry.add(operation.response, { id });
      idOf.set(operation.response, id);
    }
  }
  const { schemas } = z.toJSONSchema(registry, {
    io: 'output',
    unrepresentable: 'any',
    uri: COMPONENT_REF,
    // `format: date-time` says it; zod's long equivalent regex would only repeat it on every timestamp.
    override: ({ jsonSchema }) => {
      if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
    },
  }) as { schemas: Record<string, JsonSchema> };
  const clean = (schema: JsonSchema) => {
    const { $schema: _dialect, $id: _id, ...rest } = schema;
    return rest;
  };
  const components = Object.fromEntries(Object.keys(RESPONSE_COMPONENTS).map((id) => [id, clean(schemas[id])]));
  const responseOf = (operation: Operation): JsonSchema => {
    const id = idOf.get(operation.response)!;
    return id.startsWith(LOCAL_PREFIX) ? clean(schemas[id]) : { $ref: COMPONENT_REF(id) };
  };
  return { components, responseOf };
}

function parameters(route: ApiRoute, operation: Operation): JsonSchema[] {
  const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string', maxLength: 128 } }));
  if (!operation.query) return inPath;
  type ObjectSchema = { properties?: Record<string, JsonSchema>; required?: string[] };
  const query = requestSchema(operation.query) as ObjectSchema;
  // Query values arrive as strings; one the validator turns into a number is documented as the number.
  const parsed = z.toJSONSchema(operation.query, { io: 'output', unrepresentable: 'any' }) as ObjectSchema;
  const inQuery = Object.entries(query.properties ?? {}).map(([name, schema]) => {
    const value = parsed.properties?.[name];
    const numeric = schema.type === 'string' && value?.type === 'number';
    const digitsOnly = typeof schema.pattern === 'string' && /^\^\[0-9\]\{[\d,]+\}\$$/.test(schema.pattern);
    return { name, in: 'query', required: query.required?.includes(name) ?? false, schema: numeric ? { ...value, ...(digitsOnly ? { type: 'integer' } : {}) } : schema };
  });
  return [...inPath, ...inQuery];
}

function operationObject(route: ApiRoute, operation: Operation, response: JsonSchema): JsonSchema {
  // 204: no body at all.
  const ok: JsonSchema = operation.status === 204 ? { description: operation.summary } : { description: operation.summary, content: { 'application/json': { schema: response } } };
  if (operation.html) (ok.content as JsonSchema)['text/html'] = { schema: { type: 'string' } };
  const responses: JsonSchema = {
    [String(operation.status ?? 200)]: ok,
    default: { description: 'A refusal: 400 names each offending field; 404 also for ids of other accounts', content: { 'application/json': { schema: { $ref: COMPONENT_REF('Error') } } } },
  };
  if (route.auth === 'jwt') responses['401'] = { $ref: '#/components/responses/Unauthorized' };
  const params = parameters(route, operation);
  const body = operation.body && {
    required: true,
    content: {
      'application/json': { schema: requestSchema(operation.body.schema), example: operation.body.example },
      ...(operation.html ? { 'application/x-www-form-urlencoded': { schema: requestSchema(operation.body.schema) } } : {}),
    },
  };
  return {
    operationId: operationId(route),
    summary: operation.summary,
    tags: [route.function],
    ...(params.length ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses,
    security: route.auth === 'jwt' ? [{ bearer: [] }] : [],
  };
}

export interface OpenApiOptions {
  /** Base URL of the API, for `servers`. @default - none (clients set their own) */
  readonly serverUrl?: string;
}

/**
 * The document. A route without an OPERATIONS entry (or an entry without a route) is left out: the OpenAPI
 * test names it, and serving the rest stays possible.
 */
export function openApiDocument(options: OpenApiOptions = {}): JsonSchema {
  const routes = API_ROUTES.filter((route) => OPERATIONS[routeKey(route)]);
  const { components, responseOf } = responseSchemas(routes.map((route) => [operationId(route), OPERATIONS[routeKey(route)]]));
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const operation = OPERATIONS[routeKey(route)];
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operationObject(route, operation, responseOf(operation));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'hosted-inbox API',
      version: '1',
      description:
        'The HTTP API of hosted-inbox. Send the ID token as `Authorization: Bearer`; every resource of another account answers 404. ' +
        'Request schemas are generated from the validators; rules JSON Schema cannot express (trimming, control characters, ' +
        'repeated ids, reserved local parts, ticket name templates) are checked too and named in 400 answers.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: {
      schemas: components,
      responses: {
        Unauthorized: {
          description: 'No valid bearer token (answered by the JWT authorizer)',
          content: { 'application/json': { schema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } } },
        },
      },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The Cognito ID token (or your issuer\'s token with the same claims)' } },
    },
  };
}
