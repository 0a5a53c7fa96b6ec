/** Adds the log position and event id to an object payload, so clients can dedupe and resume. */
export function withEnvelope<T>(payload: T, seq: number | undefined, eventId: string | undefined): T {
  if (seq === undefined || payload === null || typeof payload !== 'object' || Array.isArray(payload)) return payload;
  return { ...payload, seq, eventId };
}
