import { DefaultIn, NAMESPACE_PATHS, NotificationsIn } from '@switchboard/client';
import { useFacts, useNamespaceEvent, useSocketEvent } from '@switchboard/client/react';

import { hrefOf } from '../shell/use-hash-route';
import { showToast } from './toast-store';

/**
 * Toasts for what needs a human now: a new conversation with a link to it
 * (004 RT-05), a handoff to people (000), and personal notifications that are
 * not one of those two already.
 */
export function LiveAlerts() {
  useFacts((fact) => {
    if (fact.kind !== 'conversation' || !fact.created) return;
    const c = fact.conversation;
    showToast({
      tone: 'info',
      title: 'New conversation',
      body: c?.subject ?? `From ${c?.contactId ?? 'a customer'} on ${c?.channelType ?? 'web'}`,
      link: { href: hrefOf.conversation(fact.conversationId), label: 'Open' },
    });
  });
  useSocketEvent(DefaultIn.handoff_triggered, (h) => {
    showToast(
      {
        tone: 'warning',
        title: `Handoff: ${h.trigger}`,
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
