/** Building replies: subject, recipients, sender, threading and signatures (pure). */
import { fromHeader, InboxSending, MAX_QUOTED_CHARACTERS, MAX_QUOTED_LINES, messageToQuote, recipients, replySubject, replyTokenAddress, sesThreadingId, threading, withQuote, withSignatures } from '../../functions/conversations/reply';
import type { StoredMessage } from '../../functions/conversations/model';
import { newTextOf, snippetOf } from '../../functions/conversations/new-text';
import { ValidationFailed } from '../../functions/commons/errors';

const inbox: InboxSending = {
  inboxId: 'inb_1',
  forwardingAddress: 'support@acme.inbox.example.com',
  senderName: { mode: 'agent-and-company', companyName: 'Acme' },
  senderAddress: { mode: 'default', username: 'help', address: 'help@acme.inbox.example.com' },
  ownAddresses: ['support@acme.inbox.example.com', 'team@acme.example'],
  quote: 'none',
};

const inbound = (fields: Partial<StoredMessage>): StoredMessage => ({
  messageId: 'ms_1', direction: 'inbound', receivedAt: '2026-12-01T00:00:00Z', subject: 'Hi', from: { email: 'jane@c.example', name: 'Jane' }, to: [{ email: 'team@acme.example', name: '' }], cc: [], text: '', ...fields,
});

describe('replySubject', () => {
  it.each([
    ['Late order', 'Re: Late order'],
    ['Re: Late order', 'Re: Late order'],
    ['RE: AW: SV: Antw: Late order', 'Re: Late order'],
    ['Re[2]: Re: late', 'Re: late'],
    ['VS:  Odp: x', 'Re: x'],
    ['Fwd: news', 'Re: Fwd: news'],
    ['Line\r\nBcc: x@y', 'Re: Line Bcc: x@y'],
  ])('%j → %j', (subject, expected) => expect(replySubject(subject)).toBe(expected));
});

describe('recipients', () => {
  it('answers the Reply-To, keeps the customer\'s Cc and To less our own addresses', () => {
    const messages = [inbound({ replyTo: [{ email: 'orders@c.example', name: '' }], cc: [{ email: 'boss@c.example', name: '' }, { email: 'support+cv_1@acme.inbox.example.com', name: '' }] })];
    expect(recipients({}, messages, inbox)).toEqual({ to: ['orders@c.example'], cc: ['boss@c.example'] });
    expect(recipients({ replyAll: false }, messages, inbox)).toEqual({ to: ['orders@c.example'], cc: [] });
  });

  it('keeps edits within the participants unless confirmed, naming each field', () => {
    const messages = [inbound({ cc: [{ email: 'boss@c.example', name: '' }] })];
    expect(recipients({ to: ['boss@c.example'], cc: ['new@else.example'], addRecipients: ['new@else.example'] }, messages, inbox)).toEqual({ to: ['boss@c.example'], cc: ['new@else.example'] });
    try {
      recipients({ to: ['x@else.example'], cc: ['team@acme.example'] }, messages, inbox);
      throw new Error('accepted');
    } catch (error) {
      expect((error as ValidationFailed).issues.map((issue) => `${issue.field}:${issue.rule}`)).toEqual(['to.0:not_a_participant', 'cc.0:own_address']);
    }
  });
});

describe('sender, threading, signatures', () => {
  it('sends only from a verified address', () => {
    expect(fromHeader(inbox, 'Sam')).toEqual({ header: 'Sam from Acme <help@acme.inbox.example.com>', address: 'help@acme.inbox.example.com' });
    expect(() => fromHeader({ ...inbox, senderAddress: { mode: 'custom', address: 'help@acme.example', verified: false } }, 'Sam')).toThrow(/not verified/);
  });

  it('answers the last inbound message, References bounded to the newest 20', () => {
    const references = Array.from({ length: 30 }, (_unused, index) => `r${index}@x`);
    const result = threading([inbound({ messageIdHeader: 'a@x' }), inbound({ messageIdHeader: 'b@x', references }), { ...inbound({ messageIdHeader: 'ses@email.amazonses.com' }), direction: 'outbound' }]);
    expect(result.inReplyTo).toBe('b@x');
    expect(result.references).toHaveLength(20);
    expect(result.references.at(-1)).toBe('b@x');
  });

  it('token address, SES ids, signatures', () => {
    expect(replyTokenAddress('support@acme.inbox.example.com', 'cv_1')).toBe('support+cv_1@acme.inbox.example.com');
    expect(sesThreadingId('0100abc', 'us-east-1')).toBe('0100abc@email.amazonses.com');
    expect(sesThreadingId('0100abc', 'eu-west-1')).toBe('0100abc@eu-west-1.amazonses.com');
    expect(withSignatures({ text: 'Hi  \n', html: '<p>Hi</p>' }, ['Sam <sam>', undefined, 'Acme'])).toEqual({ text: 'Hi\n\n-- \nSam <sam>\nAcme\n', html: '<p>Hi</p><div class="signature">-- <br>Sam &#60;sam&#62;<br>Acme</div>' });
  });
});

