/**
 * CPU per message of the decision chain (parse → screen → find inbox → classify → attribute → thread) over
 * in-memory ports, against mailparser alone with the same options on the same bytes. No I/O on either side,
 * so the ratio is what the chain's own decisions cost on top of the MIME parse it cannot avoid.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MailParser } from 'mailparser';
import { ingestInbound } from '../../functions/inbound/domain/ingest';
import type { InboundPlan } from '../../functions/inbound/domain/plan';
import { dryRunPorts } from '../../functions/inbound/explain';
import { MAILPARSER_OPTIONS } from '../../functions/inbound/parse/parse-mime';
import { BENCH_INBOX, BenchMessage, fixtureMessages, generatedMessages } from './corpus';

export interface CpuFigures {
  readonly messages: number;
  /** Median over rounds, microseconds of CPU (user + system) per message. */
  readonly mailparserUsPerMessage: number;
  readonly chainUsPerMessage: number;
  readonly ratio: number;
}

export interface CpuResult extends CpuFigures {
  readonly rounds: number;
  readonly passesPerRound: number;
  readonly roundRatios: number[];
  /** The same per kind of message, to show where the ratio comes from. */
  readonly byKind: Record<string, CpuFigures>;
}

/** What mailparser alone gives any consumer of this mail: the subject, the first From address, the text. */
export interface MailparserOutput {
  subject: string;
  from?: string;
  text: string;
}

/** The baseline: what any consumer of this mail must pay: one mailparser pass, attachments drained. */
export async function mailparserOnly(raw: Buffer): Promise<MailparserOutput> {
  const parser = new MailParser(MAILPARSER_OPTIONS);
  const output: MailparserOutput = { subject: '', text: '' };
  const drained: Promise<void>[] = [];
  parser.on('headers', (headers: Map<string, unknown>) => {
    const subject = headers.get('subject');
    output.subject = typeof subject === 'string' ? subject : '';
    output.from = (headers.get('from') as { value?: Array<{ address?: string }> } | undefined)?.value?.[0]?.address?.toLowerCase();
  });
  parser.on('data', (data: { type: string; text?: string; content?: Readable; release?: () => void }) => {
    if (data.type === 'text') output.text = data.text ?? '';
    if (data.type !== 'attachment') return;
    drained.push(
      new Promise((resolve, reject) => {
        data.content!.once('end', () => (data.release!(), resolve())).once('error', reject);
        data.content!.resume();
      }),
    );
  });
  await pipeline(Readable.from([raw]), parser);
  await Promise.all(drained);
  return output;
}

/** The use case over explain's dry-run ports: one routed inbox, the message's trusted forwarders, no writes. */
export async function chainOnly(message: Pick<BenchMessage, 'name' | 'raw' | 'trusted'> & Partial<BenchMessage>): Promise<InboundPlan> {
  const ports = dryRunPorts(Readable.from([message.raw]), { inbox: BENCH_INBOX, trusted: message.trusted, knownThreadIds: message.knownThreadIds });
  const envelope = { raw: { bucket: 'bench', key: message.name }, recipients: [BENCH_INBOX], receivedAt: '2025-03-03T10:00:00.000Z' };
  return (await ingestInbound(envelope, ports, { inboxDomain: 'inbox.example.com' }))[0];
}

export type Side = (message: BenchMessage) => Promise<unknown>;
export const baseline: Side = (message) => mailparserOnly(message.raw);

/** CPU microseconds per kind for `passes` passes over the corpus, one kind at a time. */
export async function cpuByKind(groups: Map<string, BenchMessage[]>, passes: number, side: Side): Promise<Map<string, number>> {
  const micros = new Map<string, number>();
  for (let pass = 0; pass < passes; pass++) {
    for (const [kind, messages] of groups) {
      const start = process.cpuUsage();
      for (const message of messages) await side(message);
      const used = process.cpuUsage(start);
      micros.set(kind, (micros.get(kind) ?? 0) + used.user + used.system);
    }
  }
  return micros;
}

export async function measureCpu(corpus: readonly BenchMessage[], options = { rounds: 5, passesPerRound: 6, warmupPasses: 3 }): Promise<CpuResult> {
  const groups = new Map<string, BenchMessage[]>();
  for (const message of corpus) groups.set(message.kind, [...(groups.get(message.kind) ?? []), message]);
  // Warm up both (JIT, lazily loaded charset tables) before anything counts.
  await cpuByKind(groups, options.warmupPasses, baseline);
  await cpuByKind(groups, options.warmupPasses, chainOnly);
  const rounds: Array<{ baseline: Map<string, number>; chain: Map<string, number> }> = [];
  for (let round = 0; round < options.rounds; round++) {
    // Alternate the order so drift (thermal, GC debt) does not favour one side.
    const first = await cpuByKind(groups, options.passesPerRound, round % 2 ? chainOnly : baseline);
    const second = await cpuByKind(groups, options.passesPerRound, round % 2 ? baseline : chainOnly);
    rounds.push(round % 2 ? { baseline: second, chain: first } : { baseline: first, chain: second });
  }
  const sum = (micros: Map<string, number>, kinds: readonly string[]) => kinds.reduce((total, kind) => total + micros.get(kind)!, 0);
  const figures = (kinds: readonly string[]): CpuFigures => {
    const messages = kinds.reduce((total, kind) => total + groups.get(kind)!.length, 0);
    const perMessage = (micros: number) => micros / (options.passesPerRound * messages);
    const mailparserUsPerMessage = median(rounds.map((round) => perMessage(sum(round.baseline, kinds))));
    const chainUsPerMessage = median(rounds.map((round) => perMessage(sum(round.chain, kinds))));
    return { messages, mailparserUsPerMessage, chainUsPerMessage, ratio: chainUsPerMessage / mailparserUsPerMessage };
  };
  const all = [...groups.keys()];
  return {
    ...figures(all),
    rounds: options.rounds,
    passesPerRound: options.passesPerRound,
    roundRatios: rounds.map((round) => sum(round.chain, all) / sum(round.baseline, all)),
    byKind: Object.fromEntries(all.map((kind) => [kind, figures([kind])])),
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * For profiling one side alone: `node --import tsx --cpu-prof test/bench/cpu.ts chain` (or `mailparser`),
 * then open the .cpuprofile in Chrome DevTools or VS Code.
 */
if (require.main === module) {
  const side = process.argv[2] === 'mailparser' ? baseline : chainOnly;
  const corpus = [...fixtureMessages(), ...generatedMessages(200)];
  (async () => {
    for (let pass = 0; pass < 20; pass++) for (const message of corpus) await side(message);
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
