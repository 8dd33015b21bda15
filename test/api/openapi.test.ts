/**
 * The OpenAPI document against what the API really does: every route documented and nothing else, the
 * committed openapi.json up to date, each documented request schema agreeing with the validator the handler
 * uses on valid and invalid bodies, and real answers (the wizard walked through HTTP) matching the
 * documented responses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { API_ROUTES, routeKey } from '../../functions/api/routes';
import { openApiDocument } from '../../functions/api/openapi/document';
import { OPERATIONS } from '../../functions/api/openapi/operations';
import { call, createTestAccount, startTestApi, TestApi } from '../support/api';

type Json = any;
const document: Json = openApiDocument();

const documentedKeys = () =>
  Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));

describe('the document covers exactly the route table', () => {
  const routeKeys = API_ROUTES.map(routeKey);

  test('every route has an entry in OPERATIONS, and every entry names a route', () => {
    expect(routeKeys.filter((key) => !OPERATIONS[key])).toEqual([]);
    expect(Object.keys(OPERATIONS).filter((key) => !routeKeys.includes(key))).toEqual([]);
  });

  test('the document names every route, and no route that does not exist', () => {
    expect(documentedKeys().sort()).toEqual([...routeKeys].sort());
  });

  test('public routes need no token, every other route the bearer token', () => {
    for (const route of API_ROUTES) {
      const operation = document.paths[route.path][route.method.toLowerCase()];
      expect([routeKey(route), operation.security]).toEqual([routeKey(route), route.auth === 'public' ? [] : [{ bearer: [] }]]);
    }
  });

  test('path parameters are those of the path', () => {
    for (const route of API_ROUTES) {
      const operation = document.paths[route.path][route.method.toLowerCase()];
      const inPath = (operation.parameters ?? []).filter((p: Json) => p.in === 'path').map((p: Json) => p.name);
      expect(inPath).toEqual([...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name));
    }
  });

  test('every $ref points at something the document holds (client generators refuse dangling ones)', () => {
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g)!.map((ref) => ref.slice(8, -1));
    expect(refs.length).toBeGreaterThan(10);
    const resolve = (ref: string) => ref.slice(2).split('/').reduce((node: Json, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], document);
    expect(refs.filter((ref) => !ref.startsWith('#/') || resolve(ref) === undefined)).toEqual([]);
  });

  test('openapi.json in the repository is the generated document (run `npm run openapi`)', () => {
    expect(JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8'))).toEqual(document);
  });
});

function validatorOf(document: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi.json');
  const pointer = (parts: string[]) => parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
  return (...parts: string[]) => ajv.compile({ $ref: `openapi.json#/${pointer(parts)}` });
}
const schemaAt = validatorOf(document);

/** Values of the wrong kind, or out of any bound, for any field. */
const WRONG_VALUES: unknown[] = [null, 12345, 1.5, true, '', 'x'.repeat(5000), [], {}, ['x'], { unexpected: 1 }];

/** Copies of `value` with one thing changed at each place in it: a field removed or replaced, an unknown field added. */
function mutations(value: unknown): unknown[] {
  const out: unknown[] = WRONG_VALUES.filter((wrong) => JSON.stringify(wrong) !== JSON.stringify(value));
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      for (const changed of mutations(item)) out.push(value.map((other, at) => (at === index ? changed : other)));
    });
    if (value.length) out.push([...value, value[0]]); // a repeated item
  } else if (value && typeof value === 'object') {
    out.push({ ...value, unexpectedField: true });
    for (const [key, item] of Object.entries(value)) {
      const { [key]: _removed, ...without } = value as Record<string, unknown>;
      out.push(without);
      for (const changed of mutations(item)) out.push({ ...value, [key]: changed });
    }
  }
  return out;
}

const bodyOperations = Object.entries(OPERATIONS).filter(([, operation]) => operation.body);

const repeats = (values: unknown[]) => new Set(values).size !== values.length;
/** Rules JSON Schema cannot state (the document says them in words): such samples must be refused by the validator. */
const IN_WORDS_ONLY: Record<string, (body: Json) => boolean> = {
  'POST /pipelines': (body) => Array.isArray(body?.stages) && repeats(body.stages.map((stage: Json) => stage?.stageId)),
};

