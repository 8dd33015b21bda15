/**
 * The web console in AWS: its built files (console/dist) in a private bucket, served under /console/ by
 * CloudFront over HTTPS through Origin Access Control, with security headers, and configured at deploy time by a
 * `config.json` written from the stack's values (the API URL and the sign-in settings: the app's Cognito user
 * pool, or an external OIDC issuer). Reply attachments go from the browser straight to the mail bucket (a
 * presigned PUT), so the bucket gets a CORS rule for the console's origin.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { OIDC_CALLBACK, type RuntimeConfig } from '../console/src/runtime-config';
import { BucketUploadCors } from './bucket-upload-cors';

/** The built console (`npm run build -w console`). */
export const CONSOLE_DIST = path.join(__dirname, '..', 'console', 'dist');
/** Vite's `base` (console/vite.config.ts): every file of the app is under this path. */
export const CONSOLE_PREFIX = 'console/';
/** Where the app's index.html is, the answer to its client routes too. */
export const CONSOLE_INDEX = `/${CONSOLE_PREFIX}index.html`;

/** What the console asks an OIDC issuer for when the deployer names nothing: the ID token, email, a refresh token. */
export const DEFAULT_OIDC_SCOPES: readonly string[] = ['openid', 'email', 'offline_access'];

/** Sign-in with an external OpenID Connect issuer (authorization code with PKCE) instead of the app's user pool. */
export interface WebConsoleOidc {
  /** The issuer (the API's `jwtIssuer`, the tokens' `iss`): its origin joins the pages' connect-src. */
  readonly issuer: string;
  /**
   * What the sign-in button calls it: "Sign in with <name>".
   * @default - the issuer's host name
   */
  readonly name?: string;
  /**
   * Scopes to ask for; `openid` is required.
   * @default DEFAULT_OIDC_SCOPES
   */
  readonly scopes?: readonly string[];
  /**
   * Other HTTPS origins the sign-in calls, for an issuer whose discovery document puts its token, revocation or
   * keys endpoints on another host than its `iss` (Google's token endpoint, a Cognito domain); each joins connect-src.
   * @default - none: the issuer's origin only
   */
  readonly origins?: readonly string[];
}

export interface WebConsoleProps {
  /**
   * The built console to upload.
   * @default CONSOLE_DIST (console/dist)
   */
  readonly assets?: string;
  /**
   * Which edge locations serve the console.
   * @default cloudfront.PriceClass.PRICE_CLASS_100 (North America and Europe: the cheapest)
   */
  readonly priceClass?: cloudfront.PriceClass;
  /**
   * Sign in with this OIDC issuer.
   * @default - the app's Cognito user pool
   */
  readonly oidc?: WebConsoleOidc;
  /**
   * The bucket reply attachments are uploaded to from the browser (presigned PUT): its origin joins connect-src
   * and it gets a CORS rule for the console's origin (PUT only).
   * @default - none: the console cannot upload attachments
   */
  readonly mailBucket?: s3.IBucket;
}

/**
 * What the console's pages may load and call. Scripts and fonts only from the console itself (Vite emits no
 * inline script); inline styles because Mantine injects its CSS variables in a <style> element; connections to
 * the console, any HTTP API of this region (not the one API by id: the API's CORS names this distribution, so
 * naming the API here would be a dependency cycle; the bearer token goes only where config.json says), the
 * region's Cognito endpoint (sign-in) and `connectTo` (an OIDC issuer's origin, the mail bucket's for uploads);
 * images also from https (presigned links to inline images of mail). Going to the issuer's pages and back is
 * navigation, which the CSP does not govern.
 */
