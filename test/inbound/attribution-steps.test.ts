/** The attribution steps on their own: aligned authentication, reading a forward, what the trace says. */
import { Readable } from 'node:stream';
import { explainMessage } from '../../functions/inbound/explain';
import { attributeSender, readSenders, TrustPolicy } from '../../functions/inbound/domain/steps/attribute-sender';
import { forwarderAuthentication, organizationalDomain } from '../../functions/inbound/domain/steps/authentication';
import { readForward } from '../../functions/inbound/domain/steps/read-forward';
import { screen, Verdicts } from '../../functions/inbound/domain/steps/screen';
import type { ParsedMessage } from '../../functions/inbound/domain/message';

const verdicts = (fields: Partial<Verdicts>): Verdicts => ({ source: 'ses-headers', ...fields });

describe('forwarderAuthentication: SPF or DKIM count only aligned with the From domain', () => {
  it.each([
    ['DMARC pass', verdicts({ dmarc: 'PASS', spf: 'FAIL' }), true, 'dmarc=pass for acme.com'],
    ['DMARC fail, whatever SPF says', verdicts({ dmarc: 'FAIL', spf: 'PASS', spfDomain: 'attacker.example' }), false, 'dmarc=fail'],
    ['no DMARC record, SPF pass for an unrelated envelope domain', verdicts({ dmarc: 'GRAY', spf: 'PASS', spfDomain: 'attacker.example', dkim: 'GRAY' }), false, 'spf=pass for attacker.example, not aligned'],
    ['no DMARC record, SPF pass for a subdomain (relaxed)', verdicts({ dmarc: 'GRAY', spf: 'PASS', spfDomain: 'bounces.acme.com' }), true, 'spf=pass for bounces.acme.com, aligned'],
    ['no DMARC verdict, DKIM pass for the From domain', verdicts({ dkim: 'PASS', dkimDomains: ['acme.com'], spf: 'FAIL' }), true, 'dkim=pass for acme.com, aligned'],
    ['no DMARC verdict, DKIM pass for another domain', verdicts({ dkim: 'PASS', dkimDomains: ['mailer.example'] }), false, 'dkim=pass for mailer.example, not aligned'],
    ["SES's bare DKIM pass, every signature aligned", verdicts({ dkim: 'PASS', signatureDomains: ['acme.com'] }), true, 'dkim=pass for acme.com'],
    ["SES's bare DKIM pass, one signature not aligned", verdicts({ dkim: 'PASS', signatureDomains: ['acme.com', 'attacker.example'] }), false, 'unknown domain'],
    ['SPF and DKIM pass with no domain known', verdicts({ spf: 'PASS', dkim: 'PASS' }), false, 'unknown domain'],
  ])('%s', (_case, given, authenticated, why) => {
    const result = forwarderAuthentication(given, 'agent@acme.com');
    expect(result.authenticated).toBe(authenticated);
    expect(result.why).toContain(why);
  });

  it('is undefined (not a failure) when SES judged nothing', () => {
    expect(forwarderAuthentication(undefined, 'agent@acme.com').authenticated).toBeUndefined();
    expect(forwarderAuthentication(verdicts({ spf: 'DISABLED', dkim: 'DISABLED', dmarc: 'DISABLED' }), 'agent@acme.com').authenticated).toBeUndefined();
  });

  it('takes organizational domains under country registries', () => {
    expect(organizationalDomain('mail.acme.co.uk')).toBe('acme.co.uk');
    expect(organizationalDomain('eu.mail.acme.com')).toBe('acme.com');
    expect(organizationalDomain('acme.de')).toBe('acme.de');
  });
});

describe('screen reads the domains SPF and DKIM were judged for', () => {
  const headerLines = (lines: string[]) => ({ headerLines: lines.map((line) => ({ key: line.slice(0, line.indexOf(':')).toLowerCase(), line })) });

  it('from SES Authentication-Results', () => {
    const { verdicts: read } = screen(headerLines([
      'Authentication-Results: amazonses.com; spf=pass (spfCheck: domain of bounce.acme.com designates 192.0.2.1 as permitted sender) client-ip=192.0.2.1; envelope-from=b@bounce.acme.com; helo=x; dkim=pass header.i=@acme.com; dkim=pass header.d=esp.example; dmarc=none header.from=acme.com;',
      'X-SES-RECEIPT: AEFBQUFB',
    ]));
    expect(read).toMatchObject({ spf: 'PASS', spfDomain: 'bounce.acme.com', dkimDomains: ['acme.com', 'esp.example'] });
  });

  it('keeps the signing domains of DKIM-Signature headers for a verdict that names none', () => {
    const { verdicts: read } = screen(headerLines(['DKIM-Signature: v=1; a=rsa-sha256; d=acme.com; s=s1; b=abc']), verdicts({ source: 'ses-event', dkim: 'PASS', spfDomain: 'acme.com' }));
    expect(read).toMatchObject({ dkim: 'PASS', spfDomain: 'acme.com', signatureDomains: ['acme.com'] });
  });
});

