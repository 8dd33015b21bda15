import { readFileSync } from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { readConfig } from '../../lib/hosted-inbox';
import { CONSOLE_INDEX } from '../../lib/web-console';
import { logicalId, synthHostedInbox, testApp } from './synth';

/** A staged string with its deploy-time markers put back as the CloudFormation values they stand for. */
function withTokens(text: string, markers: Record<string, unknown>): unknown {
  const parts = text.split(/(<<marker:0xbaba:\d+>>)/).filter(Boolean).map((part) => (part in markers ? markers[part] : part));
  if (parts.length === 1) return parts[0];
  return { 'Fn::Join': ['', parts] };
}

describe('web console: off unless -c webConsole=true', () => {
  test.each([[{}], [{ webConsole: 'false' }], [{ webConsole: false }]])('context %p: no distribution, bucket, upload or CORS', (context) => {
    const { application, appTemplate } = synthHostedInbox(context);
    expect(application.webConsole).toBeUndefined();
    for (const type of ['AWS::CloudFront::Distribution', 'AWS::S3::Bucket', 'Custom::CDKBucketDeployment']) {
      expect(Object.keys(appTemplate.findResources(type))).toEqual([]);
    }
    appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });

  test('the flag: true or false, from -c (a string) or cdk.json (a boolean)', () => {
    expect(readConfig(testApp({ webConsole: 'true' })).webConsole).toBe(true);
    expect(readConfig(testApp({ webConsole: true })).webConsole).toBe(true);
    expect(readConfig(testApp({})).webConsole).toBe(false);
    for (const webConsole of ['yes', '1', 1]) {
      expect(() => readConfig(testApp({ webConsole }))).toThrow(`Context "webConsole" must be true or false (got ${JSON.stringify(webConsole)})`);
    }
  });
});

