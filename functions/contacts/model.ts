/** A contact: someone who wrote to one of the account's inboxes (one per normalized email), as the API returns it. */
export interface Contact {
  readonly contactId: string;
  readonly accountId: string;
  readonly email: string;
  readonly name?: string;
  /**
   * A user of the account, or null. Auto-assignment in "contact-owner" mode gives the contact's new
   * conversations to this user.
   */
  readonly ownerId: string | null;
  readonly createdAt: string;
  readonly lastMessageAt?: string;
  readonly messageCount?: number;
}
