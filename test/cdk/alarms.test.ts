import { Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { InboxAlarms } from '../../lib/inbox-alarms';
import { API_FUNCTION_NAMES } from '../../lib/inbox-api';
import { logicalId, synthHostedInbox, testApp } from './synth';

describe('alarms', () => {
  test('inbound function errors and dead-letter depth, without a topic by default', () => {
    const { application, appTemplate } = synthHostedInbox();
    // Inbound function, dead-letter queue, API 5xx, and one per API function (see inbox-api.test.ts).
    appTemplate.resourceCountIs('AWS::CloudWatch::Alarm', 3 + API_FUNCTION_NAMES.length);
    appTemplate.resourceCountIs('AWS::SNS::Topic', 0);
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
    expect(alarms).toHaveLength(3 + API_FUNCTION_NAMES.length);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topic]);
      expect(alarm.Properties.OKActions).toEqual([topic]);
    }
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
