import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';

import {
  conversationsKey,
  noteRowRead,
  readTicket,
  storeConversation,
  withNewerRows,
} from '../../../apps/dashboard/src/inbox/conversation-cache';
import type { Conversation } from '../src/index';

/*
 * The dashboard reads its inbox two ways: the whole list (every 30 s, on focus, on reconnect) and one row at a
 * time (a new message, the mark-read of the conversation on screen). Answers can arrive in either order; the
 * one asked for later must win, or a badge already cleared comes back.
 */
describe('the dashboard’s inbox cache when list and row answers cross', () => {
  const row = (id: string, unreadCount: number): Conversation => ({
    id,
    accountId: 'acct-1',
    contactId: null,
    status: 'OPEN',
    assigneeId: null,
    teamId: null,
    subject: null,
    channelType: 'web',
    createdAt: '2026-11-29T10:00:00.000Z',
    updatedAt: '2026-11-29T10:00:00.000Z',
    lastMessageAt: '2026-11-29T10:05:00.000Z',
    unreadCount,
  });

  function cacheWith(...list: Conversation[]): QueryClient {
    const queryClient = new QueryClient();
    queryClient.setQueryData(conversationsKey, list);
    return queryClient;
  }

  it('keeps a mark-read asked for after the list request, when the list answers last', () => {
    const queryClient = cacheWith(row('c1', 3), row('c2', 1));
    const listTicket = readTicket(); // the list request leaves…
    storeConversation(queryClient, row('c1', 0), readTicket()); // …the agent opens c1, its mark-read answers first
    const merged = withNewerRows(queryClient, listTicket, [row('c1', 3), row('c2', 2)]);
    expect(merged.map((c) => [c.id, c.unreadCount])).toEqual([
      ['c1', 0],
      ['c2', 2],
    ]);
  });

  it('takes the list when it was asked for after the row', () => {
    const queryClient = cacheWith(row('c1', 3));
    storeConversation(queryClient, row('c1', 0), readTicket());
    const listTicket = readTicket(); // asked for later: a message may have come since the read
    expect(withNewerRows(queryClient, listTicket, [row('c1', 1)])[0]!.unreadCount).toBe(1);
  });

  it('keeps a read made on another device that arrived while the list was on its way', () => {
    const queryClient = cacheWith(row('c1', 4));
    const listTicket = readTicket();
    queryClient.setQueryData<Conversation[]>(conversationsKey, (list) => list?.map((c) => ({ ...c, unreadCount: 0 })));
    noteRowRead(queryClient, 'c1', readTicket());
    expect(withNewerRows(queryClient, listTicket, [row('c1', 4)])[0]!.unreadCount).toBe(0);
  });

  it('adds rows the cache does not know and is per cache', () => {
    const mine = cacheWith(row('c1', 2));
    const other = cacheWith(row('c1', 5));
    const listTicket = readTicket();
    storeConversation(mine, row('c1', 0), readTicket());
    expect(withNewerRows(other, listTicket, [row('c1', 5)])[0]!.unreadCount).toBe(5);
    expect(withNewerRows(mine, listTicket, [row('c1', 2), row('c9', 1)]).map((c) => c.unreadCount)).toEqual([0, 1]);
  });
});