export function contentSecurityPolicy(region: string, connectTo: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "font-src 'self' data:",
    ["connect-src 'self'", `https://*.execute-api.${region}.amazonaws.com`, `https://cognito-idp.${region}.amazonaws.com`, ...connectTo].join(' '),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export class WebConsole extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly responseHeaders: cloudfront.ResponseHeadersPolicy;
  /** `https://<distribution domain>`: the browser origin the API must allow (CORS). */
  readonly origin: string;
  /** `https://<distribution domain>/console/`. */
  readonly url: string;
  /** The OIDC sign-in, its defaults filled in; undefined: Cognito. */
  readonly oidc?: Required<WebConsoleOidc>;
  /** Where an OIDC issuer sends the browser back: to register at the issuer as a redirect URI. */
  readonly oidcCallbackUrl: string;
  private readonly assets: string;

  constructor(scope: Construct, id: string, props: WebConsoleProps = {}) {
    super(scope, id);
    this.assets = props.assets ?? CONSOLE_DIST;
    if (!existsSync(path.join(this.assets, 'index.html'))) {
      throw new Error(`The web console is not built (no ${path.join(this.assets, 'index.html')}): run  npm run build -w console  before deploying with -c webConsole=true`);
    }
    // Only built files, replaced by every deploy: nothing to keep when the stack goes.
    this.bucket = new s3.Bucket(this, 'Files', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    if (props.oidc) {
      const { issuer, name, scopes = DEFAULT_OIDC_SCOPES, origins = [] } = props.oidc;
      if (!scopes.includes('openid')) throw new Error(`WebConsole: the OIDC scopes must include "openid" (got ${scopes.join(' ')})`);
      this.oidc = { issuer, name: name ?? new URL(issuer).hostname, scopes, origins };
    }
    const connectTo = [
      ...(this.oidc ? [...new Set([new URL(this.oidc.issuer).origin, ...this.oidc.origins])] : []),
      ...(props.mailBucket ? [`https://${props.mailBucket.bucketRegionalDomainName}`] : []),
    ];
    this.responseHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'hosted-inbox web console: CSP, no framing, HSTS, no sniffing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(Aws.REGION, connectTo), override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
      },
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'hosted-inbox web console',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeaders,
        compress: true,
      },
      defaultRootObject: CONSOLE_INDEX.slice(1),
      // The bucket answers 403 (OAC has no ListBucket) for a key that is not there: /console/ itself and any
      // client route get the app's index.html, which routes in the browser.
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: CONSOLE_INDEX, ttl: Duration.seconds(10) })),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;
    this.url = `${this.origin}/${CONSOLE_PREFIX}`;
    this.oidcCallbackUrl = `${this.url}${OIDC_CALLBACK}`;
    if (props.mailBucket) new BucketUploadCors(this, 'MailBucketUploadCors', { bucket: props.mailBucket, origin: this.origin });

    NagSuppressions.addResourceSuppressions(this.bucket, [
      { id: 'AwsSolutions-S1', reason: 'Holds only the public build of the console, read solely by CloudFront through OAC; nothing to audit per object.' },
    ]);
    NagSuppressions.addResourceSuppressions(this.distribution, [
      { id: 'AwsSolutions-CFR1', reason: 'The console is for the deployer\'s team wherever they are; the API behind it checks every caller\'s token.' },
      { id: 'AwsSolutions-CFR2', reason: 'Static files only (GET/HEAD, cached); a WAF web ACL costs per month and is a deployer choice. The API has its own throttle.' },
      { id: 'AwsSolutions-CFR3', reason: 'Static files only: the requests that matter (the API\'s) are in the API\'s access log.' },
      { id: 'AwsSolutions-CFR4', reason: 'The default *.cloudfront.net certificate: CloudFront fixes its minimum TLS version; a custom domain and certificate would allow TLSv1.2_2021.' },
    ]);
  }

  /**
   * Uploads the built console and its `config.json` (tokens resolved at deploy: the API URL, the user pool),
   * then invalidates the distribution's cache so the new files are served at once.
   */
  deploy(config: RuntimeConfig): s3deploy.BucketDeployment {
    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: [s3deploy.Source.asset(this.assets), s3deploy.Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      destinationKeyPrefix: CONSOLE_PREFIX,
      distribution: this.distribution,
      distributionPaths: [`/${CONSOLE_PREFIX}*`],
      // Built file names carry a content hash: stale ones are harmless, and tabs still open keep loading them.
      prune: false,
      memoryLimit: 512,
    });
    // CDK's own upload function, one per stack and memory size (a singleton beside the stack's constructs).
    const stack = Stack.of(this);
    for (const handler of stack.node.children.filter((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'))) {
      NagSuppressions.addResourceSuppressions(handler, [
        { id: 'AwsSolutions-L1', reason: 'CDK\'s BucketDeployment function: its runtime is chosen (and updated) by aws-cdk-lib.' },
        { id: 'AwsSolutions-IAM4', reason: 'CDK\'s BucketDeployment function: AWSLambdaBasicExecutionRole only lets it write its logs.' },
        { id: 'AwsSolutions-IAM5', reason: 'CDK\'s BucketDeployment grants: read the staged asset in the bootstrap bucket, write and delete under the console bucket, and create CloudFront invalidations (which CDK grants on *).' },
      ], true);
    }
    return deployment;
  }
}
