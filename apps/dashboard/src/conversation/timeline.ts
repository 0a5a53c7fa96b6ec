import type { FeedMessage, Note } from '@switchboard/client';

export type TimelineItem = { kind: 'message'; message: FeedMessage } | { kind: 'note'; note: Note };

/**
 * Messages in the feed's order with the notes placed by time between them. The feed's order is
 * kept as it is (a pending message has no server time yet), and each note goes before the first
 * message written after it.
 */
export function mergeTimeline(messages: readonly FeedMessage[], notes: readonly Note[]): TimelineItem[] {
  const out: TimelineItem[] = [];
  let n = 0;
  for (const message of messages) {
    while (n < notes.length && !message.pending && (notes[n] as Note).createdAt < message.createdAt) {
      out.push({ kind: 'note', note: notes[n++] as Note });
    }
    out.push({ kind: 'message', message });
  }
  while (n < notes.length) out.push({ kind: 'note', note: notes[n++] as Note });
  return out;
}
