import type { Inbox } from './model';

/** Another inbox (of any account) already routes this address. */
export class AddressTaken extends Error {
  constructor(readonly address: string) {
    super(`${address} is already in use`);
  }
}

/** The inbox changed between read and write (another tab, a verification click). */
export class StaleInbox extends Error {}

/** Inboxes, read and written within their account: another account's inbox is simply not found. */
export interface InboxStore {
  inbox(accountId: string, inboxId: string): Promise<Inbox | undefined>;
  inboxes(accountId: string): Promise<Inbox[]>;
  /** Creates the inbox and claims its addresses. Throws AddressTaken. */
  create(inbox: Inbox): Promise<void>;
  /**
   * Writes the wizard's fields of `next` if the stored version is still `previous.version`, releasing the
   * addresses `previous` claimed and `next` does not, claiming the new ones. Throws AddressTaken, StaleInbox.
   */
  save(previous: Inbox, next: Inbox): Promise<void>;
}