describe('readForward', () => {
  it('says when the subject says forward but no block names anyone', () => {
    expect(readForward('FYI, see below.\n\nNothing was pasted.', 'Fwd: Invoice')).toEqual({ kind: 'none', why: 'subject "Fwd: Invoice" says forward, but the body names no address' });
    expect(readForward('FYI, write to billing@acme.example about it.', 'Fwd: Invoice')).toEqual({ kind: 'none', why: 'subject "Fwd: Invoice" says forward, but no forwarded block was found' });
  });

  it('says when a block was found whose sender has no usable address', () => {
    const text = 'FYI\n\n---------- Forwarded message ---------\nFrom: Jane Customer\nDate: Mon, Mar 3, 2025\nSubject: Hi\nTo: <agent@acme.com>\n\nHello';
    expect(readForward(text, 'Fwd: Hi')).toEqual({ kind: 'none', why: 'a forwarded block was found, but its sender "Jane Customer" has no usable address' });
  });

  it('tells a reply from a forward when the subject has no prefix', () => {
    const quoted = ['Thanks, handled.', '', 'On 28/10/2021 12:46, "Jane Customer" <jane@example.org> wrote:', '> Where is my order?'].join('\n');
    expect(readForward(quoted, 'Order')).toMatchObject({ kind: 'reply', why: expect.stringContaining('followed by history, and no forward prefix in the subject: a reply') });
    // The same quote line under a forward prefix is Outlook 2019's forward.
    expect(readForward(quoted.replace(/^> /m, '    '), 'FW: Order')).toMatchObject({ kind: 'forward', sender: { email: 'jane@example.org' } });
    const block = ['Can you take this one?', '', 'From: Jane Customer <jane@example.org>', 'Sent: Monday, March 3, 2025 4:44 PM', 'To: Agent <agent@acme.com>', 'Subject: Order', '', 'Where is my order?'].join('\n');
    expect(readForward(block, 'Can you take this one?')).toMatchObject({ kind: 'forward', sender: { email: 'jane@example.org' }, how: 'our header-block reader (From, Subject and Date or To lines)' });
  });

  it('does not take a mere mention of "From: someone@x" for a forward', () => {
    expect(readForward('Please note the new rule.\nFrom: billing@acme.example will come the invoices.\nThanks', 'Update')).toEqual({ kind: 'none' });
  });
});

describe('attributeSender walks forwards of forwards while each forwarder is trusted', () => {
  const message = (text: string): ParsedMessage => ({
    headerLines: [{ key: 'from', line: 'From: Alex Agent <agent@acme.com>' }],
    from: { email: 'agent@acme.com', name: 'Alex Agent' },
    to: [], cc: [], subject: 'Fwd: FW: Order', text, references: [], inReplyToIds: [], attachments: [], attachedMessages: [], sizeBytes: 1, bodySha256: '',
  });
  const nested = ['---------- Forwarded message ---------', 'From: Sam <sam@acme.com>', 'Date: Mon', 'Subject: FW: Order', 'To: <agent@acme.com>', '', 'FYI', '', '________________________________', 'From: Jane Customer <jane@example.org>', 'Sent: Monday', 'To: Sam <sam@acme.com>', 'Subject: Order', '', 'Where is my order?'].join('\n');
  const trusting = (...emails: string[]): TrustPolicy => ({ trustReason: (email) => (emails.includes(email) ? 'listed' : undefined) });
  const pass = verdicts({ dmarc: 'PASS' });

  it('names the innermost sender when every forwarder is trusted', () => {
    const result = attributeSender(readSenders(message(nested)), trusting('agent@acme.com', 'sam@acme.com'), pass);
    expect(result).toMatchObject({ contact: { email: 'jane@example.org' }, attribution: { rule: 'inline-forward' }, forwardedBy: 'agent@acme.com' });
    expect(result.trace.why).toContain('sam@acme.com forwarded it in turn (listed)');
    expect(result).toHaveProperty('attribution', expect.not.objectContaining({ candidate: expect.anything() }));
  });

  it('stops at the first untrusted forwarder', () => {
    const result = attributeSender(readSenders(message(nested)), trusting('agent@acme.com'), pass);
    expect(result).toMatchObject({ contact: { email: 'sam@acme.com' } });
    expect(result.trace.why).toContain('stopped at sam@acme.com: not a trusted forwarder');
    // The sender inside the untrusted forward is set aside, in structured form, for a one-click correction.
    expect(result).toMatchObject({ attribution: { candidate: { email: 'jane@example.org', name: 'Jane Customer' } } });
  });

  it('sets aside the forwarded sender when the forwarder is not trusted at all', () => {
    const result = attributeSender(readSenders(message(nested)), trusting(), pass);
    expect(result).toMatchObject({ contact: { email: 'agent@acme.com' }, attribution: { rule: 'untrusted-forwarder', candidate: { email: 'sam@acme.com', name: 'Sam' } } });
  });

  it('never names an inner sender for an unauthenticated forwarder, and says why', () => {
    const result = attributeSender(readSenders(message(nested)), trusting('agent@acme.com', 'sam@acme.com'), verdicts({ spf: 'PASS', spfDomain: 'attacker.example', dkim: 'FAIL' }));
    expect(result).toMatchObject({ contact: { email: 'agent@acme.com' }, attribution: { rule: 'forwarder-failed-authentication' }, forwardedBy: null });
    expect(result.trace.why).toContain("the forwarder's message is not authenticated for its domain");
    expect(result).toMatchObject({ attribution: { candidate: { email: 'sam@acme.com' } } });
  });
});

describe('explain without --inbox', () => {
  it('lets a recipient under the inbox domain play the inbox, not a Google Group in To', async () => {
    const raw = [
      `From: "'Maria Customer' via Support" <support@acme.com>`,
      'To: support@acme.com',
      'X-Original-Sender: maria@example.org',
      'Delivered-To: support@acme.inbox.example.com',
      'Subject: Hello',
      'Message-ID: <group-1@acme.com>',
      '',
      'Hi!',
      '',
    ].join('\r\n');
    const result = await explainMessage(Readable.from([Buffer.from(raw)]), { inboxDomain: 'inbox.example.com' });
    expect(result).toMatchObject({ outcome: 'stored', inbox: 'support@acme.inbox.example.com', contact: { email: 'maria@example.org' }, attribution: { rule: 'x-original-sender' } });
  });
});
