/**
 * The hosted-inbox command line.
 *   hosted-inbox explain FILE.eml [--trusted EMAIL]... [--inbox ADDRESS] [--domain DOMAIN]
 * Prints one JSON object on stdout. Exit 0 on success; 2 on bad usage; 1 when the file cannot be read.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { explainMessage } from '../functions/inbound/explain';

const USAGE = 'usage: hosted-inbox explain FILE.eml [--trusted EMAIL]... [--inbox ADDRESS] [--domain DOMAIN]';

async function explain(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { trusted: { type: 'string', multiple: true }, inbox: { type: 'string' }, domain: { type: 'string' } },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    await access(file);
  } catch (error) {
    process.stderr.write(`hosted-inbox explain: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return 1;
  }
  try {
    const result = await explainMessage(createReadStream(file), {
      trusted: parsed.values.trusted,
      inbox: parsed.values.inbox,
      inboxDomain: parsed.values.domain,
    });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`hosted-inbox explain: cannot read ${file} as an email: ${(error as Error).message}\n`);
    return 1;
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'explain') return explain(rest);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
