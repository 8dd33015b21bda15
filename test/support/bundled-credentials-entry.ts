/**
 * Bundled like a Lambda by test/cdk/bundled-credentials.test.ts: resolves each client's credentials as the
 * first request would, and prints what each resolved (the access key id) or the error code it failed with.
 */
import { dynamo, s3, ses } from '../../functions/commons/clients';

async function main(): Promise<void> {
  const results = [];
  for (const client of [dynamo(), s3(), ses()]) {
    try {
      results.push({ accessKeyId: (await client.config.credentials()).accessKeyId });
    } catch (error) {
      results.push({ error: (error as { code?: string }).code ?? (error as Error).name });
    }
  }
  console.log(JSON.stringify(results));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
