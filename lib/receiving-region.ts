/**
 * SES receives mail in some regions only. A stack deployed elsewhere would create the bucket, tables and a rule
 * set that never gets a message: refuse it, at synth when the region is known, and always at deploy (a
 * CloudFormation rule, since env-agnostic stacks learn their region only there).
 */
import { Aws, CfnRule, Fn, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * The AWS General Reference's "Email receiving endpoints" of Amazon SES (inbound-smtp.<region>.amazonaws.com),
 * as listed in December 2026. Add a region here when SES starts receiving there.
 */
export const SES_RECEIVING_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-northeast-1',
] as const;

export const unsupportedRegionMessage = (region: string): string =>
  `Amazon SES does not receive email in ${region}. Deploy to one of: ${SES_RECEIVING_REGIONS.join(', ')} ` +
  '(AWS_REGION, or the region of your AWS profile).';

/** Throws when `region` is a known region without SES receiving; an unknown (token) region passes. */
export function assertSesReceivingRegion(region: string | undefined): void {
  if (region === undefined || Token.isUnresolved(region)) return;
  if (!(SES_RECEIVING_REGIONS as readonly string[]).includes(region)) throw new Error(unsupportedRegionMessage(region));
}

/** A CloudFormation rule: the stack refuses to deploy outside SES's receiving regions, saying which they are. */
export class SesReceivingRegionRule extends Construct {
  readonly rule: CfnRule;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.rule = new CfnRule(this, 'Rule', {
      assertions: [
        {
          assert: Fn.conditionContains([...SES_RECEIVING_REGIONS], Aws.REGION),
          assertDescription: unsupportedRegionMessage('this region'),
        },
      ],
    });
  }
}
