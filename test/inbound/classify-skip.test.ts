/** A release bypasses exactly the rules it names: classify goes on to the next rule that applies. */
import type { ParsedMessage } from '../../functions/inbound/domain/message';
import { classify } from '../../functions/inbound/domain/steps/classify';

const message = (headers: Record<string, string>): ParsedMessage => ({
  headerLines: Object.entries(headers).map(([name, value]) => ({ key: name.toLowerCase(), line: `${name}: ${value}` })),
  from: { email: 'jane@customer.example', name: 'Jane' },
  to: [], cc: [], subject: 'Hello', text: 'Hi', references: [], inReplyToIds: [], attachments: [], attachedMessages: [], sizeBytes: 1, bodySha256: '',
});

const domains = ['inbox.example.com'];

it('skips a rule and finds the next one within the same check and across checks', () => {
  const autoAndBulk = message({ 'Auto-Submitted': 'auto-generated', 'X-Autoreply': 'yes', Precedence: 'bulk' });
  expect(classify(autoAndBulk, domains).reason?.rule).toBe('auto-submitted');
  expect(classify(autoAndBulk, domains, new Set(['auto-submitted'])).reason?.rule).toBe('x-autoreply');
  expect(classify(autoAndBulk, domains, new Set(['auto-submitted', 'x-autoreply'])).reason).toEqual({ rule: 'precedence', evidence: 'Precedence: bulk' });
  const released = classify(autoAndBulk, domains, new Set(['auto-submitted', 'x-autoreply', 'precedence']));
  expect(released).toMatchObject({ classification: 'message', trace: { why: 'no markers but those released past (auto-submitted, x-autoreply, precedence)' } });

  const bounceAndAuto = message({ 'X-Failed-Recipients': 'a@b.example', 'Auto-Submitted': 'auto-replied' });
  expect(classify(bounceAndAuto, domains, new Set(['x-failed-recipients'])).reason?.rule).toBe('auto-submitted');
});

it('a rule that did not hold the message is no bypass for another', () => {
  expect(classify(message({ Precedence: 'junk' }), domains, new Set(['auto-submitted'])).reason?.rule).toBe('precedence');
  expect(classify(message({}), domains, new Set(['precedence']))).toMatchObject({ classification: 'message', trace: { why: 'no auto-reply, bounce, loop or confirmation markers' } });
});
