import { Match } from 'aws-cdk-lib/assertions';
import { API_ROUTES, ApiFunctionName, routeKey } from '../../functions/api/routes';
import { TABLES, TableKey } from '../../functions/commons/table-design';
import { API_FUNCTION_NAMES } from '../../lib/inbox-api';
import { actionsOf, logicalId, resourcesOf, statementsOfRole, synthHostedInbox } from './synth';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

const READ = ['GetItem', 'BatchGetItem', 'Query'];
const READ_WRITE = [...READ, 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'];
/**
 * Exactly the DynamoDB actions each function may perform on each table ('read' and 'readWrite': the presets of
 * HouseFunction.bindTables); anything absent is no access at all.
 */
const TABLE_ACCESS: Record<ApiFunctionName, Partial<Record<TableKey, 'read' | 'readWrite' | readonly string[]>>> = {
  directory: { inboxes: 'readWrite' },
  inboxes: { inboxes: 'readWrite', tickets: ['GetItem', 'Query'] },
  crm: { tickets: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], contacts: ['GetItem', 'Query', 'UpdateItem'], inboxes: 'read', conversations: 'read' },
  // Reads the token and the inbox; confirms with a transaction of two updates (TransactWriteItems is authorized per item).
  verification: { inboxes: ['GetItem', 'UpdateItem'] },
  openapi: {},
  conversations: { conversations: 'readWrite', inboxes: 'readWrite', contacts: ['GetItem', 'UpdateItem'], tickets: ['UpdateItem'] },
  // A reply reads and commits the conversation (and assigns it to the replier: users' open counts).
  replies: { conversations: 'readWrite', inboxes: 'readWrite' },
  // Lists, reads and marks deleted quarantine receipts; reads the inbox, the caller's role and health counters.
  mail: { conversations: ['GetItem', 'Query', 'UpdateItem'], inboxes: ['GetItem'] },
  // A release runs the inbound chain: it files mail as the inbound function does, on the four tables.
  release: { conversations: 'readWrite', inboxes: 'readWrite', contacts: 'readWrite', tickets: 'readWrite' },
};
/** No function scans, batch-writes or reads streams. */
const NEVER = ['dynamodb:Scan', 'dynamodb:BatchWriteItem', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream'];
const SENDS_EMAIL: readonly ApiFunctionName[] = ['inboxes', 'replies'];
/** Sends the system's own mail (verification) from SYSTEM_FROM; replies are sent from the inbox's address. */
const SENDS_SYSTEM_MAIL: readonly ApiFunctionName[] = ['inboxes'];
/** Reads mail bodies and attachments (and uploads reply attachments) under named prefixes of the mail bucket. */
const MAIL_BUCKET_PREFIXES: Partial<Record<ApiFunctionName, readonly string[]>> = { conversations: ['bodies/*', 'attachments/*', 'outbound/*'], replies: ['bodies/*', 'outbound/*'], release: ['inbound/*', 'bodies/*', 'attachments/*'] };
/** Functions that manage users in the Cognito pool (invited users get their sign-in). */
const MANAGES_SIGN_INS: readonly ApiFunctionName[] = ['directory'];
const PUBLIC_ROUTE_KEYS = ['GET /openapi.json', 'GET /verify', 'POST /verify'];

const ofType = (resources: Record<string, Resource>, type: string) =>
  Object.entries(resources).filter(([, r]) => r.Type === type);

describe('InboxApi routes and authorization', () => {
  const { data, application, appTemplate } = synthHostedInbox();
  const api = application.api;
  const resources: Record<string, Resource> = appTemplate.toJSON().Resources;
  const routes = ofType(resources, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
  const [[authorizerId, authorizer]] = ofType(resources, 'AWS::ApiGatewayV2::Authorizer');

  test('one function per function name of the route table, and no function without routes', () => {
    expect([...API_FUNCTION_NAMES].sort()).toEqual([...new Set(API_ROUTES.map((r) => r.function))].sort());
    appTemplate.resourceCountIs('AWS::ApiGatewayV2::Integration', API_FUNCTION_NAMES.length);
  });

  test('exactly one route per entry of API_ROUTES, with its route key', () => {
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(API_ROUTES.map(routeKey).sort());
    expect(Object.keys(api.routes).sort()).toEqual(API_ROUTES.map(routeKey).sort());
  });

  test.each(API_ROUTES.map((r) => [routeKey(r), r.function] as const))(
    '%s is served by the %s function (Lambda proxy, payload 2.0)',
    (key, name) => {
      const route = routes.find((r) => r.RouteKey === key)!;
      const integrationId = route.Target['Fn::Join'][1][1].Ref;
      expect(resources[integrationId].Properties).toEqual(
        expect.objectContaining({
          IntegrationType: 'AWS_PROXY',
          PayloadFormatVersion: '2.0',
          IntegrationUri: { 'Fn::GetAtt': [logicalId(api.functions[name].function), 'Arn'] },
        }),
      );
    },
  );

  test('the only public routes are the verification link and the OpenAPI document', () => {
    expect(API_ROUTES.filter((r) => r.auth === 'public').map(routeKey).sort()).toEqual(PUBLIC_ROUTE_KEYS);
  });

  test('every route but the public ones needs a JWT from the authorizer; those need none', () => {
    for (const route of routes) {
      if (PUBLIC_ROUTE_KEYS.includes(route.RouteKey)) {
        expect(route.AuthorizationType).toBe('NONE');
        expect(route.AuthorizerId).toBeUndefined();
      } else {
        expect(route.AuthorizationType).toBe('JWT');
        expect(route.AuthorizerId).toEqual({ Ref: authorizerId });
      }
    }
  });

  test("the authorizer trusts the user pool's tokens for its web client, from the Authorization header", () => {
    const imported = (construct: Parameters<typeof logicalId>[0]) => ({
      'Fn::ImportValue': Match.stringLikeRegexp(`^HostedInbox-Data:ExportsOutputRef${logicalId(construct)}`),
    });
    expect(ofType(resources, 'AWS::ApiGatewayV2::Authorizer')).toHaveLength(1);
    appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: {
          'Fn::Join': [
            '',
            ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', imported(data.users!.userPool)],
          ],
        },
        Audience: [imported(data.users!.client)],
      },
    });
    expect(authorizer.Properties.ApiId).toEqual({ Ref: logicalId(api.httpApi) });
  });

  test('API Gateway may invoke each function from this API only, with one permission per function', () => {
    const permissions = ofType(resources, 'AWS::Lambda::Permission')
      .map(([, r]) => r.Properties)
      .filter((p) => p.Principal === 'apigateway.amazonaws.com');
    expect(permissions.map((p) => p.FunctionName['Fn::GetAtt'][0]).sort()).toEqual(
      API_FUNCTION_NAMES.map((name) => logicalId(api.functions[name].function)).sort(),
    );
    for (const permission of permissions) {
      expect(JSON.stringify(permission.SourceArn)).toContain(JSON.stringify({ Ref: logicalId(api.httpApi) }));
    }
  });
});

