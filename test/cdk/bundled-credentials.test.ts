/**
 * The credential providers Lambda never reaches are left out of the bundles (LAMBDA_ESBUILD_OPTIONS.external):
 * bundled as a function is, the clients take the execution role's keys from the environment exactly as
 * before; without them (or with AWS_PROFILE set, which would send the chain to the profile files) the lazy
 * import of the next provider fails loudly rather than resolving anything else. And no function is given
 * AWS_PROFILE or a container-credentials variable, so the first path is the only one Lambda takes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UNREACHED_CREDENTIAL_PROVIDERS } from '../../lib/house-function';
import { bundleLikeLambda } from '../support/lambda-bundle';
import { synthHostedInbox } from './synth';

describe('credentials in a bundled function', () => {
  let dir: string;
  let bundle: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hosted-inbox-credentials-'));
    bundle = join(dir, 'index.mjs');
    bundleLikeLambda(join(__dirname, '..', 'support', 'bundled-credentials-entry.ts'), bundle);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the bundle from its own directory (no node_modules above it), with only these variables and an empty HOME. */
  const resolve = (env: Record<string, string>) =>
    JSON.parse(execFileSync(process.execPath, [bundle], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, AWS_REGION: 'eu-west-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env }, encoding: 'utf8' }));

  const lambdaKeys = { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEROLEKEY', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token', AWS_LAMBDA_FUNCTION_NAME: 'fn' };

  it("takes the execution role's keys from Lambda's environment, for every client", () => {
    expect(resolve(lambdaKeys)).toEqual([{ accessKeyId: 'ASIAEXAMPLEROLEKEY' }, { accessKeyId: 'ASIAEXAMPLEROLEKEY' }, { accessKeyId: 'ASIAEXAMPLEROLEKEY' }]);
  });

  it('fails loudly past the environment: the other providers are not in the bundle', () => {
    const missing = [{ error: 'ERR_MODULE_NOT_FOUND' }, { error: 'ERR_MODULE_NOT_FOUND' }, { error: 'ERR_MODULE_NOT_FOUND' }];
    expect(resolve({ AWS_LAMBDA_FUNCTION_NAME: 'fn' })).toEqual(missing);
    expect(resolve({ ...lambdaKeys, AWS_PROFILE: 'dev' })).toEqual(missing);
    expect(UNREACHED_CREDENTIAL_PROVIDERS.length).toBeGreaterThan(0);
  });

  it('no function is configured into another provider (AWS_PROFILE, container or web-identity credentials)', () => {
    const { appTemplate } = synthHostedInbox();
    const functions = Object.values(appTemplate.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(5);
    for (const fn of functions) {
      const names = Object.keys(fn.Properties.Environment?.Variables ?? {});
      expect(names.filter((name) => /^AWS_(PROFILE|CONTAINER_|WEB_IDENTITY|ROLE_ARN|SHARED_CREDENTIALS|CONFIG_FILE)/.test(name))).toEqual([]);
    }
  });
});
