import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { TABLES, TableKey } from '../../functions/commons/table-design';
import { HouseFunction } from '../../lib/house-function';
import { InboxData } from '../../lib/inbox-data';
import { FIXTURE_ENTRY, actionsOf, logicalId, resourcesOf, statementsOfRole, synthHostedInbox, testApp } from './synth';

describe('HouseFunction defaults', () => {
  const stack = new Stack(testApp(), 'Fn');
  const fn = new HouseFunction(stack, 'Fn', { entry: FIXTURE_ENTRY });
  const template = Template.fromStack(stack);

  test('Node 22 on ARM64, JSON logs into its own log group kept one month, no source-map parsing at cold start', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 30,
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: { Ref: logicalId(fn.logGroup) } }),
    });
    const variables = Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Environment?.Variables ?? {};
    expect(variables.NODE_OPTIONS).toBeUndefined();
    expect(Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.ReservedConcurrentExecutions).toBeUndefined();
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    // Retention set by CloudFormation, not by the LogRetention custom resource.
    template.resourceCountIs('Custom::LogRetention', 0);
  });

  test('bindTables("read") passes each table name and grants no writes', () => {
    const readStack = new Stack(testApp(), 'Read');
    const data = new InboxData(readStack, 'Data');
    const reader = new HouseFunction(readStack, 'Reader', { entry: FIXTURE_ENTRY }).bindTables(
      { contacts: data.tables.contacts },
      'read',
    );
    const readTemplate = Template.fromStack(readStack);
    readTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { CONTACTS_TABLE: { Ref: logicalId(data.tables.contacts) } } },
    });
    const fnProps = Object.values(readTemplate.findResources('AWS::Lambda::Function'))[0].Properties;
    expect(Object.keys(fnProps.Environment.Variables)).not.toContain('INBOXES_TABLE');
    const actions = statementsOfRole(readTemplate, logicalId(reader.function.role!)).flatMap(actionsOf);
    expect(actions.sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
  });
});

describe('HouseFunction options', () => {
  test('reservedConcurrency reserves (and caps) the function', () => {
    const stack = new Stack(testApp(), 'Reserved');
    new HouseFunction(stack, 'Fn', { entry: FIXTURE_ENTRY, reservedConcurrency: 3 });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 3 });
  });

  test('bindTables with explicit actions grants exactly those, on the table and its indexes', () => {
    const stack = new Stack(testApp(), 'Exact');
    const data = new InboxData(stack, 'Data');
    const fn = new HouseFunction(stack, 'Fn', { entry: FIXTURE_ENTRY }).bindTables({ tickets: data.tables.tickets }, ['GetItem', 'UpdateItem']);
    const statements = statementsOfRole(Template.fromStack(stack), logicalId(fn.function.role!));
    expect(statements.flatMap(actionsOf).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(JSON.stringify(statements.flatMap(resourcesOf))).toContain('/index/*');
    expect(() => new HouseFunction(stack, 'None', { entry: FIXTURE_ENTRY }).bindTables({ tickets: data.tables.tickets }, [])).toThrow(/at least one action/);
  });
});

describe('Inbound function', () => {
  const { data, application, appTemplate } = synthHostedInbox();
  const inbound = application.inboundFunction;
  const statements = statementsOfRole(appTemplate, logicalId(inbound.function.role!));
  const mentions = (id: string) => (r: unknown) => JSON.stringify(r).includes(id);

  test('sized for 40 MB mail', () => {
    appTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 120,
      Environment: {
        Variables: Match.objectLike({ INBOX_DOMAIN: 'inbox.example.com', RAW_MAIL_PREFIX: 'inbound/' }),
      },
    });
  });

  test('gets every table and the bucket in the variables the function reads', () => {
    const fn = appTemplate.toJSON().Resources[logicalId(inbound.function)];
    const variables = fn.Properties.Environment.Variables;
    for (const key of Object.keys(TABLES) as TableKey[]) {
      expect(JSON.stringify(variables[TABLES[key].envVar])).toContain(logicalId(data.data.tables[key]));
    }
    expect(JSON.stringify(variables.MAIL_BUCKET)).toContain(logicalId(data.data.bucket));
  });

  test('no DynamoDB or S3 action on "*"', () => {
    const dataStatements = statements.filter((s) => actionsOf(s).some((a) => /^(dynamodb|s3):/.test(a)));
    expect(dataStatements.length).toBeGreaterThan(0);
    for (const s of dataStatements) {
      for (const resource of resourcesOf(s)) expect(resource).not.toBe('*');
      for (const action of actionsOf(s)) expect(action).not.toMatch(/^(dynamodb|s3):\*$/);
    }
  });

  test('DynamoDB rights name exactly the four tables, plus the indexes of those that have them', () => {
    const resources = statements
      .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
      .flatMap(resourcesOf)
      .map((r) => JSON.stringify(r));
    const tableIds = (Object.keys(TABLES) as TableKey[]).map((key) => logicalId(data.data.tables[key]));
    for (const resource of resources) expect(tableIds.some((id) => resource.includes(id))).toBe(true);
    for (const key of Object.keys(TABLES) as TableKey[]) {
      const indexed = TABLES[key].indexes.length > 0;
      expect(resources.some((r) => r.includes(logicalId(data.data.tables[key])) && r.includes('/index/*'))).toBe(indexed);
    }
    const writes = statements.filter((s) => actionsOf(s).includes('dynamodb:PutItem')).flatMap(resourcesOf);
    for (const key of Object.keys(TABLES) as TableKey[]) {
      expect(writes.some(mentions(logicalId(data.data.tables[key])))).toBe(true);
    }
  });

  test('S3: reads raw mail only, writes (and tags, for the lifecycle) bodies and attachments only, deletes nothing', () => {
    const s3Statements = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    const objectPatterns = (pred: (a: string) => boolean) =>
      s3Statements
        .filter((s) => actionsOf(s).some(pred))
        .flatMap(resourcesOf)
        .map((r) => JSON.stringify(r))
        .filter((r) => r.includes('Fn::Join'))
        .map((r) => r.match(/"(\/[^"]*)"/)![1])
        .sort();
    expect(objectPatterns((a) => a.startsWith('s3:GetObject'))).toEqual(['/inbound/*']);
    expect(objectPatterns((a) => a === 's3:PutObject')).toEqual(['/attachments/*', '/bodies/*']);
    expect([...new Set(s3Statements.flatMap(actionsOf))].sort()).toEqual(['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 's3:PutObjectTagging']);
    expect(objectPatterns((a) => a === 's3:PutObjectTagging')).toEqual(['/attachments/*', '/bodies/*']);
    // ListBucket (so a missing raw object reads as NoSuchKey, a permanent failure) on the bucket itself only.
    const lists = s3Statements.filter((s) => actionsOf(s).includes('s3:ListBucket'));
    expect(lists.flatMap(actionsOf)).toEqual(['s3:ListBucket']);
    expect(lists.flatMap(resourcesOf)).toEqual([{ 'Fn::ImportValue': expect.stringContaining(logicalId(data.data.bucket)) }]);
    for (const resource of s3Statements.flatMap(resourcesOf)) {
      expect(JSON.stringify(resource)).toContain(logicalId(data.data.bucket));
    }
  });
});