describe('API functions', () => {
  const { data, application, appTemplate } = synthHostedInbox();
  const resources: Record<string, Resource> = appTemplate.toJSON().Resources;
  const tableIds = Object.fromEntries(
    (Object.keys(TABLES) as TableKey[]).map((key) => [key, logicalId(data.data.tables[key])]),
  ) as Record<TableKey, string>;
  const mentionedTables = (value: unknown) =>
    (Object.keys(tableIds) as TableKey[]).filter((key) => JSON.stringify(value).includes(tableIds[key]));

  describe.each(API_FUNCTION_NAMES)('%s', (name) => {
    const fn = application.api.functions[name].function;
    const variables: Record<string, unknown> = resources[logicalId(fn)].Properties.Environment.Variables;
    const statements = statementsOfRole(appTemplate, logicalId(fn.role!));
    const access = TABLE_ACCESS[name];

    test('Node 22 on ARM64, sized for interactive requests (a release as the inbound function, for as long as API Gateway waits)', () => {
      // A release runs the inbound chain: the inbound function's memory, and API Gateway's 30 s less a second.
      const inbound = resources[logicalId(application.inboundFunction.function)].Properties;
      const size = name === 'release' ? { MemorySize: inbound.MemorySize, Timeout: 29 } : { MemorySize: 512, Timeout: 10 };
      expect(inbound.MemorySize).toBe(1024);
      expect(resources[logicalId(fn)].Properties).toEqual(expect.objectContaining({ Runtime: 'nodejs22.x', Architectures: ['arm64'], ...size }));
    });

    test('variables: INBOX_DOMAIN and exactly the tables it uses', () => {
      expect(variables.INBOX_DOMAIN).toBe('inbox.example.com');
      const tableVariables = Object.keys(variables).filter((v) => v.endsWith('_TABLE'));
      expect(tableVariables.sort()).toEqual(
        (Object.keys(access) as TableKey[]).map((key) => TABLES[key].envVar).sort(),
      );
      for (const key of Object.keys(access) as TableKey[]) {
        expect(mentionedTables(variables[TABLES[key].envVar])).toEqual([key]);
      }
      if (SENDS_SYSTEM_MAIL.includes(name)) expect(variables.SYSTEM_FROM).toBe('hosted-inbox <no-reply@inbox.example.com>');
      else expect(variables.SYSTEM_FROM).toBeUndefined();
    });

    test('IAM: exactly its DynamoDB actions on its tables (and their indexes), SES only from the system address', () => {
      // Only the OpenAPI function touches no table (its role keeps just the logging grants).
      expect(statements.length > 0).toBe(Object.keys(access).length > 0 || SENDS_EMAIL.includes(name));
      for (const statement of statements) {
        for (const action of actionsOf(statement)) expect(action).toMatch(new RegExp(`^(dynamodb|ses${MAIL_BUCKET_PREFIXES[name] ? '|s3' : ''}${MANAGES_SIGN_INS.includes(name) ? '|cognito-idp' : ''}):[A-Z]`));
        for (const action of NEVER) expect(actionsOf(statement)).not.toContain(action);
        for (const resource of resourcesOf(statement)) expect(resource).not.toBe('*');
      }
      // S3 only on the object prefixes the function works with, never the whole bucket.
      for (const statement of statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')))) {
        const objects = resourcesOf(statement).map((resource) => JSON.stringify(resource)).filter((text) => text.includes('/'));
        for (const text of objects) expect([text, MAIL_BUCKET_PREFIXES[name]!.some((prefix) => text.includes(`/${prefix}`))]).toEqual([text, true]);
      }
      const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
      for (const statement of dynamo) for (const resource of resourcesOf(statement)) expect(resource).not.toBe('*');
      const granted = new Set(dynamo.flatMap((s) => resourcesOf(s).flatMap(mentionedTables)));
      expect([...granted].sort()).toEqual(Object.keys(access).sort());
      for (const key of Object.keys(access) as TableKey[]) {
        const on = dynamo.filter((s) => resourcesOf(s).some((r) => mentionedTables(r).includes(key)));
        const expected = access[key] === 'read' ? READ : access[key] === 'readWrite' ? READ_WRITE : access[key]!;
        expect([...new Set(on.flatMap(actionsOf))].sort()).toEqual(expected.map((a) => `dynamodb:${a}`).sort());
        for (const statement of on) {
          for (const resource of resourcesOf(statement)) {
            // The table ARN itself, or `<table ARN>/index/*` for tables that have indexes.
            const text = JSON.stringify(resource);
            expect(mentionedTables(resource)).toHaveLength(1);
            if (text.includes('/index/')) expect(text).toContain('"/index/*"');
          }
        }
        if (TABLES[key].indexes.length === 0) continue;
        expect(on.some((s) => resourcesOf(s).some((r) => JSON.stringify(r).includes('/index/*')))).toBe(true);
      }

      const sesStatements = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('ses:')));
      if (!SENDS_EMAIL.includes(name)) {
        expect(sesStatements).toEqual([]);
        return;
      }
      // In the SES sandbox the recipient's verified identity is authorized too, so the resource is every identity
      // of the account (never another account's). System mail is pinned to its one sender by condition; replies go
      // out from each inbox's own address. The inboxes function also creates and reads the identities of the
      // sending domains accounts connect.
      const sending = sesStatements.filter((s) => actionsOf(s).includes('ses:SendEmail'));
      expect(sending).toHaveLength(1);
      expect(actionsOf(sending[0])).toEqual(['ses:SendEmail']);
      expect(resourcesOf(sending[0])).toEqual([
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':identity/*']] },
      ]);
      expect(sending[0].Condition).toEqual(
        SENDS_SYSTEM_MAIL.includes(name) ? { StringLike: { 'ses:FromAddress': ['no-reply@inbox.example.com', '*<no-reply@inbox.example.com>'] } } : undefined,
      );
      const identities = sesStatements.filter((s) => !actionsOf(s).includes('ses:SendEmail'));
      expect(identities.map((s) => actionsOf(s).sort())).toEqual(name === 'inboxes' ? [['ses:CreateEmailIdentity', 'ses:GetEmailIdentity']] : []);
    });
  });
});

