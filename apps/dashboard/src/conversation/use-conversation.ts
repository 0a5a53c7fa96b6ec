import type { Conversation } from '@switchboard/client';
import { useFacts, useSwitchboardClient } from '@switchboard/client/react';
import { useQuery, useQueryClient } from '@tanstack/react-query';

import { conversationsKey } from '../inbox/use-conversations';

/** One conversation, from the live list when it is there, else fetched and kept live by its facts. */
export function useConversation(id: string): { conversation: Conversation | undefined; error: Error | null } {
  const client = useSwitchboardClient();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: conversationsKey, enabled: false });
  const fromList = (list.data as Conversation[] | undefined)?.find((c) => c.id === id);
  const single = useQuery({
    queryKey: ['conversation', id],
    queryFn: () => client!.api.getConversation(id),
    enabled: client !== null && !fromList,
  });
  useFacts((fact) => {
    if (fact.kind !== 'conversation' || fact.conversationId !== id) return;
    // Live payloads may lack the inbox fields the read had (preview, unread, labels): keep them, as the list does.
    queryClient.setQueryData<Conversation>(['conversation', id], (c) =>
      fact.conversation ? { ...c, ...fact.conversation } : c ? { ...c, ...fact.patch } : c,
    );
  });
  return { conversation: fromList ?? single.data, error: single.error };
}