describe('documented request bodies agree with the validators', () => {
  test.each(bodyOperations.map(([key, operation]) => [key, operation] as const))('%s', (key, operation) => {
    const [method, path] = key.split(' ');
    const documented = schemaAt('paths', path, method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema');
    const { schema, example } = operation.body!;
    expect(document.paths[path][method.toLowerCase()].requestBody.content['application/json'].example).toEqual(example);
    const verdicts = [example, ...mutations(example)].map((body) => ({ body: JSON.stringify(body).slice(0, 200), validator: schema.safeParse(body).success, document: documented(body) }));
    expect(verdicts[0]).toMatchObject({ validator: true, document: true });
    const inWords = IN_WORDS_ONLY[key] ?? (() => false);
    const samples = [example, ...mutations(example)];
    expect(verdicts.filter((verdict, index) => (inWords(samples[index]) ? verdict.validator : verdict.validator !== verdict.document))).toEqual([]);
    // The samples are not all trivially accepted or refused.
    expect(verdicts.filter((verdict) => !verdict.validator).length).toBeGreaterThan(3);
  });

  test.each(Object.entries(OPERATIONS).filter(([, operation]) => operation.query))('query of %s', (key, operation) => {
    const [method, path] = key.split(' ');
    const parameters: Json[] = document.paths[path][method.toLowerCase()].parameters.filter((p: Json) => p.in === 'query');
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    const accepts = (query: Record<string, unknown>) =>
      Object.keys(query).every((name) => parameters.some((p) => p.name === name)) &&
      parameters.every((p) => {
        const value = query[p.name] as string | undefined;
        if (value === undefined) return !p.required;
        // A number parameter is sent as its decimal digits.
        if (p.schema.type === 'integer' || p.schema.type === 'number') return /^-?[0-9]+(\.[0-9]+)?$/.test(value) && ajv.validate(p.schema, Number(value));
        return ajv.validate(p.schema, value);
      });
    const samples: Record<string, unknown>[] = [{}, { unknown: 'x' }];
    for (const parameter of parameters) {
      for (const value of ['1', '20', '0', '101', '1.5', '-3', '007', 'abc', 'none', 'usr_a1', 'support', 'x'.repeat(3000), 'Zm9vYmFy']) samples.push({ [parameter.name]: value });
    }
    // Refinements across parameters (stageId needs pipelineId) are documented in words only: compare one parameter at a time.
    const single = samples.filter((query) => !(key === 'GET /tickets' && 'stageId' in query));
    const disagreements = single.filter((query) => operation.query!.safeParse(query).success !== accepts(query));
    expect(disagreements).toEqual([]);
  });
});

describe('real answers match the documented responses', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.stop());

  const expectDocumented = (method: string, path: string, reply: { status: number; body: unknown }) => {
    const route = API_ROUTES.find((r) => r.method === method && new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(path.split('?')[0]))!;
    const status = String(OPERATIONS[routeKey(route)].status ?? 200);
    expect([path, reply.status]).toEqual([path, Number(status)]);
    const validate = schemaAt('paths', route.path, method.toLowerCase(), 'responses', status, 'content', 'application/json', 'schema');
    if (!validate(reply.body)) throw new Error(`${method} ${path}: ${JSON.stringify(validate.errors, null, 1)}\n${JSON.stringify(reply.body)}`);
  };

  test('GET /openapi.json serves the document, with the server it answers at, without a token', async () => {
    const served = await call(api, 'GET', '/openapi.json');
    expect(served.status).toBe(200);
    expect(served.body).toEqual({ ...document, servers: [{ url: api.url }] });
  });

  test('the wizard, directory and CRM routes answer what the document says', async () => {
    const account = await createTestAccount(api, 2);
    const [admin, second] = account.users;
    const token = admin.token;
    const run = async (method: string, path: string, body?: unknown) => {
      const reply = await call(api, method, path, { token, body });
      expectDocumented(method, path, reply);
      return reply.body;
    };
    await run('GET', '/me');
    await run('GET', '/account');
    await run('PATCH', '/account', { name: 'Renamed' });
    await run('GET', '/users');
    const user = await run('POST', '/users', { email: 'new@acme.example', name: 'New Agent', capacity: 3 });
    await run('GET', `/users/${user.userId}`);
    await run('PATCH', `/users/${user.userId}`, { capacity: null });
    await run('PUT', `/users/${second.userId}/availability`, { availability: 'away' });
    const team = await run('POST', '/teams', { name: 'Tier 2', memberIds: [second.userId] });
    await run('GET', '/teams');
    await run('GET', `/teams/${team.teamId}`);
    await run('PATCH', `/teams/${team.teamId}`, { name: 'Tier 3' });

    const inbox = await run('POST', '/inboxes', { name: 'Support', channel: 'team-email', accountType: 'shared', provider: 'other' });
    const at = `/inboxes/${inbox.inboxId}`;
    await run('PUT', `${at}/sender-name`, { mode: 'agent-and-company', companyName: 'Acme' });
    await run('PUT', `${at}/sender-address`, { mode: 'custom', address: `help@${account.subdomain}.example` });
    await run('POST', `${at}/sender-address/verification`);
    await run('PUT', `${at}/sender-address`, { mode: 'default', username: 'help' });
    await run('PUT', `${at}/assignment`, { mode: 'specific', userIds: [admin.userId], teamIds: [team.teamId] });
    await run('PUT', `${at}/tickets`, { enabled: true, template: { name: '{{subject}}', pipelineId: 'support', stageId: 'new', priority: 'low', owner: { type: 'assignee' } } });
    await run('PUT', `${at}/forwarding-address`, { localPart: `support-${account.subdomain}` });
    await run('POST', `${at}/connect`);
    await run('GET', at);
    await run('GET', '/inboxes');
    await run('GET', '/channels');

    const pipeline = await run('POST', '/pipelines', { name: 'Billing', stages: [{ stageId: 'new', name: 'New' }] });
    await run('GET', '/pipelines');
    await run('GET', `/pipelines/${pipeline.pipelineId}`);
    await run('GET', '/tickets?limit=5');

    const verify = await call(api, 'GET', '/verify?token=nonsense', { headers: { accept: 'application/json' } });
    expect(verify.status).toBe(404); // an unknown token: the documented body all the same
    expect(schemaAt('paths', '/verify', 'get', 'responses', '200', 'content', 'application/json', 'schema')(verify.body)).toBe(true);
  });

  test('refusals answer the documented error shape, naming the field', async () => {
    const account = await createTestAccount(api, 1);
    const refused = await call(api, 'POST', '/teams', { token: account.token, body: { name: '' } });
    expect(refused.status).toBe(400);
    expect(schemaAt('components', 'schemas', 'Error')(refused.body)).toBe(true);
    expect(refused.body.error.issues).toEqual([expect.objectContaining({ field: 'name' })]);
    const unauthorized = await call(api, 'GET', '/me');
    expect(unauthorized.status).toBe(401);
    expect(schemaAt('components', 'responses', 'Unauthorized', 'content', 'application/json', 'schema')(unauthorized.body)).toBe(true);
  });
});
