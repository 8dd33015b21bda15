/**
 * Bundled like a Lambda by test/inbound/bundled-parse.test.ts: parses each raw message of the JSON file
 * argv[2] (base64 strings) with the inbound parse step and writes the results as JSON to argv[3].
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { discardAttachments, parseMime } from '../../functions/inbound/parse/parse-mime';

async function main(): Promise<void> {
  const raws = JSON.parse(readFileSync(process.argv[2], 'utf8')) as string[];
  const parsed = [];
  for (const raw of raws) parsed.push(await parseMime(Readable.from(Buffer.from(raw, 'base64')), discardAttachments));
  writeFileSync(process.argv[3], JSON.stringify(parsed));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
