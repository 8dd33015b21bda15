/** What one step of the inbound chain decided and why: stored with the message, printed by `explain`. */
export interface TraceEntry {
  readonly step: 'parse' | 'screen' | 'find-inbox' | 'classify' | 'attribute' | 'contact' | 'thread' | 'assign' | 'ticket' | 'persist' | 'release';
  readonly decision: string;
  readonly why: string;
}

/** Keeps evidence readable and bounded: one line, at most 300 characters. */
export function evidenceText(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
