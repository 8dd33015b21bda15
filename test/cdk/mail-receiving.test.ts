import { Match } from 'aws-cdk-lib/assertions';
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
  const refersToMailBucket = (template: unknown) => JSON.stringify(template).includes(logicalId(data.data.bucket));

  test('one receipt rule for every address of the domain and its subdomains: scan, TLS, then store raw mail', () => {
    appTemplate.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
    appTemplate.resourceCountIs('AWS::SES::ReceiptRule', 1);
    appTemplate.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: { Ref: logicalId(receiving.ruleSet) },
      Rule: {
        Enabled: true,
        // The bare domain, and (leading dot) every subdomain: support@acme.inbox.example.com.
        Recipients: ['inbox.example.com', '.inbox.example.com'],
        ScanEnabled: true,
        TlsPolicy: 'Require',
        // Exactly these actions, in this order: nothing but the S3 store (the queue does the rest).
        Actions: Match.exact([
          { S3Action: { BucketName: Match.anyValue(), ObjectKeyPrefix: 'inbound/' } },
        ]),
      },
    });
    const rule = Object.values(appTemplate.findResources('AWS::SES::ReceiptRule'))[0];
    expect(refersToMailBucket(rule.Properties.Rule.Actions[0].S3Action.BucketName)).toBe(true);
  });

  test('SES may put raw mail, only under the prefix and only for this account', () => {
    dataTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(data.data.bucket), 'Arn'] }, '/inbound/*']] },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]),
      },
    });
  });

  test('the rule set is activated on create and update, and deactivated on delete', () => {
    appTemplate.resourceCountIs('Custom::AWS', 1);
    const [activation] = Object.values(appTemplate.findResources('Custom::AWS'));
    const call = (key: string) => parseJoinedJson(activation.Properties[key]);
    const ruleSetRef = `\${Ref:${logicalId(receiving.ruleSet)}}`;
    expect(call('Create')).toEqual({
      service: 'SES',
      action: 'setActiveReceiptRuleSet',
      parameters: { RuleSetName: ruleSetRef },
      physicalResourceId: { id: expect.any(String) },
    });
    expect(call('Update')).toEqual(call('Create'));
    expect(call('Delete')).toEqual({ service: 'SES', action: 'setActiveReceiptRuleSet', parameters: {} });
    expect(activation.Properties.InstallLatestAwsSdk).toBe(false);
    // Only once the rule exists and stored mail is announced on the queue.
    expect(activation.DependsOn).toEqual(
      expect.arrayContaining([
        logicalId(receiving.rule),
        logicalId(receiving.queue),
        expect.stringMatching(/^MailReceivingMailBucketNotifications/),
      ]),
    );
  });

  test('new raw mail is announced on the queue, filtered by the raw prefix', () => {
    appTemplate.hasResourceProperties('Custom::S3BucketNotifications', {
      Managed: false,
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'inbound/' }] } },
            QueueArn: { 'Fn::GetAtt': [logicalId(receiving.queue), 'Arn'] },
          },
        ],
      },
    });
    // The data stack must not point back at the application stack (that would be a cycle).
    dataTemplate.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  test('only S3, for this bucket, may send to the queue', () => {
    appTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(receiving.queue) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Condition: { ArnLike: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
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

  test('the inbound function drains the queue in batches, reporting per-message failures', () => {
    appTemplate.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    appTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(receiving.queue), 'Arn'] },
      FunctionName: { Ref: logicalId(application.inboundFunction.function) },
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  test('the function is not invoked by SES directly (no Lambda action, no SES invoke permission)', () => {
    appTemplate.resourcePropertiesCountIs('AWS::Lambda::Permission', { Principal: 'ses.amazonaws.com' }, 0);
  });
});
