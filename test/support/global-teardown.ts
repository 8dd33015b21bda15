import type { LocalAws } from '../../bin/local/aws-servers';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __localAws?: LocalAws }).__localAws?.stop();
}
