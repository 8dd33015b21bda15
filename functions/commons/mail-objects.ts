/**
 * Attachments and bodies stored for mail that was not stored after all (no sender, a duplicate, a failure)
 * carry this tag; the bucket's lifecycle rule expires tagged objects (the raw message stays the source of
 * truth). Shared by the inbound function and the CDK bucket.
 */
export const UNREFERENCED_TAG = { Key: 'hosted-inbox-unreferenced', Value: 'true' } as const;
