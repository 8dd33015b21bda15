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
  readonly updatedAt?: string;
}

/** A conversation as a contact's history lists it. */
export interface ContactConversation {
  readonly conversationId: string;
  readonly inboxId: string;
  readonly subject?: string;
  readonly status: string;
  readonly assigneeId?: string | null;
  readonly ticketId?: string;
  readonly createdAt: string;
  readonly lastMessageAt?: string;
  readonly messageCount?: number;
}

/** A contact with the first page of its conversations, newest first. */
export interface ContactWithConversations extends Contact {
  readonly conversations: ContactConversation[];
  /** Opaque: continues with `GET /contacts/{id}/conversations?cursor=`; absent when all are listed. */
  readonly conversationsCursor?: string;
}
