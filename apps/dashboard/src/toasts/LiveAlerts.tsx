import { DefaultIn, NAMESPACE_PATHS, NotificationsIn } from '@switchboard/client';
import { useFacts, useNamespaceEvent, useSocketEvent, useSwitchboardClient } from '@switchboard/client/react';
import { useEffect } from 'react';

import { channelLabel, handoffText } from '../format';
import { whoOf, withContact } from '../inbox/with-contact';
import { hrefOf } from '../shell/use-hash-route';
import { dismissToastsLinkingTo, showToast } from './toast-store';

/**
 * Toasts for what needs a human now: a new conversation with a link to it,
 * a handoff to people, and personal notifications that are
 * not one of those two already. The handoff of the conversation on screen is not a toast: its
 * banner says it in place, and a toast would sit over the conversation's controls.
 */
export function LiveAlerts(props: { openId: string | null }) {
  const client = useSwitchboardClient();
  useEffect(() => {
    if (props.openId) dismissToastsLinkingTo(hrefOf.conversation(props.openId));
  }, [props.openId]);
  useFacts((fact) => {
    if (fact.kind !== 'conversation' || !fact.created) return;
    void withContact(client, fact.conversationId, fact.conversation).then((c) =>
      showToast({
        tone: 'info',
        title: 'New conversation',
        body: `${whoOf(c)} on ${channelLabel(c?.channelType ?? 'web')}`,
        link: { href: hrefOf.conversation(fact.conversationId), label: 'Open' },
      }),
    );
  });
  useSocketEvent(DefaultIn.handoff_triggered, (h) => {
    if (h.conversationId === props.openId) return;
    showToast(
      {
        tone: 'warning',
        title: handoffText(h.trigger),
        body: h.summary,
        link: { href: hrefOf.conversation(h.conversationId), label: 'Take it' },
      },
      15_000,
    );
  });
  useNamespaceEvent(NAMESPACE_PATHS.notifications, NotificationsIn.notification, (n) => {
    if (n.kind === 'new_conversation' || n.kind === 'handoff') return;
    const conversationId = typeof n.data.conversationId === 'string' ? n.data.conversationId : null;
    showToast({
      tone: n.kind === 'sla_breached' ? 'warning' : 'info',
      title: n.title,
      body: n.message,
      ...(conversationId ? { link: { href: hrefOf.conversation(conversationId), label: 'Open' } } : {}),
    });
  });
  return null;
}
