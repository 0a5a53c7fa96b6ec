/**
 * The broadcast payload: a `new_message`-shaped object of about `bytes` bytes of
 * JSON whose `bseq` member numbers the broadcast. Clients find the number in the
 * raw frame without parsing it, so the key must stay unique and come first.
 */
export const SEQ_KEY = 'bseq';
const MARKER = Buffer.from(`"${SEQ_KEY}":`);

export function benchPayload(seq: number, bytes: number): Record<string, unknown> {
  const payload = {
    [SEQ_KEY]: seq,
    conversationId: 'bench-conversation',
    message: { id: `bench-message-${seq}`, role: 'ASSISTANT', content: '', createdAt: new Date().toISOString() },
  };
  const room = bytes - JSON.stringify(payload).length;
  payload.message.content = 'x'.repeat(Math.max(0, room));
  return payload;
}

/** The sequence number in a raw text frame, or -1 when the frame is not a bench broadcast. */
export function readSeq(frame: Buffer): number {
  let i = frame.indexOf(MARKER);
  if (i < 0) return -1;
  i += MARKER.length;
  let seq = 0;
  let digits = 0;
  for (; i < frame.length; i++, digits++) {
    const c = frame[i]!;
    if (c < 0x30 || c > 0x39) break;
    seq = seq * 10 + (c - 0x30);
  }
  return digits > 0 ? seq : -1;
}

/** The sequence number in decoded event arguments (searched a few levels deep), or -1. */
export function findSeq(value: unknown, depth = 3): number {
  if (value === null || typeof value !== 'object' || depth < 0) return -1;
  const record = value as Record<string, unknown>;
  const direct = record[SEQ_KEY];
  if (typeof direct === 'number') return direct;
  for (const key in record) {
    const found = findSeq(record[key], depth - 1);
    if (found >= 0) return found;
  }
  return -1;
}
