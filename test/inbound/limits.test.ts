/**
 * Hostile input is normal input: 1 MiB values of every header the chain reads go through the whole chain
 * (dry run, no writes). The CPU bound is a limit, not a benchmark (`npm run bench` measures): linear steps
 * take tens of milliseconds here, the quadratic ones this replaced took 20–50 s per message.
 */
import { Readable } from 'node:stream';
import { dryRunPorts } from '../../functions/inbound/explain';
import { ingestInbound } from '../../functions/inbound/domain/ingest';
import { addressesIn, messageIdsIn } from '../../functions/inbound/domain/addresses';
import { threadKeys } from '../../functions/inbound/domain/steps/thread';

/** Far above what a linear chain needs for 1 MiB, far below what a quadratic step needs. */
const CPU_LIMIT_MS = 3000;

const MIB = 1024 * 1024;

/** Every header a step of the chain reads. */
const HEADERS_READ = [
  'From', 'To', 'Cc', 'Subject', 'Message-ID', 'In-Reply-To', 'References', 'Received', 'X-Original-To', 'Delivered-To',
  'X-Forwarded-To', 'X-Forwarded-For', 'X-SES-Spam-Verdict', 'X-SES-Virus-Verdict', 'Authentication-Results', 'Content-Type',
  'X-Failed-Recipients', 'Return-Path', 'Auto-Submitted', 'X-Autoreply', 'X-Autorespond', 'Precedence', 'X-Original-Sender',
  'X-Google-Group-Id', 'X-Auto-Response-Suppress', 'Resent-From', 'Mailing-List', 'List-Post', 'Sender', 'Reply-To',
  'Thread-Index', 'Thread-Topic', 'X-Forwarded-Message-Id',
];

/** Shapes that made the old patterns backtrack: long runs of local-part characters, many near-addresses, many ids. */
const SHAPES: Record<string, (size: number) => string> = {
  run: (size) => 'a'.repeat(size),
  runThenAt: (size) => `${'a'.repeat(size - 1)}@`,
  nearAddresses: (size) => 'a.b@c'.repeat(Math.ceil(size / 5)).slice(0, size),
  ids: (size) => Array.from({ length: Math.ceil(size / 20) }, (_, index) => `<i${index}@x.example>`).join(' ').slice(0, size),
};

function hostile(header: string, value: string): string {
  const base: Record<string, string> = { From: 'jane@example.org', To: 'support@acme.inbox.example.com', Subject: 'hello', 'Message-ID': '<m1@example.org>' };
  const lines = Object.entries({ ...base, [header]: value }).map(([name, text]) => `${name}: ${text}`);
  return [...lines, 'MIME-Version: 1.0', 'Content-Type: text/plain', '', 'body', ''].join('\r\n').replace('Content-Type: text/plain\r\nContent-Type', 'Content-Type');
}

async function explainRaw(raw: string) {
  const ports = dryRunPorts(Readable.from([Buffer.from(raw)]), { trusted: [] });
  const [plan] = await ingestInbound({ raw: { bucket: 'b', key: 'k' }, recipients: ['support@acme.inbox.example.com'], receivedAt: new Date().toISOString() }, ports, { inboxDomain: 'inbox.example.com' });
  return plan;
}

describe('1 MiB header values', () => {
  for (const header of HEADERS_READ) {
    it(`${header}: every shape ends as one bounded record`, async () => {
      // 1 MiB (mailparser's own header limit is near it) and 256 KiB (well inside it).
      for (const [shape, make] of Object.entries(SHAPES).flatMap(([name, make]) => [[`${name} 1MiB`, () => make(MIB)], [`${name} 256KiB`, () => make(MIB / 4)]] as const)) {
        const started = process.cpuUsage();
        const plan = await explainRaw(hostile(header, make()));
        const { user, system } = process.cpuUsage(started);
        expect([shape, (user + system) / 1000]).toEqual([shape, expect.any(Number)]);
        expect([shape, (user + system) / 1000 < CPU_LIMIT_MS]).toEqual([shape, true]);
        expect([shape, plan.outcome]).toEqual([shape, expect.stringMatching(/^(stored|quarantined|unroutable|failed)$/)]);
        // Nothing of the value survives unbounded into what would be stored.
        expect(JSON.stringify(plan).length).toBeLessThan(200 * 1024);
      }
    }, 30_000);
  }
});

describe('linear parsing', () => {
  it('finds addresses among separators and ignores tokens too long to be one', () => {
    expect(addressesIn('Jane <Jane@Example.org>, "x" <b@c.example>; mailto:d@e.example')).toEqual(['jane@example.org', 'b@c.example', 'd@e.example']);
    expect(addressesIn(`${'a'.repeat(300)}@example.org`)).toEqual([]);
    expect(addressesIn('a'.repeat(MIB))).toEqual([]);
  });

  it('drops Message-IDs longer than a header line and lower-cases their domain', () => {
    expect(messageIdsIn(`<${'x'.repeat(1200)}@example.org> <Abc@Mail.Example.ORG>`)).toEqual(['Abc@mail.example.org']);
  });

  it('dedupes 8,000 References in linear time, newest first', () => {
    const references = Array.from({ length: 8000 }, (_, index) => `r${index % 4000}@x.example`);
    const keys = threadKeys({ messageId: 'own@x.example', inReplyToIds: ['r3999@x.example'], references });
    expect(keys.referenced[0]).toBe('r3999@x.example');
    expect(new Set(keys.referenced).size).toBe(keys.referenced.length);
  });
});
