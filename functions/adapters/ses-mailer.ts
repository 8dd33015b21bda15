/** Sends the system's own emails (address verification) through SES v2; locally, aws-ses-v2-local. */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer, VerificationEmail } from '../inboxes/verification';

export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
  ) {}

  async send(email: VerificationEmail): Promise<void> {
    const text = (data: string) => ({ Data: data, Charset: 'UTF-8' });
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [email.to] },
        Content: { Simple: { Subject: text(email.subject), Body: { Text: text(email.text), Html: text(email.html) } } },
      }),
    );
  }
}
