/** Sends the system's own emails (address verification) through SES v2; locally, aws-ses-v2-local. */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { EmailRefused, type Mailer, type VerificationEmail } from '../inboxes/verification';

/**
 * SES v2 SendEmail errors that refuse the message itself rather than fail to deliver it: MessageRejected is what
 * the sandbox answers for an unverified recipient. Throttling, limits and 5xx stay errors (an outage).
 */
const REFUSALS = new Set(['MessageRejected', 'MailFromDomainNotVerifiedException', 'SendingPausedException', 'AccountSuspendedException']);

export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
  ) {}

  async send(email: VerificationEmail): Promise<void> {
    const text = (data: string) => ({ Data: data, Charset: 'UTF-8' });
    try {
      await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: this.from,
          Destination: { ToAddresses: [email.to] },
          Content: { Simple: { Subject: text(email.subject), Body: { Text: text(email.text), Html: text(email.html) } } },
        }),
      );
    } catch (error) {
      if (REFUSALS.has((error as Error).name)) throw new EmailRefused((error as Error).name);
      throw error;
    }
  }
}
