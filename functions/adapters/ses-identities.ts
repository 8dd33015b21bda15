/** SES v2 domain identities with Easy DKIM (SES picks and rotates the keys; three CNAMEs publish them). */
import { AlreadyExistsException, CreateEmailIdentityCommand, GetEmailIdentityCommand, NotFoundException, SESv2Client } from '@aws-sdk/client-sesv2';
import type { DomainStatus } from '../domains/model';
import type { IdentityState, SendingIdentities } from '../domains/ports';

/** DKIM statuses that say why a domain is not verified for sending (SUCCESS alone is not enough: SES must say so). */
const NOT_VERIFIED: Readonly<Record<string, DomainStatus>> = {
  FAILED: 'failed',
  TEMPORARY_FAILURE: 'temporary-failure',
  NOT_STARTED: 'not-started',
};

/** Verified means SES will send as the domain; otherwise the DKIM status says why not (yet). */
function stateOf(answer: { VerifiedForSendingStatus?: boolean; DkimAttributes?: { Status?: string; Tokens?: string[] } }): IdentityState {
  const status = answer.VerifiedForSendingStatus ? 'verified' : (NOT_VERIFIED[answer.DkimAttributes?.Status ?? ''] ?? 'pending');
  return { status, dkimTokens: answer.DkimAttributes?.Tokens ?? [] };
}

export class SesIdentities implements SendingIdentities {
  constructor(private readonly client: Pick<SESv2Client, 'send'>) {}

  async connect(domain: string): Promise<IdentityState> {
    try {
      return stateOf(await this.client.send(new CreateEmailIdentityCommand({ EmailIdentity: domain, DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' } })));
    } catch (error) {
      if (!(error instanceof AlreadyExistsException)) throw error;
      return (await this.state(domain))!;
    }
  }

  async state(domain: string): Promise<IdentityState | undefined> {
    try {
      return stateOf(await this.client.send(new GetEmailIdentityCommand({ EmailIdentity: domain })));
    } catch (error) {
      if (error instanceof NotFoundException) return undefined;
      throw error;
    }
  }
}
