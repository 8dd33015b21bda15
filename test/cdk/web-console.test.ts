import { readFileSync } from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { readConfig } from '../../lib/hosted-inbox';
import { CONSOLE_INDEX, DEFAULT_OIDC_SCOPES } from '../../lib/web-console';
import { logicalId, synthHostedInbox, testApp } from './synth';

/** A staged string with its deploy-time markers put back as the CloudFormation values they stand for. */
function withTokens(text: string, markers: Record<string, unknown>): unknown {
  const parts = text.split(/(<<marker:0xbaba:\d+>>)/).filter(Boolean).map((part) => (part in markers ? markers[part] : part));
  if (parts.length === 1) return parts[0];
  return { 'Fn::Join': ['', parts] };
}

/** An AwsCustomResource's SDK call as the template has it (JSON, with the tokens it names joined in), parsed. */
function sdkCall(value: string | { 'Fn::Join': [string, unknown[]] }): unknown {
  if (typeof value === 'string') return JSON.parse(value);
  const markers: Record<string, unknown> = {};
  const text = value['Fn::Join'][1].map((part, index) => {
    if (typeof part === 'string') return part;
    const marker = `<<marker:0xbaba:${index}>>`;
    markers[marker] = part;
    return marker;
  }).join('');
  return JSON.parse(text, (_key, item) => (typeof item === 'string' ? withTokens(item, markers) : item));
}

