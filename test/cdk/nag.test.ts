import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createHostedInbox } from '../../lib/hosted-inbox';
import { FIXTURE_API_ENTRIES, FIXTURE_ENTRY, testApp } from './synth';

describe('cdk-nag AwsSolutions', () => {
  const app = testApp({ alarmEmail: 'ops@example.com' });
  const stacks = createHostedInbox(app, { inboundEntry: FIXTURE_ENTRY, apiEntries: FIXTURE_API_ENTRIES });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  app.synth();

  test.each(['data', 'application'] as const)('%s stack: no unsuppressed error or warning', (name) => {
    const annotations = Annotations.fromStack(stacks[name]);
    const findings = [
      ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-')),
      ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-')),
    ].map((finding) => `${finding.id}: ${String(finding.entry.data).split('\n')[0]}`);
    expect(findings).toEqual([]);
  });
});
