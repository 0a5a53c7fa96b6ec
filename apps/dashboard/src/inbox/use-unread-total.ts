import type { Conversation } from '@switchboard/client';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';

import { conversationsKey, unreadTotal } from './conversation-cache';

/** The conversation list as cached (fetched and kept live by useConversations), without fetching it here. */
export function useCachedConversations(): Conversation[] | undefined {
  return useQuery<Conversation[]>({ queryKey: conversationsKey, enabled: false }).data;
}

/** Unread messages over every conversation but the open one, from the server's counts. */
export function useUnreadTotal(openId: string | null): number {
  return unreadTotal(useCachedConversations(), openId);
}

/** "(3) Switchboard": the tab says how much is waiting, even behind other tabs. */
export function useUnreadTitle(total: number): void {
  useEffect(() => {
    document.title = total > 0 ? `(${total}) Switchboard` : 'Switchboard';
  }, [total]);
  useEffect(() => () => void (document.title = 'Switchboard'), []);
}
