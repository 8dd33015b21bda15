/**
 * The SES v2 identity adapter's requests and how it reads SES's answers. aws-ses-v2-local has no identity
 * API (its unimplemented actions never answer), so the client is replaced by one that answers as SES does.
 */
import { AlreadyExistsException, CreateEmailIdentityCommand, GetEmailIdentityCommand, NotFoundException } from '@aws-sdk/client-sesv2';
import { SesIdentities } from '../../functions/adapters/ses-identities';

const TOKENS = ['a'.repeat(32), 'b'.repeat(32), 'c'.repeat(32)];

function sesAnswering(answer: (command: unknown) => unknown) {
  const sent: unknown[] = [];
  return { sent, client: { send: async (command: unknown) => (sent.push(command), answer(command)) } as never };
}

it('creates a domain identity with Easy DKIM (2048-bit) and returns its tokens, pending', async () => {
  const ses = sesAnswering(() => ({ IdentityType: 'DOMAIN', VerifiedForSendingStatus: false, DkimAttributes: { SigningEnabled: true, Status: 'PENDING', Tokens: TOKENS } }));
  expect(await new SesIdentities(ses.client).connect('acme.example')).toEqual({ status: 'pending', dkimTokens: TOKENS });
  expect(ses.sent[0]).toBeInstanceOf(CreateEmailIdentityCommand);
  expect((ses.sent[0] as CreateEmailIdentityCommand).input).toEqual({ EmailIdentity: 'acme.example', DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' } });
});

it('an identity that exists already is read instead (connect is idempotent)', async () => {
  const ses = sesAnswering((command) => {
    if (command instanceof CreateEmailIdentityCommand) throw new AlreadyExistsException({ message: 'exists', $metadata: {} });
    return { VerifiedForSendingStatus: true, DkimAttributes: { Status: 'SUCCESS', Tokens: TOKENS } };
  });
  expect(await new SesIdentities(ses.client).connect('acme.example')).toEqual({ status: 'verified', dkimTokens: TOKENS });
  expect((ses.sent[1] as GetEmailIdentityCommand).input).toEqual({ EmailIdentity: 'acme.example' });
});

it.each([
  [{ VerifiedForSendingStatus: true, DkimAttributes: { Status: 'SUCCESS' } }, 'verified'],
  [{ VerifiedForSendingStatus: false, DkimAttributes: { Status: 'SUCCESS' } }, 'pending'],
  [{ VerifiedForSendingStatus: false, DkimAttributes: { Status: 'FAILED' } }, 'failed'],
  [{ VerifiedForSendingStatus: false, DkimAttributes: { Status: 'TEMPORARY_FAILURE' } }, 'temporary-failure'],
  [{ VerifiedForSendingStatus: false, DkimAttributes: { Status: 'NOT_STARTED' } }, 'not-started'],
  [{ VerifiedForSendingStatus: false }, 'pending'],
])('reads %j as %s; a missing identity as undefined', async (answer, status) => {
  expect((await new SesIdentities(sesAnswering(() => answer).client).state('acme.example'))?.status).toBe(status);
  const missing = sesAnswering(() => {
    throw new NotFoundException({ message: 'no identity', $metadata: {} });
  });
  expect(await new SesIdentities(missing.client).state('acme.example')).toBeUndefined();
});
