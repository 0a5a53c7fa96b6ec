import type { Conversation, Fact } from '@switchboard/client';
import { useFacts, useSwitchboardClient } from '@switchboard/client/react';
import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';

import { conversationsKey, readTicket, sortByActivity, withNewerRows } from './conversation-cache';

export { activityOf, conversationsKey } from './conversation-cache';

/**
 * The tenant's conversations, newest activity first, kept live:
 * each conversation fact updates the cached list in place, a conversation the
 * list does not know yet is added, and a 30 s refetch covers anything missed
 * (RT-09's fallback).
 */
export function useConversations() {
  const client = useSwitchboardClient();
  const queryClient = useQueryClient();
  useFacts((fact) => applyConversationFact(queryClient, fact));
  return useQuery({
    queryKey: conversationsKey,
    queryFn: async () => {
      const ticket = readTicket();
      const answer = await client!.api.listConversations({ limit: 200 });
      return sortByActivity(withNewerRows(queryClient, ticket, answer.conversations));
    },
    enabled: client !== null,
    refetchInterval: 30_000,
  });
}

export function applyConversationFact(queryClient: QueryClient, fact: Fact): void {
  if (fact.kind !== 'conversation') return;
  const list = queryClient.getQueryData<Conversation[]>(conversationsKey);
  if (!list) return;
  const known = list.find((c) => c.id === fact.conversationId);
  if (!known && !fact.conversation) {
    // Only a patch (default vocabulary, via polling) for a conversation we never saw: fetch the list again.
    void queryClient.invalidateQueries({ queryKey: conversationsKey });
    return;
  }
  // Live payloads may lack the inbox fields (contact, preview, unread) the list read: keep the known ones.
  const next: Conversation = fact.conversation ? { ...known, ...fact.conversation } : { ...(known as Conversation), ...fact.patch };
  const rest = list.filter((c) => c.id !== fact.conversationId);
  queryClient.setQueryData<Conversation[]>(conversationsKey, sortByActivity([next, ...rest]));
}
