import type { Conversation, SwitchboardClient } from '@switchboard/client';

/**
 * A new conversation as live payloads carry it has no contact summary (that is read per caller
 * over HTTP); an alert about it should still say who. Falls back to what the payload had.
 */
export async function withContact(
  client: SwitchboardClient | null,
  id: string,
  live: Conversation | undefined,
): Promise<Conversation | undefined> {
  if (live?.contact || !client) return live;
  return client.api.getConversation(id).catch(() => live);
}

export function whoOf(c: Conversation | undefined): string {
  return c?.contact?.name || c?.contact?.email || c?.subject || 'A visitor';
}
