/**
 * Resources that hold data or identity and must survive redeploys of the application: the mail bucket, the
 * tables and the SES domain identity. Deploy rarely; the application stack references it.
 */
import { Aws, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { InboxData } from './inbox-data';

export interface StatefulStackProps extends StackProps {
  /** The inbox domain, e.g. `inbox.example.com`. */
  readonly domain: string;
  /**
   * Days raw mail is kept.
   * @default 365
   */
  readonly rawMailRetentionDays?: number;
}

export class StatefulStack extends Stack {
  readonly data: InboxData;
  readonly identity: ses.EmailIdentity;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    this.data = new InboxData(this, 'Data', {
      rawMailRetention: Duration.days(props.rawMailRetentionDays ?? 365),
    });
    // Easy DKIM: SES manages and rotates the keys; its CNAME records also verify the domain for receiving.
    this.identity = new ses.EmailIdentity(this, 'DomainIdentity', {
      identity: ses.Identity.domain(props.domain),
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
    });

    // The DNS records to create at the domain's DNS host.
    new CfnOutput(this, 'MxRecord', {
      description: `MX record for ${props.domain}`,
      value: `10 inbound-smtp.${Aws.REGION}.amazonaws.com`,
    });
    this.identity.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, {
        description: `DKIM CNAME record ${i + 1} for ${props.domain}`,
        value: `${record.name} CNAME ${record.value}`,
      });
    });
    new CfnOutput(this, 'MailBucketName', { value: this.data.bucket.bucketName });
  }
}