describe('withQuote', () => {
  const quoted = { date: 'Tue, 01 Dec 2026 00:00:00 GMT', name: 'Jane <J>', text: 'Where is\r\n\r\nmy order?\n' };

  it('quotes the text line by line under who wrote it, and the HTML in a blockquote (escaped text when it had none)', () => {
    expect(withQuote({ text: 'Today.\n', html: '<p>Today.</p>' }, quoted)).toEqual({
      text: 'Today.\n\nOn Tue, 01 Dec 2026 00:00:00 GMT, Jane <J> wrote:\n> Where is\n>\n> my order?\n',
      html: '<p>Today.</p><div class="quote">On Tue, 01 Dec 2026 00:00:00 GMT, Jane &#60;J&#62; wrote:<br><blockquote type="cite">Where is<br><br>my order?</blockquote></div>',
    });
    expect(withQuote({ text: 'Today.', html: '<p>Today.</p>' }, { ...quoted, html: '<p>Where?</p>' }).html).toContain('<blockquote type="cite"><p>Where?</p></blockquote>');
    expect(withQuote({ text: 'Today.' }, quoted).html).toBeUndefined();
    expect(withQuote({ text: 'Today.' }, undefined)).toEqual({ text: 'Today.' });
  });

  it('bounds the quoted lines and characters', () => {
    const lines = withQuote({ text: 'x' }, { ...quoted, text: 'line\n'.repeat(10_000) }).text.split('\n').filter((line) => line.startsWith('> '));
    expect(lines).toHaveLength(MAX_QUOTED_LINES);
    const long = withQuote({ text: 'x' }, { ...quoted, text: 'a'.repeat(MAX_QUOTED_CHARACTERS * 3) }).text;
    expect(long.length).toBeLessThan(MAX_QUOTED_CHARACTERS + 200);
  });

  it('quotes the last inbound message only when the inbox says so', () => {
    const messages = [inbound({ messageId: 'ms_1' }), inbound({ messageId: 'ms_2' }), { ...inbound({ messageId: 'ms_3' }), direction: 'outbound' as const }];
    expect(messageToQuote({ quote: 'last-message' }, messages)?.messageId).toBe('ms_2');
    expect(messageToQuote({ quote: 'none' }, messages)).toBeUndefined();
  });
});

describe('newText', () => {
  it.each([
    ['Thanks!\n\nOn Tue, Nov 3, 2026 at 10:00 AM Support <s@a.example> wrote:\n> Hello\n', 'Thanks!'],
    ['Danke!\r\n\r\nAm 03.11.2026 um 10:00 schrieb Support <s@a.example>:\r\n> Hallo\r\n', 'Danke!'],
    ['Yes.\n\n-----Original Message-----\nFrom: Support\nSent: Tuesday\n\nold\n', 'Yes.'],
    ['Hi,\nmy order is late.\n\n--\nJane\n', 'Hi,\nmy order is late.'],
    ['Got it\n\nSent from my iPhone\n', 'Got it'],
    // Nothing but quote: the whole text rather than nothing.
    ['> only a quote\n> nothing new\n', '> only a quote\n> nothing new'],
  ])('%j', (text, expected) => expect(newTextOf(text)).toBe(expected));

  it('snippets cut at a word near 200 characters', () => {
    const snippet = snippetOf(`${'word '.repeat(100)}`);
    expect(snippet.length).toBeLessThanOrEqual(201);
    expect(snippet.endsWith('word…')).toBe(true);
  });
});
