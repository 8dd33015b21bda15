/**
 * Replies through SES v2 as raw MIME (composed by nodemailer's MailComposer: In-Reply-To, References and
 * Reply-To need a raw message). SES replaces the Message-ID and answers its own id. Locally: aws-ses-v2-local.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { ReplySender } from '../conversations/ports';
import { OutgoingEmail, SES_MAX_MESSAGE_BYTES } from '../conversations/reply';

/** Reads an uploaded attachment. */
export type ReadFile = (key: string) => Promise<Buffer>;

export async function composeReply(email: OutgoingEmail, read: ReadFile): Promise<Buffer> {
  const angle = (id: string) => `<${id}>`;
  return new MailComposer({
    from: email.from,
    to: [...email.to],
    cc: email.cc.length ? [...email.cc] : undefined,
    replyTo: email.replyTo,
    subject: email.subject,
    inReplyTo: email.inReplyTo ? angle(email.inReplyTo) : undefined,
    references: email.references.map(angle),
    text: email.text,
    html: email.html,
    attachments: await Promise.all((email.attachments ?? []).map(async (file) => ({ filename: file.filename, contentType: file.contentType, content: await read(file.key) }))),
  })
    .compile()
    .build();
}

export class SesReplySender implements ReplySender {
  constructor(
    private readonly client: SESv2Client,
    private readonly read: ReadFile,
  ) {}

  async send(email: OutgoingEmail): Promise<string> {
    const raw = await composeReply(email, this.read);
    if (raw.length > SES_MAX_MESSAGE_BYTES) throw new Error(`the reply is ${raw.length} bytes; SES sends at most ${SES_MAX_MESSAGE_BYTES}`);
    const result = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: email.fromAddress,
        Destination: { ToAddresses: [...email.to], CcAddresses: email.cc.length ? [...email.cc] : undefined },
        Content: { Raw: { Data: raw } },
      }),
    );
    if (!result.MessageId) throw new Error('SES answered no MessageId');
    return result.MessageId;
  }
}