describe('the crm function', () => {
  const { data, application, appTemplate } = synthHostedInbox();
  const statements = statementsOfRole(appTemplate, logicalId(application.api.functions.crm.function.role!));
  const tableId = (key: TableKey) => logicalId(data.data.tables[key]);
  const on = (key: TableKey) => statements.filter((s) => resourcesOf(s).some((r) => JSON.stringify(r).includes(tableId(key))));
  const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

  test('reads the inboxes table (users, to check owners) but may not write it', () => {
    expect(on('inboxes').length).toBeGreaterThan(0);
    const actions = on('inboxes').flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:BatchGetItem']));
    for (const write of WRITES) expect(actions).not.toContain(write);
  });

  test('updates tickets and contacts, and only reads conversations (a contact\'s history)', () => {
    for (const key of ['tickets', 'contacts'] as const) expect(on(key).flatMap(actionsOf)).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:UpdateItem']));
    expect(on('conversations').flatMap(actionsOf)).toEqual(expect.arrayContaining(['dynamodb:Query']));
    for (const write of WRITES) expect(on('conversations').flatMap(actionsOf)).not.toContain(write);
  });

  test('serves exactly the pipeline, ticket and contact routes', () => {
    expect(API_ROUTES.filter((r) => r.function === 'crm').map(routeKey).sort()).toEqual(
      [
        'GET /pipelines',
        'POST /pipelines',
        'GET /pipelines/{pipelineId}',
        'GET /tickets',
        'GET /tickets/{ticketId}',
        'PATCH /tickets/{ticketId}',
        'GET /contacts/{contactId}',
        'PUT /contacts/{contactId}/owner',
        'GET /contacts',
        'PATCH /contacts/{contactId}',
        'GET /contacts/{contactId}/conversations',
      ].sort(),
    );
  });
});

