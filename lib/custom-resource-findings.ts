/** What cdk-nag finds on CDK's own custom-resource function, and why it stays. */
import { Stack } from 'aws-cdk-lib';
import { AwsCustomResource } from 'aws-cdk-lib/custom-resources';
import { NagSuppressions } from 'cdk-nag';

/** CDK's one function behind every AwsCustomResource of a stack: what cdk-nag finds on it, and why it stays. */
export function suppressCustomResourceProviderFindings(stack: Stack): void {
  NagSuppressions.addResourceSuppressions(
    stack.node.findChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`),
    [
      {
        id: 'AwsSolutions-IAM4',
        reason: "CDK's custom-resource function: AWSLambdaBasicExecutionRole only lets it write its logs.",
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      },
      { id: 'AwsSolutions-L1', reason: "CDK's custom-resource function; its runtime is chosen by aws-cdk-lib." },
    ],
    true,
  );
}
