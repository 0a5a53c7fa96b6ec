import type { Conversation } from '@switchboard/client';
import { useFacts, useSwitchboardClient } from '@switchboard/client/react';
import { useCallback, useEffect, useRef } from 'react';

import { channelLabel } from '../format';
import { whoOf as who, withContact } from '../inbox/with-contact';
import { hrefOf } from '../shell/use-hash-route';
import { raiseAttention } from './attention';

/**
 * What deserves the agent's attention even away from the tab: a new conversation, a conversation
 * assigned to them, and (only while the tab is hidden) a message in a conversation of theirs.
 * Answers the callback {@link useInboxSync} calls when a row's unread count grows.
 */
export function useAttentionAlerts(
  me: string,
  openId: string | null,
  list: readonly Conversation[] | undefined,
): (c: Conversation, by: number) => void {
  const client = useSwitchboardClient();
  const assignees = useRef(new Map<string, string | null>());
  const open = useRef(openId);
  open.current = openId;
  // Who had each conversation before any live change: an assignment is news only against that.
  useEffect(() => {
    for (const c of list ?? []) if (!assignees.current.has(c.id)) assignees.current.set(c.id, c.assigneeId);
  }, [list]);
  const rows = useRef(list);
  rows.current = list;

  useFacts((fact) => {
    if (fact.kind !== 'conversation') return;
    const c = fact.conversation;
    if (fact.created) {
      void withContact(client, fact.conversationId, c).then((full) =>
        raiseAttention({
          title: 'New conversation',
          body: `${who(full)} on ${channelLabel(full?.channelType ?? 'web')}`,
          href: hrefOf.conversation(fact.conversationId),
          tag: `new:${fact.conversationId}`,
        }),
      );
    }
    const assignee = c ? c.assigneeId : fact.patch?.assigneeId;
    if (assignee === undefined) return;
    const known = assignees.current.has(fact.conversationId);
    const before = assignees.current.get(fact.conversationId);
    assignees.current.set(fact.conversationId, assignee);
    if (!known && !fact.created) return;
    // Not when the agent is looking at the conversation: that is most likely their own "Assign to me".
    const watching = open.current === fact.conversationId && document.visibilityState === 'visible';
    if (assignee === me && before !== me && !watching) {
      // The live payload has no contact; the row the list read has, else it is read once.
      const known = rows.current?.find((r) => r.id === fact.conversationId);
      void withContact(client, fact.conversationId, known?.contact ? known : c).then((full) =>
        raiseAttention({
          title: 'Assigned to you',
          body: who(full),
          href: hrefOf.conversation(fact.conversationId),
          tag: `assigned:${fact.conversationId}`,
        }),
      );
    }
  });

  return useCallback(
    (c: Conversation, by: number) => {
      assignees.current.set(c.id, c.assigneeId);
      if (c.assigneeId !== me || document.visibilityState !== 'hidden') return;
      raiseAttention({
        title: `${who(c)}${by > 1 ? ` (${by} new)` : ''}`,
        body: c.lastMessage?.content ?? 'New message',
        href: hrefOf.conversation(c.id),
        tag: `message:${c.id}`,
      });
    },
    [me],
  );
}
