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
 * Puts a conversation the server just answered (with its inbox fields: contact, preview, the
 * caller's unread count) into the cached list and the single-conversation cache.
 */
export function storeConversation(queryClient: QueryClient, next: Conversation): void {
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
