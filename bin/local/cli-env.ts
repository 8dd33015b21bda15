/** What a command line run beside `npm start` needs to reach the local stack (ports as `npm start` reads them). */
import { join } from 'node:path';
import { localAwsEnv } from './aws-env';
import { LOCAL_RESOURCE_ENV } from './provision';

export function localStackEnvironment(): Record<string, string> {
  const endpoint = (name: string, fallback: number) => `http://127.0.0.1:${process.env[name] ?? fallback}`;
  return { ...localAwsEnv({ dynamodb: endpoint('DYNAMODB_PORT', 8000), s3: endpoint('S3_PORT', 4569), ses: endpoint('SES_PORT', 8005) }), ...LOCAL_RESOURCE_ENV };
}

/** Points this process at the local stack; values already in the environment win (tests run it on other ports). */
export function useLocalStack(defaults: Record<string, string> = localStackEnvironment()): void {
  for (const [name, value] of Object.entries(defaults)) process.env[name] ??= value;
}

/** Where `npm start` keeps its data (and the key that signs local tokens). */
export const localDataDir = () => process.env.HOSTED_INBOX_DATA ?? join(process.cwd(), '.local', 'data');