describe('throttling', () => {
  const stageOf = (context: Record<string, unknown> = {}) => {
    const { application, appTemplate } = synthHostedInbox(context);
    const resources: Record<string, Resource> = appTemplate.toJSON().Resources;
    return { stage: resources[logicalId(application.api.stage)], application };
  };

  test('50 requests/s with bursts of 100 by default, 5/10 on the public /verify routes', () => {
    const { stage, application } = stageOf();
    expect(stage.Properties.StageName).toBe('$default');
    expect(stage.Properties.AutoDeploy).toBe(true);
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    expect(stage.Properties.RouteSettings).toEqual({
      'GET /openapi.json': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
      'GET /verify': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
      'POST /verify': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
    // API Gateway refuses settings for routes that do not exist yet.
    for (const key of PUBLIC_ROUTE_KEYS) {
      expect(stage.DependsOn).toContain(logicalId(application.api.routes[key]));
    }
  });

  test('apiRateLimit and apiBurstLimit from -c (strings) or cdk.json (numbers)', () => {
    expect(stageOf({ apiRateLimit: '20', apiBurstLimit: '40' }).stage.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 20,
      ThrottlingBurstLimit: 40,
    });
    expect(stageOf({ apiRateLimit: 200, apiBurstLimit: 400 }).stage.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 200,
      ThrottlingBurstLimit: 400,
    });
  });

  test('the public routes are never allowed more than the stage', () => {
    const { stage } = stageOf({ apiRateLimit: 2, apiBurstLimit: 3 });
    expect(stage.Properties.RouteSettings['GET /verify']).toEqual({ ThrottlingRateLimit: 2, ThrottlingBurstLimit: 3 });
  });

  test('bad limits fail with the context key in the message', () => {
    expect(() => synthHostedInbox({ apiRateLimit: 'fast' })).toThrow(/Context "apiRateLimit" must be a number/);
    expect(() => synthHostedInbox({ apiBurstLimit: '2.5' })).toThrow(/Context "apiBurstLimit" must be a whole number/);
  });
});

