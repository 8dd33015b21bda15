/** S3 side of the inbound pipeline: the raw message in, attachments and large bodies out, all streamed. */
import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { UnparseableMessageError } from '../inbound/domain/errors';
import { Upload } from '@aws-sdk/lib-storage';
import type { AttachmentSink } from '../inbound/parse/parse-mime';
import type { InboundPorts, RawMailRef, StoredBodies } from '../inbound/domain/ports';
import { UNREFERENCED_TAG } from '../commons/mail-objects';
import type { RawObject } from '../inbound/reconcile';

/** Keys are derived from the receipt, so a retry overwrites the same objects instead of adding new ones. */
export const mailKeys = {
  attachment: (receiptId: string, index: number, filename: string) => `attachments/${receiptId}/${index}/${safeName(filename)}`,
  text: (receiptId: string) => `bodies/${receiptId}/text.txt`,
  html: (receiptId: string) => `bodies/${receiptId}/body.html`,
  attachmentList: (receiptId: string) => `bodies/${receiptId}/attachments.json`,
};

export class S3MailStore implements Pick<InboundPorts, 'openRaw' | 'attachmentSink' | 'storeBodies' | 'markUnreferenced'> {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async openRaw(ref: RawMailRef): Promise<Readable> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
      return object.Body as Readable;
    } catch (error) {
      // Gone for good (a bad event, or deleted): a failed record, not an endless retry.
      if (error instanceof NoSuchKey) throw new UnparseableMessageError(`raw object s3://${ref.bucket}/${ref.key} does not exist`, { cause: error });
      throw error;
    }
  }

  attachmentSink(receiptId: string): AttachmentSink {
    return {
      store: async (attachment, content) => {
        const Key = mailKeys.attachment(receiptId, attachment.index, attachment.filename);
        // Multipart upload from the stream: memory stays at a few parts whatever the attachment's size.
        await new Upload({
          client: this.client,
          params: { Bucket: this.bucket, Key, Body: content, ContentType: attachment.contentType },
          queueSize: 2,
        }).done();
        return { storageKey: Key };
      },
    };
  }

  /** Every object under the raw-mail prefix, a page of 1,000 at a time. */
  async *listRawObjects(prefix: string): AsyncIterable<RawObject> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken }));
      for (const object of page.Contents ?? []) {
        if (object.Key && object.LastModified) yield { bucket: this.bucket, key: object.Key, lastModified: object.LastModified };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async markUnreferenced(objectKeys: readonly string[]): Promise<void> {
    await Promise.all(
      objectKeys.map((Key) => this.client.send(new PutObjectTaggingCommand({ Bucket: this.bucket, Key, Tagging: { TagSet: [UNREFERENCED_TAG] } }))),
    );
  }

  async storeBodies(receiptId: string, bodies: { text?: string; html?: string; attachments?: unknown }): Promise<StoredBodies> {
    const put = async (Key: string, Body: string, ContentType: string) => {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body, ContentType }));
      return Key;
    };
    const [textKey, htmlKey, attachmentsKey] = await Promise.all([
      bodies.text === undefined ? undefined : put(mailKeys.text(receiptId), bodies.text, 'text/plain; charset=utf-8'),
      // Raw as sent: sanitized when a client reads it, so the sanitizer can improve without losing mail.
      bodies.html === undefined ? undefined : put(mailKeys.html(receiptId), bodies.html, 'text/html; charset=utf-8'),
      bodies.attachments === undefined ? undefined : put(mailKeys.attachmentList(receiptId), JSON.stringify(bodies.attachments), 'application/json'),
    ]);
    return { textKey, htmlKey, attachmentsKey };
  }
}

function safeName(filename: string): string {
  const cleaned = filename.normalize('NFC').replace(/[^\p{L}\p{N}._ -]+/gu, '_').replace(/^\.+/, '').slice(0, 120);
  return cleaned || 'attachment';
}
