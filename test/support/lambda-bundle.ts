/** Bundles a module as HouseFunction bundles a Lambda handler (LAMBDA_ESBUILD_OPTIONS), for tests that run the bundle. */
import { buildSync } from 'esbuild';
import { LAMBDA_ESBUILD_OPTIONS } from '../../lib/house-function';

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
}
