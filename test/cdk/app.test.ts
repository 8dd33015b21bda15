import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { readConfig } from '../../lib/hosted-inbox';
import { logicalId, synthHostedInbox, testApp } from './synth';

describe('context', () => {
  test.each([
    'Inbox.Example.com',
    'inbox',
    'inbox.example.com.',
    '-inbox.example.com',
    'inbox_mail.example.com',
    'https://inbox.example.com',
    `${'a'.repeat(64)}.example.com`,
    42,
  ])('rejects domain %p with a clear message', (domain) => {
    expect(() => readConfig(testApp({ domain }))).toThrow(/Context "domain" must be a lowercase DNS name/);
  });

  test('requires a domain: no default (a placeholder would still replace the active rule set)', () => {
    expect(() => readConfig(testApp({ domain: undefined }))).toThrow('Context "domain" is required');
    expect(() => readConfig(testApp({ domain: undefined }))).toThrow(/-c domain=inbox.example.com/);
    const cdkJson = JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8'));
    expect(cdkJson.context?.domain).toBeUndefined();
    // `npm test` synthesizes the real app: it passes a domain explicitly.
    const { scripts } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    expect(scripts.synth).toContain('-c domain=');
  });

  test.each(['eu-north-1', 'us-west-1', 'sa-east-1', 'ap-south-1'])('refuses region %s, where SES does not receive mail, naming the supported ones', (region) => {
    const read = () => readConfig(testApp(), region);
    expect(read).toThrow(`Amazon SES does not receive email in ${region}`);
    expect(read).toThrow(/us-east-1, us-east-2, us-west-2, .*eu-west-1/);
  });

  test.each(['us-east-1', 'eu-west-1', 'ap-southeast-2', undefined])('accepts region %p (undefined: unknown until deploy, checked there)', (region) => {
    expect(readConfig(testApp(), region).domain).toBe('inbox.example.com');
  });

  test('receiptRuleSet: an SES rule set name; inboundMaxConcurrency and apiReservedConcurrency: whole numbers', () => {
    expect(readConfig(testApp({ receiptRuleSet: 'INBOUND_MAIL' })).receiptRuleSet).toBe('INBOUND_MAIL');
    for (const receiptRuleSet of ['', '-x', 'has space', 'a'.repeat(64), 42]) {
      expect(() => readConfig(testApp({ receiptRuleSet }))).toThrow(/Context "receiptRuleSet" must name an existing SES receipt rule set/);
    }
    expect(readConfig(testApp({ inboundMaxConcurrency: '8', apiReservedConcurrency: 2 }))).toEqual(
      expect.objectContaining({ inboundMaxConcurrency: 8, apiReservedConcurrency: 2 }),
    );
    for (const inboundMaxConcurrency of ['1', '1001', '2.5', 'many']) {
      expect(() => readConfig(testApp({ inboundMaxConcurrency }))).toThrow(/Context "inboundMaxConcurrency" must be a whole number from 2 to 1000/);
    }
    expect(() => readConfig(testApp({ apiReservedConcurrency: '0' }))).toThrow(/Context "apiReservedConcurrency" must be a whole number from 1/);
  });

  test.each(['inbox.example.com', 'mail.my-team.example.co.uk', 'x1.io'])('accepts domain %p', (domain) => {
    expect(readConfig(testApp({ domain })).domain).toBe(domain);
  });

  test('optional values, from cdk.json (typed) or -c (strings)', () => {
    expect(readConfig(testApp({ rawMailRetentionDays: '90', alarmEmail: 'ops@example.com' }))).toEqual({
      domain: 'inbox.example.com',
      rawMailRetentionDays: 90,
      alarmEmail: 'ops@example.com',
      terminationProtection: false,
      allowedOrigins: [],
      jwt: undefined,
      apiRateLimit: 50,
      apiBurstLimit: 100,
      receiptRuleSet: undefined,
      inboundMaxConcurrency: 5,
      apiReservedConcurrency: undefined,
      webConsole: false,
    });
    expect(readConfig(testApp({ terminationProtection: true })).terminationProtection).toBe(true);
    expect(() => readConfig(testApp({ rawMailRetentionDays: '0' }))).toThrow(/rawMailRetentionDays/);
    expect(() => readConfig(testApp({ rawMailRetentionDays: 'a year' }))).toThrow(/rawMailRetentionDays/);
    expect(() => readConfig(testApp({ alarmEmail: 'ops' }))).toThrow(/alarmEmail/);
  });

  test('allowedOrigins: a comma-separated string (-c) or an array (cdk.json) of https or localhost origins', () => {
    const fromString = readConfig(testApp({ allowedOrigins: 'https://app.example.com, http://localhost:5173,' }));
    expect(fromString.allowedOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(readConfig(testApp({ allowedOrigins: ['https://app.example.com:8443'] })).allowedOrigins).toEqual([
      'https://app.example.com:8443',
    ]);
    expect(readConfig(testApp({ allowedOrigins: '' })).allowedOrigins).toEqual([]);
  });

  test.each([
    '*',
    'app.example.com',
    'http://app.example.com',
    'https://app.example.com/',
    'https://app.example.com/app',
    'https://App.Example.com',
    'http://localhost',
    'https://*.example.com',
  ])('rejects origin %p with a clear message', (origin) => {
    const read = () => readConfig(testApp({ allowedOrigins: `https://ok.example.com,${origin}` }));
    expect(read).toThrow(/Context "allowedOrigins" must list origins such as https:\/\/app.example.com/);
    expect(read).toThrow(`(got ${JSON.stringify(origin)})`);
  });

  test('jwtIssuer and jwtAudience: both or neither, an https issuer, one or more audiences', () => {
    expect(readConfig(testApp({})).jwt).toBeUndefined();
    expect(
      readConfig(testApp({ jwtIssuer: 'https://auth.example.com/', jwtAudience: 'web, mobile' })).jwt,
    ).toEqual({ issuer: 'https://auth.example.com/', audience: ['web', 'mobile'] });
    expect(readConfig(testApp({ jwtIssuer: 'https://auth.example.com', jwtAudience: ['web'] })).jwt).toEqual({
      issuer: 'https://auth.example.com',
      audience: ['web'],
    });
    expect(() => readConfig(testApp({ jwtIssuer: 'https://auth.example.com' }))).toThrow(
      /"jwtIssuer" and "jwtAudience" go together: pass both .* or neither/,
    );
    expect(() => readConfig(testApp({ jwtAudience: 'web' }))).toThrow(/go together/);
    for (const jwtIssuer of ['http://auth.example.com', 'auth.example.com', 'https://auth.example.com/?x=1', 42]) {
      expect(() => readConfig(testApp({ jwtIssuer, jwtAudience: 'web' }))).toThrow(
        /Context "jwtIssuer" must be the https URL in the tokens' "iss" claim/,
      );
    }
    for (const jwtAudience of ['', ' , ', [], ['a b']]) {
      expect(() => readConfig(testApp({ jwtIssuer: 'https://auth.example.com', jwtAudience }))).toThrow(
        /Context "jwtAudience" must be one or more audiences/,
      );
    }
  });

  test('apiRateLimit and apiBurstLimit: positive numbers, bursts whole', () => {
    expect(readConfig(testApp({ apiRateLimit: '12.5', apiBurstLimit: 30 }))).toEqual(
      expect.objectContaining({ apiRateLimit: 12.5, apiBurstLimit: 30 }),
    );
    for (const apiRateLimit of ['0', '-1', 'fast', '', true]) {
      expect(() => readConfig(testApp({ apiRateLimit }))).toThrow(
        /Context "apiRateLimit" must be a number of requests per second > 0/,
      );
    }
    for (const apiBurstLimit of ['0', '2.5', 'lots']) {
      expect(() => readConfig(testApp({ apiBurstLimit }))).toThrow(
        /Context "apiBurstLimit" must be a whole number of requests >= 1/,
      );
    }
  });
});

describe('stacks', () => {
  const { data, application, dataTemplate, appTemplate } = synthHostedInbox({ rawMailRetentionDays: 90 });

  test('data and application stacks, env-agnostic, the application depending on the data', () => {
    expect(data.stackName).toBe('HostedInbox-Data');
    expect(application.stackName).toBe('HostedInbox-App');
    expect(data.resolve(data.region)).toEqual({ Ref: 'AWS::Region' });
    expect(application.dependencies).toContain(data);
    expect(data.dependencies).toEqual([]);
  });

  test('stateful resources live only in the data stack', () => {
    const stateful = [
      'AWS::S3::Bucket',
      'AWS::DynamoDB::GlobalTable',
      'AWS::SES::EmailIdentity',
      'AWS::Cognito::UserPool',
    ];
    for (const type of stateful) {
      expect(Object.keys(appTemplate.findResources(type))).toEqual([]);
    }
    dataTemplate.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'inbox.example.com',
      DkimAttributes: Match.absent(), // signing on (the default)
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' }, // Easy DKIM (BYODKIM would set a selector)
    });
  });

  test('rawMailRetentionDays reaches the lifecycle rule', () => {
    dataTemplate.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'raw-mail', ExpirationInDays: 90 })]) },
    });
  });

  test('termination protection of the data stack is opt-in', () => {
    expect(data.terminationProtection).toBe(false);
    expect(synthHostedInbox({ terminationProtection: 'true' }).data.terminationProtection).toBe(true);
  });

  test('outputs: MX (domain and wildcard) and DKIM records to publish, bucket name, dead-letter queue URL', () => {
    dataTemplate.hasOutput('MxRecord', {
      Value: { 'Fn::Join': ['', ['10 inbound-smtp.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
    });
    // Accounts' addresses live at subdomains (support@acme.inbox.example.com).
    dataTemplate.hasOutput('WildcardMxRecord', {
      Value: {
        'Fn::Join': ['', ['*.inbox.example.com MX 10 inbound-smtp.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
      },
    });
    const identity = logicalId(data.identity);
    for (const n of [1, 2, 3]) {
      dataTemplate.hasOutput(`DkimRecord${n}`, {
        Value: {
          'Fn::Join': [
            '',
            [
              { 'Fn::GetAtt': [identity, `DkimDNSTokenName${n}`] },
              ' CNAME ',
              { 'Fn::GetAtt': [identity, `DkimDNSTokenValue${n}`] },
            ],
          ],
        },
      });
    }
    dataTemplate.hasOutput('MailBucketName', { Value: { Ref: logicalId(data.data.bucket) } });
    appTemplate.hasOutput('DeadLetterQueueUrl', {
      Value: { Ref: logicalId(application.mailReceiving.deadLetterQueue) },
    });
  });
});
