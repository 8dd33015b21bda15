import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Construct, IConstruct } from 'constructs';
import { ACTIVATION_WARNING, receiptRuleName, SES_RULE_NAME } from '../../lib/mail-receiving';
import { SES_RECEIVING_REGIONS } from '../../lib/receiving-region';
import { logicalId, synthHostedInbox } from './synth';

/** The SDK call JSON of an AwsCustomResource, with `{ Ref: X }` tokens rendered as `${Ref:X}`. */
function parseJoinedJson(value: unknown): unknown {
  if (typeof value === 'string') return JSON.parse(value);
  const [separator, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = parts
    .map((part) => (typeof part === 'string' ? part : `\${Ref:${(part as { Ref: string }).Ref}}`))
    .join(separator);
  return JSON.parse(text);
}

describe('MailReceiving', () => {
  const { data, application, dataTemplate, appTemplate } = synthHostedInbox();
  const receiving = application.mailReceiving;
  const ruleArn = (ruleSet: string) => ({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:receipt-rule-set/${ruleSet}:receipt-rule/inbox-inbox.example.com`]],
  });
  const fromOurRule = (ruleSet = 'hosted-inbox') => ({
    StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    ArnLike: { 'aws:SourceArn': ruleArn(ruleSet) },
  });

  test('one named receipt rule for every address of the domain and its subdomains: scan, TLS, store and notify', () => {
    appTemplate.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
    appTemplate.hasResourceProperties('AWS::SES::ReceiptRuleSet', { RuleSetName: 'hosted-inbox' });
    appTemplate.resourceCountIs('AWS::SES::ReceiptRule', 1);
    appTemplate.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: { Ref: logicalId(receiving.ruleSet as Construct & IConstruct) },
      Rule: {
        Name: 'inbox-inbox.example.com',
        Enabled: true,
        // The bare domain, and (leading dot) every subdomain: support@acme.inbox.example.com.
        Recipients: ['inbox.example.com', '.inbox.example.com'],
        ScanEnabled: true,
        TlsPolicy: 'Require',
        // Exactly one action: store the raw mail and publish the receipt (envelope, verdicts, key) to the topic.
        Actions: Match.exact([
          { S3Action: { BucketName: { 'Fn::ImportValue': Match.stringLikeRegexp(logicalId(data.data.bucket)) }, ObjectKeyPrefix: 'inbound/', TopicArn: { Ref: logicalId(receiving.topic) } } },
        ]),
      },
    });
  });

  test('SES may put raw mail only under the prefix, for this account, and only for our rule (aws:SourceArn)', () => {
    dataTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'SesStoresMailOfOurRuleOnly',
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(data.data.bucket), 'Arn'] }, '/inbound/*']] },
            Condition: fromOurRule(),
          },
        ]),
      },
    });
    const bucketPolicies = JSON.stringify(dataTemplate.findResources('AWS::S3::BucketPolicy'));
    expect(bucketPolicies.match(/ses\.amazonaws\.com/g)).toHaveLength(1);
  });

  test('the receipt topic: only SES for our rule may publish, TLS only, delivered raw to the queue', () => {
    appTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: logicalId(receiving.topic) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          {
            Sid: 'SesPublishesOurRuleOnly',
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: logicalId(receiving.topic) },
            Condition: fromOurRule(),
          },
        ]),
      },
    });
    appTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      TopicArn: { Ref: logicalId(receiving.topic) },
      Endpoint: { 'Fn::GetAtt': [logicalId(receiving.queue), 'Arn'] },
      RawMessageDelivery: true,
    });
    appTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(receiving.queue) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: { ArnEquals: { 'aws:SourceArn': { Ref: logicalId(receiving.topic) } } },
          }),
        ]),
      },
    });
    // The rule is created only once SES may publish (SES checks when the rule is created).
    const rule = Object.values(appTemplate.findResources('AWS::SES::ReceiptRule'))[0];
    expect(rule.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^MailReceivingReceiptsPolicy/)]));
  });

  test('no S3 event notification: the receipt notification is the only announcement of new mail', () => {
    for (const template of [dataTemplate, appTemplate]) template.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  test('our rule set is activated on create and update and deactivated on delete, with a loud synth warning', () => {
    appTemplate.resourceCountIs('Custom::AWS', 1);
    const [activation] = Object.values(appTemplate.findResources('Custom::AWS'));
    const call = (key: string) => parseJoinedJson(activation.Properties[key]);
    expect(call('Create')).toEqual({
      service: 'SES',
      action: 'setActiveReceiptRuleSet',
      parameters: { RuleSetName: 'hosted-inbox' },
      physicalResourceId: { id: expect.any(String) },
    });
    expect(call('Update')).toEqual(call('Create'));
    expect(call('Delete')).toEqual({ service: 'SES', action: 'setActiveReceiptRuleSet', parameters: {} });
    expect(activation.Properties.InstallLatestAwsSdk).toBe(false);
    // Only once the rule exists and receipts reach the queue.
    expect(activation.DependsOn).toEqual(
      expect.arrayContaining([logicalId(receiving.rule), logicalId(receiving.queue), logicalId(receiving.subscription)]),
    );
    const warnings = Annotations.fromStack(application).findWarning('*', Match.stringLikeRegexp('replaces whatever rule set is active now'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toContain('-c receiptRuleSet=');
    expect(ACTIVATION_WARNING).toContain('WorkMail');
  });

  test('-c receiptRuleSet=NAME adds the rule to that set: nothing created, activated or deactivated, no warning', () => {
    const joined = synthHostedInbox({ receiptRuleSet: 'workmail-set' });
    joined.appTemplate.resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
    joined.appTemplate.resourceCountIs('Custom::AWS', 0);
    joined.appTemplate.hasResourceProperties('AWS::SES::ReceiptRule', { RuleSetName: 'workmail-set', Rule: Match.objectLike({ Name: 'inbox-inbox.example.com' }) });
    joined.dataTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'SesStoresMailOfOurRuleOnly', Condition: fromOurRule('workmail-set') })]) },
    });
    expect(Annotations.fromStack(joined.application).findWarning('*', Match.stringLikeRegexp('rule set'))).toEqual([]);
  });

  test('failed notifications go to a dead-letter queue after 5 receives; visibility is 6x the timeout', () => {
    appTemplate.resourceCountIs('AWS::SQS::Queue', 2);
    appTemplate.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 6 * 120,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(receiving.deadLetterQueue), 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    appTemplate.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  test('the inbound function drains the queue in batches, reporting per-message failures, at most 5 at once', () => {
    appTemplate.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    appTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(receiving.queue), 'Arn'] },
      FunctionName: { Ref: logicalId(application.inboundFunction.function) },
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    synthHostedInbox({ inboundMaxConcurrency: '20' }).appTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 20 },
    });
  });

  test('the function is not invoked by SES directly (no Lambda action, no SES invoke permission)', () => {
    appTemplate.resourcePropertiesCountIs('AWS::Lambda::Permission', { Principal: 'ses.amazonaws.com' }, 0);
  });

  test('both stacks refuse, at deploy, a region where SES does not receive mail, naming the supported ones', () => {
    for (const template of [dataTemplate, appTemplate]) {
      const rules = Object.values(template.toJSON().Rules ?? {}).filter((rule: any) => JSON.stringify(rule).includes('inbound-smtp') || JSON.stringify(rule).includes('us-east-1')) as any[];
      expect(rules).toHaveLength(1);
      const [assertion] = rules[0].Assertions;
      expect(assertion.Assert).toEqual({ 'Fn::Contains': [[...SES_RECEIVING_REGIONS], { Ref: 'AWS::Region' }] });
      expect(assertion.AssertDescription).toContain('does not receive email');
      expect(assertion.AssertDescription).toContain('eu-west-1');
    }
  });
});

describe('receipt rule names', () => {
  test('readable when short, hashed (stable, distinct, valid) when the domain is long', () => {
    expect(receiptRuleName('inbox.example.com')).toBe('inbox-inbox.example.com');
    const long = `${'a'.repeat(60)}.example.com`;
    const other = `${'a'.repeat(60)}.example.org`;
    expect(receiptRuleName(long)).toBe(receiptRuleName(long));
    expect(receiptRuleName(long)).not.toBe(receiptRuleName(other));
    for (const name of [receiptRuleName(long), receiptRuleName(other)]) expect(name).toMatch(SES_RULE_NAME);
  });
});
