/**
 * Bundles a module as HouseFunction bundles a Lambda handler (LAMBDA_ESBUILD_OPTIONS, and the on-demand files copied
 * beside it by the same commands), for tests that run the bundle.
 */
import { execFileSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import { LAMBDA_ESBUILD_OPTIONS, copyOnDemandFiles } from '../../lib/house-function';

export function bundleLikeLambda(entry: string, outfile: string): void {
  buildSync({
    ...LAMBDA_ESBUILD_OPTIONS,
    mainFields: [...LAMBDA_ESBUILD_OPTIONS.mainFields],
    external: [...LAMBDA_ESBUILD_OPTIONS.external],
    entryPoints: [entry],
    outfile,
    bundle: true,
    logLevel: 'error',
  });
  for (const command of copyOnDemandFiles(outfile)) execFileSync('bash', ['-c', command]);
}
