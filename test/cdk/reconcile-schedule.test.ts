import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Duration } from 'aws-cdk-lib';
import { InboxData } from '../../lib/inbox-data';
import { ReconcileSchedule } from '../../lib/reconcile-schedule';
import { actionsOf, FIXTURE_ENTRY, logicalId, statementsOfRole, synthHostedInbox, testApp } from './synth';

describe('ReconcileSchedule', () => {
  test('the application runs reconcile once a day, as a function that may list raw mail and file it', () => {
    const { appTemplate } = synthHostedInbox();
    const rules = appTemplate.findResources('AWS::Events::Rule', { Properties: { ScheduleExpression: 'rate(1 day)' } });
    expect(Object.keys(rules)).toHaveLength(1);
    const [rule] = Object.values(rules);
    const targetArn = JSON.stringify(rule.Properties.Targets[0].Arn);
    const functions = appTemplate.findResources('AWS::Lambda::Function', { Properties: { Description: 'Files raw mail that has no receipt (lost deliveries)' } });
    const [functionId] = Object.keys(functions);
    expect(targetArn).toContain(functionId);
    expect(functions[functionId].Properties.Environment.Variables).toMatchObject({ INBOX_DOMAIN: 'inbox.example.com', RAW_MAIL_PREFIX: 'inbound/', MAIL_BUCKET: expect.anything() });
    appTemplate.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com', FunctionName: Match.anyValue() });
  });

  test('its grants: read raw mail (list included), write only attachments and bodies', () => {
    const stack = new Stack(testApp(), 'Test');
    const data = new InboxData(stack, 'Data');
    const reconcile = new ReconcileSchedule(stack, 'Reconcile', {
      domain: 'inbox.example.com',
      bucket: data.bucket as s3.IBucket,
      rawMailPrefix: data.rawMailPrefix,
      tables: data.tables,
      entry: FIXTURE_ENTRY,
      schedule: events.Schedule.rate(Duration.hours(6)),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(6 hours)' });
    const statements = statementsOfRole(template, logicalId(reconcile.function.function.role!));
    const actions = statements.flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['s3:ListBucket', 's3:GetObject', 's3:PutObject', 's3:PutObjectTagging']));
    const puts = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:PutObject')));
    expect(JSON.stringify(puts)).toContain('attachments/*');
    expect(JSON.stringify(puts)).toContain('bodies/*');
    expect(JSON.stringify(puts)).not.toContain('inbound/*');
  });
});
