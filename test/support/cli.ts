/** Runs the real command line (`npx hosted-inbox …`) in a child process, with the test's environment. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const runCli = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  promisify(execFile)(process.execPath, [join(__dirname, '../../bin/hosted-inbox.js'), ...args], { env: { ...process.env, ...env, NODE_NO_WARNINGS: '1' } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: CliResult) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
