import { type Conversation, DefaultIn } from '@switchboard/client';
import { useConnectionStatus, useFacts, useSocketEvent, useSwitchboardClient } from '@switchboard/client/react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';

import { usePageVisible } from '../conversation/use-page-visible';
import { conversationsKey, noteRowRead, readTicket, storeConversation } from './conversation-cache';

/** Messages often come in bursts (a customer's three lines, an AI reply): one refresh per conversation per burst. */
const COALESCE_MS = 250;

/**
 * Unread counts and previews that come from the server (issue 16): the read position lives there,
 * so a count survives a reload and a sign-in on another device. The socket says *that* a
 * conversation has a new message (portal `conversation:updated`, or the message itself on the
 * default vocabulary and the polling fallback), and the row is then read again over HTTP, which
 * answers this reader's count and the new preview. The conversation on screen is marked read
 * instead, while the tab is visible. A read made on another tab or device arrives as
 * `read_position_changed` (to this person's own room only) and sets the count at once; a reconnect
 * and a return to the tab read the whole list again, for anything missed while away.
 *
 * `onUnreadGrew` hears a row whose count went up, with how many arrived: what alerts are raised on.
 */
export function useInboxSync(openId: string | null, onUnreadGrew: (c: Conversation, by: number) => void): void {
  const client = useSwitchboardClient();
  const queryClient = useQueryClient();
  const visible = usePageVisible();
  const { status } = useConnectionStatus();
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const live = useRef({ openId, visible, onUnreadGrew });
  live.current = { openId, visible, onUnreadGrew };
  // The count each row had when this hook last heard it (its own reads, read_position_changed).
  // Growth is measured from the lower of this and the cached list: a list refetch (every 30 s, on
  // focus, on reconnect) that lands between the message and this row's read already carries the
  // new count, so against the cache alone that message would raise no alert; and a read made
  // elsewhere while offline lowers only the cache.
  const heard = useRef(new Map<string, number>());

  const refresh = (id: string) => {
    if (!client) return;
    const cached = queryClient.getQueryData<Conversation[]>(conversationsKey)?.find((c) => c.id === id)?.unreadCount ?? 0;
    const before = Math.min(heard.current.get(id) ?? cached, cached);
    const reading = id === live.current.openId && live.current.visible;
    const ticket = readTicket();
    const call = reading ? client.api.markConversationRead(id) : client.api.getConversation(id);
    call.then(
      (c) => {
        storeConversation(queryClient, c, ticket);
        heard.current.set(id, c.unreadCount ?? 0);
        const grew = (c.unreadCount ?? 0) - before;
        if (grew > 0) live.current.onUnreadGrew(c, grew);
      },
      () => undefined, // a failed read leaves the row as it was; the 30 s list refresh catches up
    );
  };

  const schedule = (id: string) => {
    const pending = timers.current.get(id);
    if (pending) clearTimeout(pending);
    timers.current.set(
      id,
      setTimeout(() => {
        timers.current.delete(id);
        refresh(id);
      }, COALESCE_MS),
    );
  };

  useSocketEvent(DefaultIn.read_position_changed, (e) => {
    heard.current.set(e.conversationId, e.unreadCount);
    noteRowRead(queryClient, e.conversationId, readTicket());
    queryClient.setQueryData<Conversation[]>(conversationsKey, (list) =>
      list?.map((c) => (c.id === e.conversationId ? { ...c, unreadCount: e.unreadCount } : c)),
    );
  });

  useFacts((fact) => {
    if (fact.kind === 'message') schedule(fact.message.conversationId);
    else if (fact.kind === 'conversation' && (fact.created || fact.changes?.includes('lastMessageAt'))) schedule(fact.conversationId);
  });

  // Opening a conversation, or coming back to the tab with one open, reads it up to the newest message.
  useEffect(() => {
    if (openId && visible) refresh(openId);
  }, [openId, visible, client]); // refresh reads everything else through `live`

  // Back on the tab or back online: read the list again (other devices may have read, messages may have come).
  const before = useRef({ status, visible });
  useEffect(() => {
    const reconnected = status === 'connected' && before.current.status === 'reconnecting';
    const returned = visible && !before.current.visible;
    before.current = { status, visible };
    if ((reconnected || returned) && client) void queryClient.invalidateQueries({ queryKey: conversationsKey });
  }, [status, visible, client, queryClient]);

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const t of pending.values()) clearTimeout(t);
      pending.clear();
    };
  }, []);
}
