/**
 * The deployed Lambda bundles, as `cdk synth` builds them (esbuild, the same options): each one's size (the bundle
 * and every file beside it that its import loads; the on-demand files beside it that it does not load are reported
 * apart, see ON_DEMAND_FILES), and the time and CPU of its cold import (module load and top-level code: what
 * Lambda's init phase does) in a fresh Node process, median of several. The target is judged on CPU time: on a shared machine wall time mostly
 * measures the other processes, and on a quiet one CPU time is the larger of the two (GC runs on helper threads).
 * Run alone with `npx tsx test/bench/bundles.ts`; `npm run bench` includes it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { createHostedInbox } from '../../lib/hosted-inbox';

export const BUNDLE_TARGETS = { maxBytes: 1024 * 1024, maxImportMs: 200 };

export interface BundleFigures {
  readonly function: string;
  /** The bundle and the files beside it that its cold import loads. */
  readonly bytes: number;
  /** Files beside the bundle that its cold import does not load (on-demand data; the source map not counted). */
  readonly onDemandBytes: number;
  readonly importMs: number;
  readonly importCpuMs: number;
  /** The machine's 1-minute load average when this bundle was measured. */
  readonly loadAverage: number;
}

export const bundleMet = (figure: BundleFigures) => figure.bytes <= BUNDLE_TARGETS.maxBytes && figure.importCpuMs <= BUNDLE_TARGETS.maxImportMs;

/** One import in a fresh process: wall-clock and CPU milliseconds, and the files (CommonJS or JSON) it required. */
function importOnce(file: string): { ms: number; cpuMs: number; required: string[] } {
  const script = `const c0 = process.cpuUsage(); const t0 = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); const c = process.cpuUsage(c0); const { createRequire } = await import('node:module'); console.log(JSON.stringify({ ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, required: Object.keys(createRequire(import.meta.url).cache) }));`;
  // As on Lambda: no source-map parsing, the SDK's Node-version notice off; no endpoint, credentials or table is touched at import.
  const env = { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT' };
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').pop()!);
}

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Synthesizes the app with bundling into a temporary directory and measures every function's bundle. */
export function measureBundles(rounds = 7): BundleFigures[] {
  const outdir = mkdtempSync(join(tmpdir(), 'hosted-inbox-bundles-'));
  try {
    const app = new App({ outdir, context: { domain: 'inbox.example.com', 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:enable-path-metadata': true } });
    const { application } = createHostedInbox(app);
    app.synth();
    const template = JSON.parse(readFileSync(join(outdir, `${Stack.of(application).artifactId}.template.json`), 'utf8'));
    const figures: BundleFigures[] = [];
    for (const resource of Object.values<any>(template.Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const bundle = join(outdir, resource.Metadata['aws:asset:path'], 'index.mjs');
      if (!existsSync(bundle)) continue; // CDK's own custom-resource handler, not ours
      const runs = Array.from({ length: rounds }, () => importOnce(bundle));
      const beside = filesUnder(dirname(bundle)).filter((file) => file !== bundle && !file.endsWith('.map'));
      const loaded = beside.filter((file) => runs[0].required.includes(file));
      const size = (files: string[]) => files.reduce((total, file) => total + statSync(file).size, 0);
      figures.push({
        function: String(resource.Metadata['aws:cdk:path']).split('/').slice(1, -2).join('/'),
        bytes: statSync(bundle).size + size(loaded),
        onDemandBytes: size(beside.filter((file) => !loaded.includes(file))),
        importMs: median(runs.map((run) => run.ms)),
        importCpuMs: median(runs.map((run) => run.cpuMs)),
        loadAverage: loadavg()[0],
      });
    }
    return figures;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export function printBundles(figures: readonly BundleFigures[]): void {
  for (const figure of figures) {
    const size = `${(figure.bytes / 1024).toFixed(0)} KB`;
    const beside = `(+${(figure.onDemandBytes / 1024).toFixed(0)} KB on demand)`;
    const met = bundleMet(figure) ? 'met' : 'NOT met';
    console.log(`   ${figure.function.padEnd(22)} ${size.padStart(8)} ${beside.padEnd(22)} import CPU ${figure.importCpuMs.toFixed(0).padStart(4)} ms (wall ${figure.importMs.toFixed(0)} ms, load ${figure.loadAverage.toFixed(1)})  ${met}`);
  }
}

if (require.main === module) {
  console.log(`Bundles (target ≤ ${BUNDLE_TARGETS.maxBytes / 1024} KB, cold import ≤ ${BUNDLE_TARGETS.maxImportMs} ms of CPU):`);
  printBundles(measureBundles());
}