describe('web console: off unless -c webConsole=true', () => {
  test.each([[{}], [{ webConsole: 'false' }], [{ webConsole: false }]])('context %p: no distribution, bucket, upload or CORS', (context) => {
    const { application, appTemplate } = synthHostedInbox(context);
    expect(application.webConsole).toBeUndefined();
    for (const type of ['AWS::CloudFront::Distribution', 'AWS::S3::Bucket', 'Custom::CDKBucketDeployment']) {
      expect(Object.keys(appTemplate.findResources(type))).toEqual([]);
    }
    appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
    expect(Object.keys(appTemplate.findResources('Custom::AWS')).filter((id) => id.includes('UploadCors'))).toEqual([]);
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
    // The browser may call the region's HTTP APIs, Cognito (sign-in) and the mail bucket (uploads), nothing else off-origin.
    expect(csp).toMatch(
      /connect-src 'self' https:\/\/\*\.execute-api\.",\{"Ref":"AWS::Region"\},"\.amazonaws\.com https:\/\/cognito-idp\.",\{"Ref":"AWS::Region"\},"\.amazonaws\.com https:\/\/",\{"Fn::ImportValue":"HostedInbox-Data:ExportsOutputFnGetAttDataMailBucket\w+RegionalDomainName\w+"\},"; /,
    );
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

  test('the mail bucket lets the console\'s origin, and no other, PUT to presigned URLs (CORS, set from this stack; removed with it)', () => {
    const rules = Object.entries(appTemplate.findResources('Custom::AWS')).filter(([id]) => id.startsWith('WebConsoleMailBucketUploadCors'));
    expect(rules).toHaveLength(1);
    const [[ruleId, rule]] = rules;
    const mailBucket = { 'Fn::ImportValue': expect.stringMatching(/^HostedInbox-Data:ExportsOutputRefDataMailBucket/) };
    const put = sdkCall(rule.Properties.Create);
    expect(sdkCall(rule.Properties.Update)).toEqual(put);
    expect(put).toEqual({
      service: 'S3',
      action: 'putBucketCors',
      parameters: {
        Bucket: mailBucket,
        CORSConfiguration: { CORSRules: [{ AllowedOrigins: [{ 'Fn::Join': ['', ['https://', distributionDomain]] }], AllowedMethods: ['PUT'], AllowedHeaders: ['content-type'], MaxAgeSeconds: 3600 }] },
      },
      physicalResourceId: { id: { 'Fn::Join': ['', ['upload-cors-', mailBucket]] } },
    });
    expect(sdkCall(rule.Properties.Delete)).toEqual({ service: 'S3', action: 'deleteBucketCors', parameters: { Bucket: mailBucket } });
    // Its function may set CORS on the mail bucket, and nothing else.
    const policies = appTemplate.findResources('AWS::IAM::Policy');
    const policyId = (rule.DependsOn as string[]).find((id) => id in policies)!;
    expect(policies[policyId].Properties.PolicyDocument.Statement).toEqual([
      { Action: 's3:PutBucketCORS', Effect: 'Allow', Resource: { 'Fn::ImportValue': expect.stringMatching(/^HostedInbox-Data:ExportsOutputFnGetAttDataMailBucket\w+Arn/) } },
    ]);
    expect(ruleId).toMatch(/^WebConsoleMailBucketUploadCorsRule/);
  });

  test('refused, with the command to run, when the console is not built', () => {
    const notBuilt = path.join(__dirname, 'fixtures', 'no-such-dist');
    expect(() => synthHostedInbox({ webConsole: 'true' }, notBuilt)).toThrow(/npm run build -w console/);
  });
});

describe('web console with an external OIDC issuer (-c jwtIssuer)', () => {
  const issuer = 'https://login.example.com/oauth2/default';
  const { application, appTemplate, dataTemplate } = synthHostedInbox({ webConsole: 'true', jwtIssuer: issuer, jwtAudience: 'console-client,other-client', oidcName: 'Example SSO', oidcOrigins: 'https://tokens.example.net' });
  const { outdir } = application.node.root as App;
  const distributionDomain = { 'Fn::GetAtt': [logicalId(application.webConsole!.distribution), 'DomainName'] };

  test('config.json names the issuer, its name, the console\'s client (the first audience) and the default scopes', () => {
    const [deployment] = Object.values(appTemplate.findResources('Custom::CDKBucketDeployment'));
    const { SourceObjectKeys: keys, SourceMarkers: markers } = deployment.Properties as { SourceObjectKeys: string[]; SourceMarkers: Record<string, unknown>[] };
    const staged = path.join(outdir, `asset.${keys[1].replace(/\.zip$/, '')}`, 'config.json');
    const config = JSON.parse(readFileSync(staged, 'utf8'), (_key, value) => (typeof value === 'string' ? withTokens(value, markers[1]) : value));
    expect(config.auth).toEqual({ kind: 'oidc', issuer, name: 'Example SSO', clientId: 'console-client', scope: DEFAULT_OIDC_SCOPES.join(' ') });
    expect(Object.keys(dataTemplate.findResources('AWS::Cognito::UserPool'))).toEqual([]);
  });

  test('the pages may call the issuer\'s origin (discovery, token, revocation) and the origins named by oidcOrigins, not just any host', () => {
    const [policy] = Object.values(appTemplate.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const csp = JSON.stringify(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toMatch(/connect-src 'self' [^;]* https:\/\/login\.example\.com https:\/\/tokens\.example\.net https:\/\/",\{"Fn::ImportValue"/);
    expect(csp).not.toContain('/oauth2/default');
    expect(csp).toContain("form-action 'self'");
  });

  test('the outputs say which redirect URIs to register at the issuer', () => {
    const consoleUrl = { 'Fn::Join': ['', ['https://', distributionDomain, '/console/']] };
    appTemplate.hasOutput('WebConsoleRedirectUri', {
      Value: { 'Fn::Join': ['', ['https://', distributionDomain, '/console/callback']] },
      Description: `Register at ${issuer} as a redirect URI of client console-client`,
    });
    appTemplate.hasOutput('WebConsolePostLogoutRedirectUri', { Value: consoleUrl });
    appTemplate.hasOutput('WebConsoleUrl', { Value: consoleUrl });
  });

  test('no redirect URI outputs with the app\'s Cognito pool', () => {
    const cognito = synthHostedInbox({ webConsole: 'true' }).appTemplate;
    expect(Object.keys(cognito.findOutputs('*')).filter((name) => name.includes('RedirectUri'))).toEqual([]);
  });

  test('scopes and name: checked, and only where they do something', () => {
    const config = readConfig(testApp({ webConsole: 'true', jwtIssuer: issuer, jwtAudience: 'c', oidcScopes: 'openid email hosted-inbox', oidcName: ' Okta ' }));
    expect(config).toEqual(expect.objectContaining({ oidcScopes: ['openid', 'email', 'hosted-inbox'], oidcName: 'Okta' }));
    expect(readConfig(testApp({ webConsole: true, jwtIssuer: issuer, jwtAudience: 'c', oidcScopes: ['openid', 'profile'] })).oidcScopes).toEqual(['openid', 'profile']);
    expect(() => readConfig(testApp({ webConsole: 'true', jwtIssuer: issuer, jwtAudience: 'c', oidcScopes: 'email profile' }))).toThrow(/including openid/);
    expect(() => readConfig(testApp({ webConsole: 'true', jwtIssuer: issuer, jwtAudience: 'c', oidcScopes: 'openid "quoted"' }))).toThrow(/must list OAuth scopes/);
    expect(() => readConfig(testApp({ webConsole: 'true', jwtIssuer: issuer, jwtAudience: 'c', oidcName: 'x'.repeat(61) }))).toThrow(/1 to 60 characters/);
    expect(() => readConfig(testApp({ webConsole: 'true', oidcName: 'Okta' }))).toThrow(/with -c webConsole=true and -c jwtIssuer/);
    expect(readConfig(testApp({ webConsole: 'true', jwtIssuer: issuer, jwtAudience: 'c', oidcOrigins: 'https://oauth2.googleapis.com, https://www.googleapis.com' })).oidcOrigins).toEqual(['https://oauth2.googleapis.com', 'https://www.googleapis.com']);
    for (const origins of ['http://oauth2.example.com', 'https://oauth2.example.com/token', 'https://*.example.com', 'https://a.example,https://b.example,https://c.example,https://d.example,https://e.example,https://f.example']) {
      expect(() => readConfig(testApp({ webConsole: 'true', jwtIssuer: issuer, jwtAudience: 'c', oidcOrigins: origins }))).toThrow(/"oidcOrigins" must list 1 to 5 HTTPS origins/);
    }
    expect(() => readConfig(testApp({ webConsole: 'true', oidcOrigins: 'https://oauth2.googleapis.com' }))).toThrow(/with -c webConsole=true and -c jwtIssuer/);
    expect(() => readConfig(testApp({ jwtIssuer: issuer, jwtAudience: 'c', oidcScopes: 'openid' }))).toThrow(/with -c webConsole=true and -c jwtIssuer/);
  });
});
