/**
 * The synthesized Lambda assets carry the on-demand files (ON_DEMAND_FILES) their bundles import, beside the bundle
 * where the import finds them: without them a Chinese, Japanese or Korean message would not decode. Built with
 * bundling, as `cdk synth` builds them; test/inbound/bundled-parse.test.ts decodes every such charset from a bundle
 * laid out the same way.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { createHostedInbox } from '../../lib/hosted-inbox';
import { ON_DEMAND_FILES } from '../../lib/house-function';

describe('on-demand files in the Lambda assets', () => {
  let outdir: string;
  let assets: { function: string; dir: string; bundle: string }[];

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'hosted-inbox-assets-'));
    const app = new App({ outdir, context: { domain: 'inbox.example.com', 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:enable-path-metadata': true } });
    const { application } = createHostedInbox(app);
    app.synth();
    const template = JSON.parse(readFileSync(join(outdir, `${Stack.of(application).artifactId}.template.json`), 'utf8'));
    assets = Object.values<any>(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::Function' && existsSync(join(outdir, resource.Metadata['aws:asset:path'], 'index.mjs')))
      .map((resource) => {
        const dir = join(outdir, resource.Metadata['aws:asset:path']);
        return { function: String(resource.Metadata['aws:cdk:path']).split('/').slice(1, -2).join('/'), dir, bundle: readFileSync(join(dir, 'index.mjs'), 'utf8') };
      });
  }, 120_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('ships every on-demand file beside each bundle that imports it, and none beside the others', () => {
    expect(assets.length).toBeGreaterThan(5);
    for (const asset of assets) {
      for (const data of ON_DEMAND_FILES) {
        const imported = asset.bundle.includes(data.marker);
        for (const file of data.files) expect({ function: asset.function, file, present: existsSync(join(asset.dir, data.to, file)) }).toEqual({ function: asset.function, file, present: imported });
      }
    }
  });

  it('the functions that file mail import both, and every table a bundle names is there', () => {
    const filing = assets.filter((asset) => /^(Inbound|Reconcile\/Function|Api\/Release)$/.test(asset.function));
    expect(filing.map((asset) => asset.function).sort()).toEqual(['Api/Release', 'Inbound', 'Reconcile/Function']);
    for (const asset of filing) for (const data of ON_DEMAND_FILES) expect(asset.bundle.includes(data.marker)).toBe(true);
    for (const asset of assets) {
      const named = [...asset.bundle.matchAll(/"\.\/tables\/([^"]+)"/g)].map((match) => match[1]);
      for (const table of named) expect({ function: asset.function, table, present: existsSync(join(asset.dir, 'tables', table)) }).toEqual({ function: asset.function, table, present: true });
    }
  });
});
