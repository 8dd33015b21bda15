import { startLocalAws } from '../../bin/local/aws-servers';
import { provisionLocalResources, LOCAL_RESOURCE_ENV } from '../../bin/local/provision';

/** Starts the local AWS stack once per jest run; workers inherit its endpoints through the environment. */
export default async function globalSetup(): Promise<void> {
  const aws = await startLocalAws();
  Object.assign(process.env, aws.env, LOCAL_RESOURCE_ENV);
  await provisionLocalResources();
  (globalThis as { __localAws?: typeof aws }).__localAws = aws;
}
