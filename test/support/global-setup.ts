import { startLocalAws } from '../../bin/local/aws-servers';
import { provisionLocalResources, LOCAL_RESOURCE_ENV } from '../../bin/local/provision';

/** Starts the local AWS stack once per jest run; workers inherit its endpoints through the environment. */
export default async function globalSetup(): Promise<void> {
  const aws = await startLocalAws();
  // Fixtures are addressed under inbox.example.com; loop detection needs it to be our domain.
  Object.assign(process.env, aws.env, LOCAL_RESOURCE_ENV, { INBOX_DOMAIN: 'inbox.example.com', POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
  await provisionLocalResources();
  (globalThis as { __localAws?: typeof aws }).__localAws = aws;
}
