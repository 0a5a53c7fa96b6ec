import type { Conversation } from '@switchboard/client';
import type { QueryClient } from '@tanstack/react-query';

export const conversationsKey = ['conversations'] as const;

export function activityOf(c: Conversation): string {
  return c.lastMessageAt && c.lastMessageAt > c.updatedAt ? c.lastMessageAt : c.updatedAt;
}

export function sortByActivity(list: Conversation[]): Conversation[] {
  return [...list].sort((a, b) => (activityOf(a) < activityOf(b) ? 1 : activityOf(a) > activityOf(b) ? -1 : 0));
}

/**
 * Reads of the inbox in the order they were asked for: a list answer is only as new as its request, so a row
 * read asked for after the list request started (typically the mark-read of the conversation just opened, or a
 * read made on another device) knows better, and the list answer must not put its older count back. Before
 * this the badge of a conversation already read could come back until the next refresh.
 */
let lastTicket = 0;
const rowTickets = new WeakMap<QueryClient, Map<string, number>>();

/** Taken when a read is asked for; later reads get larger tickets. */
export function readTicket(): number {
  return ++lastTicket;
}

/** Records that the cached row `id` holds what a read of ticket `ticket` answered. */
export function noteRowRead(queryClient: QueryClient, id: string, ticket: number): void {
  let rows = rowTickets.get(queryClient);
  if (!rows) rowTickets.set(queryClient, (rows = new Map<string, number>()));
  if ((rows.get(id) ?? 0) < ticket) rows.set(id, ticket);
}

/**
 * The list as answered by a request that took ticket `listTicket`, except rows the cache learnt from a read
 * asked for later: those keep the cached row over the list's.
 */
export function withNewerRows(queryClient: QueryClient, listTicket: number, answer: Conversation[]): Conversation[] {
  const rows = rowTickets.get(queryClient);
  const cached = queryClient.getQueryData<Conversation[]>(conversationsKey);
  if (!rows || !cached) return answer;
  const known = new Map(cached.map((c) => [c.id, c]));
  return answer.map((c) => {
    const newer = (rows.get(c.id) ?? 0) > listTicket ? known.get(c.id) : undefined;
    return newer ? { ...c, ...newer } : c;
  });
}

/**
 * Puts a conversation the server just answered (with its inbox fields: contact, preview, the
 * caller's unread count) into the cached list and the single-conversation cache; `ticket` is the
 * {@link readTicket} taken when that read was asked for.
 */
export function storeConversation(queryClient: QueryClient, next: Conversation, ticket: number): void {
  noteRowRead(queryClient, next.id, ticket);
  queryClient.setQueryData<Conversation>(['conversation', next.id], (c) => ({ ...c, ...next }));
  const list = queryClient.getQueryData<Conversation[]>(conversationsKey);
  if (!list) return;
  const known = list.find((c) => c.id === next.id);
  const rest = list.filter((c) => c.id !== next.id);
  queryClient.setQueryData<Conversation[]>(conversationsKey, sortByActivity([{ ...known, ...next }, ...rest]));
}

/** Unread messages over the whole list, leaving out the one on screen (it is being read). */
export function unreadTotal(list: readonly Conversation[] | undefined, openId: string | null): number {
  return (list ?? []).reduce((sum, c) => sum + (c.id === openId ? 0 : (c.unreadCount ?? 0)), 0);
}
