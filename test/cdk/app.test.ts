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

  test('requires a domain', () => {
    expect(() => readConfig(testApp({ domain: undefined }))).toThrow(/-c domain=/);
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
    });
    expect(readConfig(testApp({ terminationProtection: true })).terminationProtection).toBe(true);
    expect(() => readConfig(testApp({ rawMailRetentionDays: '0' }))).toThrow(/rawMailRetentionDays/);
    expect(() => readConfig(testApp({ rawMailRetentionDays: 'a year' }))).toThrow(/rawMailRetentionDays/);
    expect(() => readConfig(testApp({ alarmEmail: 'ops' }))).toThrow(/alarmEmail/);
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
    for (const type of ['AWS::S3::Bucket', 'AWS::DynamoDB::GlobalTable', 'AWS::SES::EmailIdentity']) {
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

  test('outputs: MX and DKIM records to publish, bucket name, dead-letter queue URL', () => {
    dataTemplate.hasOutput('MxRecord', {
      Value: { 'Fn::Join': ['', ['10 inbound-smtp.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
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
