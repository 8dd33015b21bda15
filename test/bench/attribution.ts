/**
 * The attribution part of `npm run bench`: the decision chain's CPU per message against mailparser alone and
 * against the naive chain (mailparser, then `email-forward-parser` with the subject and again without it, no
 * pre-filter, no fallback, no authentication), on the attribution corpus and on the existing bench corpus;
 * and how many of the attribution corpus's messages each names as expected.
 */
import EmailForwardParser from 'email-forward-parser';
import { attributionCorpus, CorpusMessage } from '../support/attribution-corpus';
import { BenchMessage, fixtureMessages, generatedMessages } from './corpus';
import { baseline, chainOnly, cpuByKind, mailparserOnly, median, Side } from './cpu';

const forwardParser = new EmailForwardParser();

/** The naive chain's contact: the forward's sender (the first read that names one) when From is trusted, else From. */
export async function naiveChain(message: BenchMessage): Promise<string | undefined> {
  const { subject, from, text } = await mailparserOnly(message.raw);
  const withSubject = forwardParser.read(text, subject);
  const withoutSubject = forwardParser.read(text);
  const inner = [withSubject, withoutSubject].find((result) => result.forwarded && result.email.from.address)?.email.from.address?.toLowerCase();
  return inner && from && message.trusted.includes(from) ? inner : from;
}

const chain: Side = (message) => chainOnly(message);
const naive: Side = naiveChain;

export interface AttributionFigures {
  readonly messages: number;
  readonly mailparserUsPerMessage: number;
  readonly naiveUsPerMessage: number;
  readonly chainUsPerMessage: number;
  /** chain ÷ mailparser alone (target ≤ 1.25) and chain ÷ naive chain (target < 1). */
  readonly ratioToMailparser: number;
  readonly ratioToNaive: number;
}

export interface AttributionBench {
  readonly corpora: Record<'attribution' | 'existing', AttributionFigures>;
  /** Share of the attribution corpus named as expected. */
  readonly accuracy: { readonly chain: number; readonly naive: number; readonly messages: number };
}

async function figures(messages: BenchMessage[], rounds: number): Promise<AttributionFigures> {
  const groups = new Map([['all', messages]]);
  const sides = { mailparser: baseline, naive, chain };
  for (const side of Object.values(sides)) await cpuByKind(groups, 1, side); // warm up
  const perMessage: Record<keyof typeof sides, number[]> = { mailparser: [], naive: [], chain: [] };
  for (let round = 0; round < rounds; round++) {
    // Rotate the order, so drift favours no side.
    const order = (Object.keys(sides) as Array<keyof typeof sides>).map((_, index, names) => names[(index + round) % names.length]);
    for (const name of order) perMessage[name].push((await cpuByKind(groups, 1, sides[name])).get('all')! / messages.length);
  }
  const [mailparser, naiveUs, chainUs] = [median(perMessage.mailparser), median(perMessage.naive), median(perMessage.chain)];
  return { messages: messages.length, mailparserUsPerMessage: mailparser, naiveUsPerMessage: naiveUs, chainUsPerMessage: chainUs, ratioToMailparser: chainUs / mailparser, ratioToNaive: chainUs / naiveUs };
}

async function accuracy(corpus: CorpusMessage[], messages: BenchMessage[]) {
  let [chainRight, naiveRight] = [0, 0];
  for (const [index, message] of messages.entries()) {
    const plan = await chainOnly(message);
    if (plan.outcome === 'stored' && plan.contact.email === corpus[index].expect.email) chainRight++;
    if ((await naiveChain(message)) === corpus[index].expect.email) naiveRight++;
  }
  return { chain: chainRight / messages.length, naive: naiveRight / messages.length, messages: messages.length };
}

export async function measureAttribution(rounds = 5): Promise<AttributionBench> {
  const corpus = attributionCorpus();
  const asBench = corpus.map((message): BenchMessage => ({ name: message.name, kind: 'attribution', raw: message.raw, trusted: message.trusted, knownThreadIds: [] }));
  const existing = [...fixtureMessages(), ...generatedMessages(200)];
  return {
    corpora: { attribution: await figures(asBench, rounds), existing: await figures(existing, rounds) },
    accuracy: await accuracy(corpus, asBench),
  };
}
