/**
 * The vocabulary of inbound decisions, shared by the chain, the `explain` command and the tests.
 * Rule ids are a contract: tooling matches on them. Add, never rename.
 */

/** What a message is, after screening and classification. Anything but `message` is quarantined. */
export type Classification =
  | 'message'
  | 'auto-reply'
  | 'bounce'
  | 'loop'
  | 'forwarding-confirmation'
  | 'spam'
  | 'virus';

/** Why a message was classified as it was (for `message`: null). */
export type ClassificationRule =
  | 'ses-spam-verdict' // SES receipt verdict (or X-SES-Spam-Verdict header) FAIL
  | 'ses-virus-verdict'
  | 'auto-submitted' // Auto-Submitted header other than "no"
  | 'x-autoreply'
  | 'x-autorespond'
  | 'precedence' // Precedence: bulk | junk | list (not for group-relayed mail, see classify step)
  | 'x-auto-response-suppress'
  | 'delivery-status-report' // multipart/report; report-type=delivery-status
  | 'x-failed-recipients'
  | 'empty-return-path' // Return-Path: <>
  | 'mailer-daemon-sender' // From mailer-daemon@ / postmaster@
  | 'own-message-id' // Message-ID under our own domain: we sent it
  | 'own-sender-address' // From one of our own addresses
  | 'gmail-forwarding-confirmation'
  | 'own-sent-message'; // our own reply coming back: the Message-ID SES gave it, or an SES id from one of the inbox's sending addresses

/** How the contact (original sender) was chosen. */
export type AttributionRule =
  | 'from-header' // plain From: direct mail, or an auto-forward that kept From
  | 'auto-forward' // From kept by an automatic forward that left a trace (X-Forwarded-For/To, Resent-From, …)
  | 'x-original-sender' // Google Groups rewrote From; X-Original-Sender names the sender
  | 'inline-forward' // a trusted forwarder's manual forward; the inline forwarded block names the sender
  | 'attached-forward' // a trusted forwarder attached the original as message/rfc822
  | 'untrusted-forwarder' // a forward by someone not trusted: they stay the contact
  | 'forwarder-failed-authentication'; // a trusted forwarder's address, but neither SPF nor DKIM passed

export interface Decision<Rule extends string> {
  readonly rule: Rule;
  /** The header or body line that decided, verbatim (trimmed, at most a few hundred characters). */
  readonly evidence: string;
}

export interface Mailbox {
  readonly email: string;
  readonly name: string;
}

/**
 * How the contact was chosen. `candidate`: the forwarded sender the chain set aside — named by a forward it did
 * not believe (untrusted or unauthenticated forwarder, or a forward inside an untrusted inner forwarder's
 * message) — so a person can move the message to them in one click, without parsing the evidence.
 */
export interface AttributionDecision extends Decision<AttributionRule> {
  readonly candidate?: Mailbox;
}
