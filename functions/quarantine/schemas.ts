/** Query strings of the quarantine, failed and health routes. */
import * as z from 'zod';
import { pageFields } from '../commons/page-fields';

/** `GET /inboxes/{id}/quarantine` and `GET /inboxes/{id}/failed`: a page. */
export const quarantinePageSchema = z.strictObject({ limit: pageFields.limit, cursor: pageFields.cursor });
export type QuarantinePageInput = z.infer<typeof quarantinePageSchema>;
