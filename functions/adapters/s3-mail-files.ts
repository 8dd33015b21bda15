/** Stored bodies and attachments in the mail bucket, short-lived presigned links to them, and replies' uploads. */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { MailFiles, OutboundFiles } from '../conversations/ports';
import type { ReplyAttachment } from '../conversations/reply';

/** How long a download link works: long enough to click, short enough not to be worth sharing. */
export const DOWNLOAD_LINK_SECONDS = 300;

/** `attachment; filename="…"` with an ASCII fallback and the exact name as RFC 5987 `filename*`. */
export function contentDisposition(disposition: 'inline' | 'attachment', filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_').slice(0, 200) || 'attachment';
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

export class S3MailFiles implements MailFiles {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async body(key: string): Promise<string> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return object.Body!.transformToString('utf-8');
  }

  downloadUrl(key: string, file: { filename: string; contentType: string; disposition: 'inline' | 'attachment' }): Promise<string> {
    // Inline only for images (cid: pictures); anything else downloads, so no stored HTML renders on our links.
    const disposition = file.disposition === 'inline' && /^image\/(png|gif|jpe?g|webp|bmp)$/i.test(file.contentType) ? 'inline' : 'attachment';
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: contentDisposition(disposition, file.filename),
      ResponseContentType: disposition === 'inline' ? file.contentType : 'application/octet-stream',
    });
    return getSignedUrl(this.client, command, { expiresIn: DOWNLOAD_LINK_SECONDS });
  }
}

/** How long an upload link works: the upload follows its request at once. */
export const UPLOAD_LINK_SECONDS = 300;

/**
 * An upload not (yet) put: S3 answers 404 only to a caller allowed to list the bucket, and 403 to the others
 * (it does not tell who may not list whether a key exists). The replies function may read `outbound/` but not
 * list the bucket, so a 403 on a key under it means the file is not there.
 */
const isMissingUpload = (error: unknown) => error instanceof S3ServiceException && [403, 404].includes(error.$metadata.httpStatusCode ?? 0);

/**
 * A reply's upload: the file at its key, put by the client through a presigned PUT signed for its length, and
 * its description beside it (`<key>.json`, written by us; the link cannot reach it). The reply sends the file
 * under the described name and content type, whatever type the browser put it with.
 */
export class S3OutboundFiles implements OutboundFiles {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async prepareUpload(key: string, file: Omit<ReplyAttachment, 'key'>): Promise<{ uploadUrl: string; expiresAt: string }> {
    const description = { filename: file.filename, contentType: file.contentType, size: file.size };
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: `${key}.json`, Body: JSON.stringify(description), ContentType: 'application/json' }));
    const expiresAt = new Date(Date.now() + UPLOAD_LINK_SECONDS * 1000).toISOString();
    const uploadUrl = await getSignedUrl(this.client, new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: file.contentType, ContentLength: file.size }), {
      expiresIn: UPLOAD_LINK_SECONDS,
    });
    return { uploadUrl, expiresAt };
  }

  async uploaded(key: string): Promise<ReplyAttachment | undefined> {
    try {
      const [description, head] = await Promise.all([
        this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: `${key}.json` })).then(async (object) => JSON.parse(await object.Body!.transformToString('utf-8'))),
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })),
      ]);
      return { key, filename: String(description.filename), contentType: String(description.contentType), size: Number(head.ContentLength ?? 0) };
    } catch (error) {
      if (isMissingUpload(error)) return undefined;
      throw error;
    }
  }

  /**
   * The uploaded file's bytes. Not a stream: SES takes the raw message as one request body, so it is whole in
   * memory anyway (and the SDK's response stream reached nodemailer's encoder base64-encoded twice).
   */
  async read(key: string): Promise<Buffer> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  }
}
