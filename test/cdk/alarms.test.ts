import { Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { INBOUND_OUTCOMES, METRICS_NAMESPACE } from '../../functions/commons/metrics';
import { InboxAlarms } from '../../lib/inbox-alarms';
import { API_FUNCTION_NAMES } from '../../lib/inbox-api';
import { logicalId, synthHostedInbox, testApp } from './synth';

describe('alarms', () => {
  test('inbound function errors and dead-letter depth, without a topic by default', () => {
    const { application, appTemplate } = synthHostedInbox();
    // Inbound function, failed messages, dead-letter queue, API 5xx, and one per API function (see inbox-api.test.ts).
    appTemplate.resourceCountIs('AWS::CloudWatch::Alarm', 4 + API_FUNCTION_NAMES.length);
    // The only topic is the one SES publishes receipts to.
    expect(Object.keys(appTemplate.findResources('AWS::SNS::Topic'))).toEqual([logicalId(application.mailReceiving.topic)]);
    appTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(application.inboundFunction.function) } }],
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
      AlarmActions: Match.absent(),
    });
    appTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(application.mailReceiving.deadLetterQueue), 'QueueName'] },
        },
      ],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });

  test('alarmEmail subscribes to a topic that every alarm notifies on alarm and recovery', () => {
    const { application, appTemplate } = synthHostedInbox({ alarmEmail: 'ops@example.com' });
    appTemplate.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    const topic = { Ref: logicalId(application.alarmTopic!) };
    const alarms = Object.values(appTemplate.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(4 + API_FUNCTION_NAMES.length);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topic]);
      expect(alarm.Properties.OKActions).toEqual([topic]);
    }
  });

  test('CloudWatch may publish to the alarm topic (enforceSSL alone holds only a Deny), for this account only', () => {
    const { application, appTemplate } = synthHostedInbox({ alarmEmail: 'ops@example.com' });
    const topic = { Ref: logicalId(application.alarmTopic!) };
    appTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topic],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          {
            Sid: 'CloudWatchAlarmsOfThisAccount',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topic,
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]),
      },
    });
  });

  test('an alarm on inbound messages that ended failed (the Powertools EMF metric the handler publishes)', () => {
    const { appTemplate } = synthHostedInbox();
    appTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: 'failed',
      Dimensions: [{ Name: 'service', Value: 'inbound' }],
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
    });
    expect(INBOUND_OUTCOMES).toContain('failed');
  });

  test('monitorHttpApi adds a 5xx alarm (for InboxApi)', () => {
    const stack = new Stack(testApp(), 'Api');
    const api = new apigwv2.HttpApi(stack, 'Api');
    new InboxAlarms(stack, 'Alarms', { alarmTopic: new sns.Topic(stack, 'Topic') }).monitorHttpApi('Api', api);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: logicalId(api) } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Topic') }],
    });
  });
});
