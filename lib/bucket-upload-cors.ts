/**
 * A CORS rule that lets one browser origin PUT to presigned URLs of a bucket owned by another stack.
 *
 * Why a custom resource rather than the bucket's own `cors`: the mail bucket lives in the data stack, the
 * console's distribution (whose domain is the origin) in the app stack, which already imports the bucket. Naming
 * the distribution in the data stack would make each stack depend on the other (a cycle CloudFormation refuses),
 * and a wildcard such as `https://*.cloudfront.net` would let every CloudFront site's pages send the PUT. So the
 * app stack sets the rule through the S3 API (PutBucketCors) when the console is deployed, and removes it when
 * the console goes. The data stack declares no CORS of its own, so CloudFormation never rewrites this rule;
 * should it ever declare one, the two would overwrite each other and this construct must go.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsCustomResource, AwsCustomResourcePolicy, AwsSdkCall, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { suppressCustomResourceProviderFindings } from './custom-resource-findings';

export interface BucketUploadCorsProps {
  readonly bucket: s3.IBucket;
  /** The one origin allowed, e.g. `https://d111111abcdef8.cloudfront.net`. */
  readonly origin: string;
  /**
   * How long browsers may cache the preflight's answer.
   * @default Duration.hours(1)
   */
  readonly maxAge?: Duration;
  /**
   * Retention of the custom resource's logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

export class BucketUploadCors extends Construct {
  readonly resource: AwsCustomResource;

  constructor(scope: Construct, id: string, props: BucketUploadCorsProps) {
    super(scope, id);
    const put: AwsSdkCall = {
      service: 'S3',
      action: 'putBucketCors',
      parameters: {
        Bucket: props.bucket.bucketName,
        CORSConfiguration: {
          // PUT only, with the one header the browser adds (the file's type); the presigned signature, not CORS,
          // is what authorizes each upload.
          CORSRules: [{ AllowedOrigins: [props.origin], AllowedMethods: ['PUT'], AllowedHeaders: ['content-type'], MaxAgeSeconds: (props.maxAge ?? Duration.hours(1)).toSeconds() }],
        },
      },
      physicalResourceId: PhysicalResourceId.of(`upload-cors-${props.bucket.bucketName}`),
    };
    this.resource = new AwsCustomResource(this, 'Rule', {
      onCreate: put,
      onUpdate: put,
      onDelete: { service: 'S3', action: 'deleteBucketCors', parameters: { Bucket: props.bucket.bucketName } },
      // PutBucketCors and DeleteBucketCors are both authorized by s3:PutBucketCORS, on this bucket only.
      policy: AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({ actions: ['s3:PutBucketCORS'], resources: [props.bucket.bucketArn] })]),
      installLatestAwsSdk: false,
      logGroup: new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH }),
    });
    suppressCustomResourceProviderFindings(Stack.of(this));
  }
}
