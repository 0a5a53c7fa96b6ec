import { type Conversation, DefaultIn, type Label, type LabelRef, StaffApi } from '@switchboard/client';
import { useSocketEvent, useSwitchboardClient } from '@switchboard/client/react';
import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';

import { conversationsKey } from '../inbox/use-conversations';

export const labelsKey = ['labels'] as const;

/** The tenant's labels (staff), kept live by `labels_updated`. */
export function useLabels(enabled = true): Label[] {
  const client = useSwitchboardClient();
  const query = useQuery({
    queryKey: labelsKey,
    queryFn: async () => (await new StaffApi(client!.api).listLabels()).labels,
    enabled: client !== null && enabled,
    staleTime: 60_000,
  });
  return query.data ?? [];
}

/**
 * Keeps labels and the AI's triage live on the cached conversations (list and single reads): a
 * conversation's labels (`conversation_labels_changed`), the tenant's set (`labels_updated`, which
 * also drops a deleted label from every row) and the AI's category and priority (`ai_classification`).
 * Mount once where the inbox is shown.
 */
export function useLabelFacts(): void {
  const queryClient = useQueryClient();
  useSocketEvent(DefaultIn.conversation_labels_changed, (e) => patchConversation(queryClient, e.conversationId, { labels: e.labels }));
  useSocketEvent(DefaultIn.labels_updated, (e) => {
    queryClient.setQueryData<Label[]>(labelsKey, e.labels);
    const live = new Map(e.labels.map((l) => [l.id, l]));
    const current = (labels: LabelRef[] | undefined) =>
      labels?.flatMap((l) => {
        const now = live.get(l.id);
        return now ? [{ id: now.id, name: now.name, color: now.color }] : [];
      });
    queryClient.setQueryData<Conversation[]>(conversationsKey, (list) =>
      list?.map((c) => (c.labels ? { ...c, labels: current(c.labels) } : c)),
    );
  });
  useSocketEvent(DefaultIn.ai_classification, (e) => {
    const { conversationId, priority, sentiment, category, language, confidence } = e;
    patchConversation(queryClient, conversationId, { classification: { priority, sentiment, category, language, confidence } });
  });
}

export function patchConversation(queryClient: QueryClient, id: string, patch: Partial<Conversation>): void {
  queryClient.setQueryData<Conversation[]>(conversationsKey, (list) => list?.map((c) => (c.id === id ? { ...c, ...patch } : c)));
  queryClient.setQueryData<Conversation>(['conversation', id], (c) => (c ? { ...c, ...patch } : c));
}
