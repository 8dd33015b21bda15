/**
 * Resources that hold data or identity and must survive redeploys of the application: the mail bucket, the
 * tables, the SES domain identity and the user pool. Deploy rarely; the application stack references it.
 */
import { Aws, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { InboxUserPool } from './inbox-api';
import { InboxData } from './inbox-data';
import { SesReceivingRegionRule } from './receiving-region';

export interface StatefulStackProps extends StackProps {
  /** The inbox domain, e.g. `inbox.example.com`. */
  readonly domain: string;
  /**
   * Days raw mail is kept.
   * @default 365
   */
  readonly rawMailRetentionDays?: number;
  /**
   * Create the Cognito user pool that signs the API's tokens. Off when another identity provider is used.
   * @default true
   */
  readonly createUserPool?: boolean;
}

export class StatefulStack extends Stack {
  readonly data: InboxData;
  readonly identity: ses.EmailIdentity;
  /** The users, unless another identity provider issues the tokens. */
  readonly users?: InboxUserPool;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    // Before anything is created (and retained): a region without SES receiving would only collect nothing.
    new SesReceivingRegionRule(this, 'SesReceivingRegion');
    this.data = new InboxData(this, 'Data', {
      rawMailRetention: Duration.days(props.rawMailRetentionDays ?? 365),
    });
    // Easy DKIM: SES manages and rotates the keys; its CNAME records also verify the domain for receiving.
    this.identity = new ses.EmailIdentity(this, 'DomainIdentity', {
      identity: ses.Identity.domain(props.domain),
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
    });

    // The DNS records to create at the domain's DNS host.
    const inboundSmtp = `10 inbound-smtp.${Aws.REGION}.amazonaws.com`;
    new CfnOutput(this, 'MxRecord', { description: `MX record for ${props.domain}`, value: inboundSmtp });
    // Accounts' addresses live at <account>.<domain> (support@acme.inbox.example.com): one wildcard record.
    new CfnOutput(this, 'WildcardMxRecord', {
      description: `MX record for the account subdomains of ${props.domain}`,
      value: `*.${props.domain} MX ${inboundSmtp}`,
    });
    this.identity.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, {
        description: `DKIM CNAME record ${i + 1} for ${props.domain}`,
        value: `${record.name} CNAME ${record.value}`,
      });
    });
    new CfnOutput(this, 'MailBucketName', { value: this.data.bucket.bucketName });
    // Read by `hosted-inbox create-account --stack <this stack>`.
    new CfnOutput(this, 'InboxesTableName', { value: this.data.tables.inboxes.tableName });
    // For `hosted-inbox unroutable --stack`: the operator's list of mail that reached no inbox.
    new CfnOutput(this, 'ConversationsTableName', { value: this.data.tables.conversations.tableName });

    NagSuppressions.addResourceSuppressions(this.data.bucket, [
      {
        id: 'AwsSolutions-S1',
        reason: 'Server access logs would need a second bucket per deployment; enable CloudTrail S3 data events to audit reads of mail.',
      },
    ]);

    if (props.createUserPool ?? true) {
      this.users = new InboxUserPool(this, 'Users');
      NagSuppressions.addResourceSuppressions(this.users.userPool, [
        { id: 'AwsSolutions-COG2', reason: 'Users are created by an administrator and sign in with SRP; required MFA is left to the deployer (Cognito console or -c jwtIssuer with their own IdP).' },
        { id: 'AwsSolutions-COG8', reason: 'The Lite plan (free to 10,000 MAU) on purpose; Plus (threat protection) costs per active user: a deployer choice.' },
      ]);
      new CfnOutput(this, 'UserPoolId', { value: this.users.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', {
        description: 'App client of the web app (public: no secret; SRP sign-in)',
        value: this.users.client.userPoolClientId,
      });
    }
  }
}