describe('CORS', () => {
  test('none by default: browsers on other origins cannot call the API', () => {
    synthHostedInbox().appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.absent(),
    });
  });

  test.each([
    ['a comma-separated -c string', 'https://app.example.com, http://localhost:5173'],
    ['a cdk.json array', ['https://app.example.com', 'http://localhost:5173']],
  ])('allowedOrigins from %s', (_how, allowedOrigins) => {
    synthHostedInbox({ allowedOrigins }).appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://app.example.com', 'http://localhost:5173'],
        AllowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        AllowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        AllowCredentials: Match.absent(),
      },
    });
  });

  test('a bad origin fails with a clear message', () => {
    expect(() => synthHostedInbox({ allowedOrigins: 'https://app.example.com/' })).toThrow(
      /Context "allowedOrigins" must list origins .* \(got "https:\/\/app.example.com\/"\)/,
    );
  });
});

describe('Cognito user pool (default identity provider)', () => {
  const { data, application, dataTemplate, appTemplate } = synthHostedInbox();
  const users = data.users!;

  test('lives in the data stack, retained and protected from deletion', () => {
    appTemplate.resourceCountIs('AWS::Cognito::UserPool', 0);
    dataTemplate.resourceCountIs('AWS::Cognito::UserPool', 1);
    const pool = dataTemplate.toJSON().Resources[logicalId(users.userPool)];
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
  });

  test('no self sign-up, sign-in by email, account and user ids as custom string attributes', () => {
    dataTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'account_id', AttributeDataType: 'String' }),
        Match.objectLike({ Name: 'user_id', AttributeDataType: 'String' }),
      ]),
    });
  });

  test('a public web client: no secret, SRP and refresh only, reads but cannot write the ids', () => {
    dataTemplate.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    const client = dataTemplate.toJSON().Resources[logicalId(users.client)].Properties;
    expect(client.GenerateSecret).toBe(false);
    expect([...client.ExplicitAuthFlows].sort()).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH']);
    expect(client.ReadAttributes).toEqual(expect.arrayContaining(['custom:account_id', 'custom:user_id', 'email']));
    // An explicit, non-empty list: an empty one would leave every attribute writable.
    expect(client.WriteAttributes.length).toBeGreaterThan(0);
    expect(client.WriteAttributes.filter((a: string) => a.startsWith('custom:'))).toEqual([]);
  });

  test('the directory function creates and removes users of the pool only (invited users sign in), told its id', () => {
    const fn = application.api.functions.directory.function;
    expect(appTemplate.toJSON().Resources[logicalId(fn)].Properties.Environment.Variables.USER_POOL_ID).toBeDefined();
    const cognitoStatements = statementsOfRole(appTemplate, logicalId(fn.role!)).filter((s) => actionsOf(s).some((a) => a.startsWith('cognito-idp:')));
    expect(cognitoStatements).toHaveLength(1);
    expect(actionsOf(cognitoStatements[0]).sort()).toEqual(['cognito-idp:AdminCreateUser', 'cognito-idp:AdminDeleteUser']);
    expect(JSON.stringify(resourcesOf(cognitoStatements[0]))).toContain(logicalId(users.userPool));
    for (const other of API_FUNCTION_NAMES.filter((name) => name !== 'directory')) {
      expect(statementsOfRole(appTemplate, logicalId(application.api.functions[other].function.role!)).flatMap(actionsOf).filter((a) => a.startsWith('cognito-idp:'))).toEqual([]);
    }
  });

  test('outputs: user pool and client ids, issuer, API URL; the inboxes table for create-account --stack', () => {
    dataTemplate.hasOutput('InboxesTableName', { Value: { Ref: logicalId(data.data.tables.inboxes) } });
    dataTemplate.hasOutput('UserPoolId', { Value: { Ref: logicalId(users.userPool) } });
    dataTemplate.hasOutput('UserPoolClientId', { Value: { Ref: logicalId(users.client) } });
    appTemplate.hasOutput('JwtIssuer', {
      Value: { 'Fn::Join': ['', Match.arrayWith(['https://cognito-idp.', '.amazonaws.com/'])] },
    });
    appTemplate.hasOutput('ApiUrl', {
      Value: {
        'Fn::Join': ['', Match.arrayWith(['https://', { Ref: logicalId(application.api.httpApi) }, '.execute-api.'])],
      },
    });
  });
});

