import { type Conversation, DefaultIn } from '@switchboard/client';
import { useSocketEvent, useSwitchboardClient } from '@switchboard/client/react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';

import { handoffText } from '../format';

interface HandoffView {
  id: string;
  trigger: string;
  summary: string;
}

/**
 * Why the assistant handed this conversation to people, in words, as a band in the conversation's
 * own flow: it takes its own space above the messages, so it never covers the status and assignee
 * controls. Shown while the conversation is handed off (the newest handoff from
 * `GET /api/conversations/:id/handoffs`), or when one arrives live; the agent may dismiss it.
 */
export function HandoffBanner(props: { conversation: Conversation }) {
  const { conversation } = props;
  const client = useSwitchboardClient();
  const [live, setLive] = useState<HandoffView | null>(null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const stored = useQuery({
    queryKey: ['handoffs', conversation.id],
    queryFn: async () => {
      const { handoffs } = await client!.api.request<{ handoffs: Array<HandoffView & { createdAt: string }> }>(
        'GET',
        `/api/conversations/${encodeURIComponent(conversation.id)}/handoffs`,
      );
      return [...handoffs].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0] ?? null;
    },
    enabled: client !== null && conversation.status === 'HANDED_OFF',
    retry: false,
  });
  useSocketEvent(DefaultIn.handoff_triggered, (h) => {
    if (h.conversationId === conversation.id) setLive({ id: h.handoffId, trigger: h.trigger, summary: h.summary });
  });

  const handoff = live ?? (conversation.status === 'HANDED_OFF' ? stored.data : null);
  if (!handoff || dismissed === handoff.id) return null;
  return (
    <div className="handoff-banner" role="status" data-testid="handoff-banner">
      <div>
        <strong>{handoffText(handoff.trigger)}</strong>
        {handoff.summary && (
          <p className="small" title={handoff.summary}>
            {handoff.summary}
          </p>
        )}
      </div>
      <button type="button" className="icon-button" aria-label="Dismiss the handoff notice" onClick={() => setDismissed(handoff.id)}>
        ×
      </button>
    </div>
  );
}
