import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createHostedInbox } from '../../lib/hosted-inbox';
import { FIXTURE_API_ENTRIES, FIXTURE_CONSOLE, FIXTURE_ENTRY, testApp } from './synth';

describe.each([
  // Every optional part on, the web console included.
  ['the app\'s user pool', { alarmEmail: 'ops@example.com', webConsole: true }],
  // An existing rule set (no activation) and an external issuer: the mail bucket's CORS rule is the one custom resource.
  ['an external OIDC issuer', { webConsole: true, receiptRuleSet: 'existing-set', jwtIssuer: 'https://login.example.com', jwtAudience: 'console' }],
])('cdk-nag AwsSolutions, with %s', (_name, context) => {
  const app = testApp(context);
  const stacks = createHostedInbox(app, { inboundEntry: FIXTURE_ENTRY, apiEntries: FIXTURE_API_ENTRIES, webConsoleAssets: FIXTURE_CONSOLE });
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