describe('web console: on', () => {
  const { application, appTemplate } = synthHostedInbox({ webConsole: 'true', allowedOrigins: 'https://app.example.com' });
  const { outdir } = application.node.root as App;
  const webConsole = application.webConsole!;
  const bucketId = logicalId(webConsole.bucket);
  const distributionId = logicalId(webConsole.distribution);
  const distributionDomain = { 'Fn::GetAtt': [distributionId, 'DomainName'] };

  test('the files bucket is private: all public access blocked, TLS only, readable by this distribution alone (OAC)', () => {
    appTemplate.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    const [policy] = Object.values(appTemplate.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucketId } } }));
    const statements = policy.Properties.PolicyDocument.Statement as { Effect: string; Principal: Record<string, unknown>; Action: unknown; Condition?: unknown }[];
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    // Allowed: CloudFront reading for this distribution only, and the stack's own emptying of the bucket on delete.
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows.map((s) => s.Principal)).toEqual([{ AWS: { 'Fn::GetAtt': [expect.stringMatching(/^CustomS3AutoDeleteObjects/), 'Arn'] } }, { Service: 'cloudfront.amazonaws.com' }]);
    expect(allows[1].Action).toBe('s3:GetObject');
    expect(allows[1].Condition).toEqual({ StringEquals: { 'AWS:SourceArn': expect.objectContaining({ 'Fn::Join': expect.arrayContaining([expect.arrayContaining([{ Ref: distributionId }])]) }) } });

    appTemplate.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    appTemplate.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    appTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Origins: [Match.objectLike({ OriginAccessControlId: { 'Fn::GetAtt': [Match.anyValue(), 'Id'] }, S3OriginConfig: { OriginAccessIdentity: '' } })],
      },
    });
  });

  test('HTTPS only; the app\'s index.html answers / and every client route', () => {
    appTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        DefaultRootObject: 'console/index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'] }),
        CustomErrorResponses: [403, 404].map((code) => ({ ErrorCode: code, ResponseCode: 200, ResponsePagePath: CONSOLE_INDEX, ErrorCachingMinTTL: 10 })),
      },
    });
  });

  test('security headers: a CSP the built app can live with, no framing, HSTS, nosniff, no referrer', () => {
    const [policy] = Object.values(appTemplate.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(headers.StrictTransportSecurity).toEqual(expect.objectContaining({ AccessControlMaxAgeSec: 730 * 86_400, IncludeSubdomains: true }));
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    for (const directive of ["script-src 'self';", "frame-ancestors 'none'", "object-src 'none'", "style-src 'self' 'unsafe-inline'"]) {
      expect(csp).toContain(directive);
    }
    // The browser may call the region's HTTP APIs and Cognito (sign-in), and nothing else off-origin.
    expect(csp).toMatch(/connect-src 'self' https:\/\/\*\.execute-api\.",\{"Ref":"AWS::Region"\},"\.amazonaws\.com https:\/\/cognito-idp\.",\{"Ref":"AWS::Region"\},"\.amazonaws\.com;/);
    appTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: { DefaultCacheBehavior: Match.objectLike({ ResponseHeadersPolicyId: { Ref: logicalId(webConsole.responseHeaders) } }) },
    });
  });

  test('the API allows the distribution\'s origin (CORS), beside the configured ones', () => {
    appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://app.example.com', { 'Fn::Join': ['', ['https://', distributionDomain]] }],
      }),
    });
  });

  test('the built files and a config.json made of the stack\'s values are uploaded under console/, then the cache invalidated', () => {
    const deployments = Object.values(appTemplate.findResources('Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(1);
    const properties = deployments[0].Properties;
    expect(properties.DestinationBucketName).toEqual({ Ref: bucketId });
    expect(properties.DestinationBucketKeyPrefix).toBe('console/');
    expect(properties.DistributionId).toEqual({ Ref: distributionId });
    expect(properties.DistributionPaths).toEqual(['/console/*']);
    expect(properties.SourceObjectKeys).toHaveLength(2); // the build, and config.json
    appTemplate.hasOutput('WebConsoleUrl', { Value: { 'Fn::Join': ['', ['https://', distributionDomain, '/console/']] } });
  });

  test('config.json is the console\'s RuntimeConfig: this API\'s URL and Cognito sign-in with this pool and client', () => {
    const [deployment] = Object.values(appTemplate.findResources('Custom::CDKBucketDeployment'));
    const { SourceObjectKeys: keys, SourceMarkers: markers } = deployment.Properties as { SourceObjectKeys: string[]; SourceMarkers: Record<string, unknown>[] };
    // The JSON source as staged in the cloud assembly, each token written as a marker the upload replaces.
    const staged = path.join(outdir, `asset.${keys[1].replace(/\.zip$/, '')}`, 'config.json');
    const withValues = JSON.parse(readFileSync(staged, 'utf8'), (_key, value) => (typeof value === 'string' ? withTokens(value, markers[1]) : value));
    expect(withValues).toEqual({
      apiUrl: application.resolve(application.api.url),
      auth: {
        kind: 'cognito',
        region: { Ref: 'AWS::Region' },
        userPoolId: { 'Fn::ImportValue': expect.stringMatching(/^HostedInbox-Data:ExportsOutputRefUsersUserPool/) },
        clientId: { 'Fn::ImportValue': expect.stringMatching(/^HostedInbox-Data:ExportsOutputRefUsersUserPoolWebClient/) },
      },
    });
    expect(JSON.stringify(withValues.apiUrl)).toContain(JSON.stringify({ Ref: logicalId(application.api.httpApi) }));
  });

  test('refused with an external issuer: the console signs in with this app\'s user pool', () => {
    expect(() => synthHostedInbox({ webConsole: 'true', jwtIssuer: 'https://auth.example.com', jwtAudience: 'web' })).toThrow(
      /The web console signs in with the Cognito user pool this app creates/,
    );
  });

  test('refused, with the command to run, when the console is not built', () => {
    const notBuilt = path.join(__dirname, 'fixtures', 'no-such-dist');
    expect(() => synthHostedInbox({ webConsole: 'true' }, notBuilt)).toThrow(/npm run build -w console/);
  });
});
