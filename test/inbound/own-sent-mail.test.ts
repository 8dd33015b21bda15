/** Step own-sent-mail: our replies coming back are recognized, other mail is not. */
import { recognizeOwnSentMail } from '../../functions/inbound/domain/steps/own-sent-mail';
import type { InboxProfile } from '../../functions/inbound/domain/ports';

const inbox = { teamAddresses: ['help@acme.example'] } as unknown as InboxProfile;
const context = (entries: Record<string, { conversationId: string; storedMessageId?: string; outbound?: boolean }> = {}) => ({ inbox, thread: { entries: new Map(Object.entries(entries)) } });
const from = (email: string) => ({ from: { email, name: '' } });

describe('recognizeOwnSentMail', () => {
  it('recognizes the Message-ID SES gave one of our replies, whoever forwards it', () => {
    const found = recognizeOwnSentMail(from('anyone@else.example'), { own: 'ses-1@email.amazonses.com', inReplyTo: [], referenced: [] }, context({ 'ses-1@email.amazonses.com': { conversationId: 'cv_1', storedMessageId: 'ms_9', outbound: true } }));
    expect(found?.reason).toEqual({ rule: 'own-sent-message', evidence: 'Message-ID <ses-1@email.amazonses.com> is our reply ms_9' });
  });

  it('recognizes an SES Message-ID from one of the inbox\'s sending addresses', () => {
    expect(recognizeOwnSentMail(from('help@acme.example'), { own: 'x@eu-west-1.amazonses.com', inReplyTo: [], referenced: [] }, context())?.reason.rule).toBe('own-sent-message');
  });

  it('leaves alone: an inbound message already stored, SES mail of other senders, our address with another Message-ID', () => {
    expect(recognizeOwnSentMail(from('jane@c.example'), { own: 'a@c.example', inReplyTo: [], referenced: [] }, context({ 'a@c.example': { conversationId: 'cv_1', storedMessageId: 'ms_1' } }))).toBeUndefined();
    expect(recognizeOwnSentMail(from('shop@else.example'), { own: 'x@email.amazonses.com', inReplyTo: [], referenced: [] }, context())).toBeUndefined();
    expect(recognizeOwnSentMail(from('help@acme.example'), { own: 'x@mail.acme.example', inReplyTo: [], referenced: [] }, context())).toBeUndefined();
  });
});
