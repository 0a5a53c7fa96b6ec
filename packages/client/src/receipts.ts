import { type ChatMessage, statusAtLeast } from './chat-message';
import { DefaultOut } from './protocol-constants';
import type { SwitchboardClient } from './switchboard-client';

/**
 * Delivery and read receipts from this client: a message from the
 * other side is marked `delivered` as soon as it is shown here, and `read` once
 * the view is actually visible. Each receipt is sent once; one that fails
 * (offline) is tried again on the next {@link update}.
 */
export class ReceiptSender {
  private readonly delivered = new Set<string>();
  private readonly read = new Set<string>();

  constructor(
    private readonly client: SwitchboardClient,
    /** Only the newest messages are considered, so opening a long history is not a flood of events. */
    private readonly window = 30,
  ) {}

  /** Call with what is on screen whenever it changes, and whenever `visible` does. */
  update(messages: readonly ChatMessage[], visible: boolean): void {
    const me = this.client.session;
    if (!me || !this.client.connected) return;
    for (const m of messages.slice(-this.window)) {
      if (m.id.startsWith('local:') || m.senderId === me.userId) continue;
      // Receipts go to the other side: customers acknowledge staff and assistant replies, staff acknowledge customers.
      const fromOtherSide = me.role === 'customer' ? m.role !== 'USER' : m.role === 'USER';
      if (!fromOtherSide) continue;
      if (!statusAtLeast(m.status, 'delivered')) this.mark(this.delivered, DefaultOut.mark_delivered, m);
      if (visible && m.status !== 'read') this.mark(this.read, DefaultOut.mark_read, m);
    }
  }

  private mark(sent: Set<string>, event: typeof DefaultOut.mark_read | typeof DefaultOut.mark_delivered, m: ChatMessage): void {
    if (sent.has(m.id)) return;
    sent.add(m.id);
    this.client.request(event, { conversationId: m.conversationId, messageId: m.id }).catch(() => sent.delete(m.id));
  }
}