describe('an existing identity provider (jwtIssuer + jwtAudience)', () => {
  const { data, dataTemplate, appTemplate } = synthHostedInbox({
    jwtIssuer: 'https://auth.example.com/',
    jwtAudience: 'web-app,mobile-app',
  });

  test('replaces the user pool', () => {
    expect(data.users).toBeUndefined();
    for (const template of [dataTemplate, appTemplate]) {
      template.resourceCountIs('AWS::Cognito::UserPool', 0);
      template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    }
    expect(Object.keys(dataTemplate.findOutputs('*'))).not.toContain('UserPoolId');
    expect(Object.keys(dataTemplate.findOutputs('*'))).not.toContain('UserPoolClientId');
  });

  test("the authorizer trusts that provider's issuer and audiences", () => {
    appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://auth.example.com/', Audience: ['web-app', 'mobile-app'] },
    });
    appTemplate.hasOutput('JwtIssuer', { Value: 'https://auth.example.com/' });
  });

  test('half a configuration, or an issuer that is not https, fails with a clear message', () => {
    const together = /"jwtIssuer" and "jwtAudience" go together/;
    expect(() => synthHostedInbox({ jwtIssuer: 'https://auth.example.com/' })).toThrow(together);
    expect(() => synthHostedInbox({ jwtAudience: 'web-app' })).toThrow(together);
    expect(() => synthHostedInbox({ jwtIssuer: 'http://auth.example.com', jwtAudience: 'web-app' })).toThrow(
      /Context "jwtIssuer" must be the https URL/,
    );
  });
});

describe('API alarms', () => {
  const { application, appTemplate } = synthHostedInbox();

  test('5xx answers of the API', () => {
    appTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: logicalId(application.api.httpApi) } }],
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
    });
  });

  test.each(API_FUNCTION_NAMES)('errors of the %s function', (name) => {
    appTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(application.api.functions[name].function) } }],
      Threshold: 0,
    });
  });
});

describe('operations', () => {
  const { application, appTemplate } = synthHostedInbox();
  const resources: Record<string, Resource> = appTemplate.toJSON().Resources;

  test('access logs on the stage: one JSON line per request, into a log group with retention', () => {
    const stage = resources[logicalId(application.api.stage)];
    const settings = stage.Properties.AccessLogSettings;
    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [logicalId(application.api.accessLogs), 'Arn'] });
    const format = JSON.parse(settings.Format);
    expect(format).toEqual(expect.objectContaining({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status' }));
    expect(settings.Format).not.toMatch(/body|authorization/i);
    expect(resources[logicalId(application.api.accessLogs)].Properties.RetentionInDays).toBe(30);
  });

  test('every log group of the app, custom resources included, has a retention; no implicit log group', () => {
    const logGroups = ofType(resources, 'AWS::Logs::LogGroup');
    expect(logGroups.length).toBeGreaterThan(0);
    for (const [, group] of logGroups) expect(group.Properties.RetentionInDays).toBe(30);
    for (const [id, fn] of ofType(resources, 'AWS::Lambda::Function')) {
      // A function without LoggingConfig.LogGroup logs into /aws/lambda/<name>, created on first use, kept forever.
      expect([id, fn.Properties.LoggingConfig?.LogGroup]).toEqual([id, expect.anything()]);
    }
    expect(ofType(resources, 'Custom::LogRetention')).toEqual([]);
  });

  test('no reserved concurrency by default (new accounts have 10, and Lambda keeps 10 unreserved); -c apiReservedConcurrency=N reserves N each', () => {
    for (const name of API_FUNCTION_NAMES) {
      expect(resources[logicalId(application.api.functions[name].function)].Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
    const reserved = synthHostedInbox({ apiReservedConcurrency: '3' });
    const reservedResources = reserved.appTemplate.toJSON().Resources;
    for (const name of API_FUNCTION_NAMES) {
      expect(reservedResources[logicalId(reserved.application.api.functions[name].function)].Properties.ReservedConcurrentExecutions).toBe(3);
    }
    // The inbound function is never reserved: its queue's maximum concurrency bounds it instead.
    expect(reserved.appTemplate.toJSON().Resources[logicalId(reserved.application.inboundFunction.function)].Properties.ReservedConcurrentExecutions).toBeUndefined();
  });
});
