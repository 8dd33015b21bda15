/** Stored bodies and attachments in the mail bucket, and short-lived presigned links to them. */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { MailFiles } from '../conversations/ports';

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
