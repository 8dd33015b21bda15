/**
 * SES's receipt notification for an S3 action with a topic, shaped as the SES Developer Guide documents it
 * ("Contents of notifications for Amazon SES email receiving" and its examples): what SNS delivers, raw, to the
 * inbound queue in AWS.
 */
export interface NotificationOptions {
  readonly bucket: string;
  readonly prefix: string;
  readonly messageId: string;
  /** Envelope recipients (RCPT TO) the rule matched. */
  readonly recipients: readonly string[];
  /** The message's To header; may differ from the envelope (Bcc, forwards). */
  readonly destination?: readonly string[];
  readonly verdicts?: Partial<Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED'>>;
  readonly timestamp?: string;
}

export function sesReceiptNotification(options: NotificationOptions) {
  const timestamp = options.timestamp ?? '2015-09-11T20:32:33.936Z';
  const verdict = (name: keyof NonNullable<NotificationOptions['verdicts']>) => ({ status: options.verdicts?.[name] ?? 'PASS' });
  const destination = [...(options.destination ?? options.recipients)];
  return {
    notificationType: 'Received',
    receipt: {
      timestamp,
      processingTimeMillis: 222,
      recipients: [...options.recipients],
      spamVerdict: verdict('spam'),
      virusVerdict: verdict('virus'),
      spfVerdict: verdict('spf'),
      dkimVerdict: verdict('dkim'),
      dmarcVerdict: verdict('dmarc'),
      action: {
        type: 'S3',
        topicArn: 'arn:aws:sns:us-east-1:012345678912:example-topic',
        bucketName: options.bucket,
        objectKeyPrefix: options.prefix,
        objectKey: `${options.prefix}${options.messageId}`,
      },
    },
    mail: {
      timestamp,
      source: '61967230-7A45-4A9D-BEC9-87CBCF2211C9@example.com',
      messageId: options.messageId,
      destination,
      headersTruncated: false,
      headers: [
        { name: 'Return-Path', value: '<0000014fbe1c09cf-7cb9f704-7531-4e53-89a1-5fa9744f5eb6-000000@amazonses.com>' },
        { name: 'From', value: 'sender@example.com' },
        { name: 'To', value: destination.join(', ') },
        { name: 'Subject', value: 'Example subject' },
      ],
      commonHeaders: {
        returnPath: '0000014fbe1c09cf-7cb9f704-7531-4e53-89a1-5fa9744f5eb6-000000@amazonses.com',
        from: ['sender@example.com'],
        date: 'Fri, 11 Sep 2015 20:32:32 +0000',
        to: destination,
        messageId: '<61967230-7A45-4A9D-BEC9-87CBCF2211C9@example.com>',
        subject: 'Example subject',
      },
    },
  };
}

/** The SQS event the inbound function gets: one record per notification, the body being the notification (raw delivery). */
export function sqsEventOf(...bodies: unknown[]) {
  return {
    Records: bodies.map((body, index) => ({
      eventSource: 'aws:sqs',
      messageId: `sqs-${index + 1}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: {},
      messageAttributes: {},
      eventSourceARN: 'arn:aws:sqs:us-east-1:012345678912:inbound',
      awsRegion: 'us-east-1',
    })),
  };
}
