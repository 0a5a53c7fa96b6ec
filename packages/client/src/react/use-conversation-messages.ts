import type { Message } from '@switchboard/protocol';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';

import { ConversationFeed, type FeedSnapshot } from '../conversation-feed';
import { ReceiptSender } from '../receipts';
import { useSwitchboardClient } from './switchboard-context';
import { useConnectionStatus } from './use-connection-status';

const EMPTY: FeedSnapshot = { conversationId: '', messages: [], loading: false, error: null };

export interface ConversationMessagesOptions {
  /**
   * Send receipts (RT-07): `delivered` for what arrives, and `read` while
   * `visible` is true. Leave out to send none.
   */
  receipts?: { visible: boolean };
}

export interface ConversationMessagesView extends FeedSnapshot {
  /** Sends through the outbox; the message shows at once and is reconciled with the stored one on ack. */
  /** `attachmentIds`: files uploaded into the conversation first (HttpApi.uploadAttachment). */
  send: (content: string, opts?: { attachmentIds?: string[] }) => Promise<Message>;
  retry: (clientMessageId: string) => void;
  feed: ConversationFeed | null;
}

/**
 * One conversation's messages, live: joins the room while mounted
 * (leaving it on unmount), loads the history, merges live messages, status
 * changes and optimistic sends.
 */
export function useConversationMessages(
  conversationId: string | null | undefined,
  opts: ConversationMessagesOptions = {},
): ConversationMessagesView {
  const client = useSwitchboardClient();
  const feed = useMemo(() => (client && conversationId ? new ConversationFeed(client, conversationId) : null), [client, conversationId]);
  useEffect(() => {
    if (!feed) return undefined;
    feed.start();
    return () => feed.stop();
  }, [feed]);

  const subscribe = useCallback((notify: () => void) => (feed ? feed.subscribe(notify) : () => undefined), [feed]);
  const snapshot = useSyncExternalStore(
    subscribe,
    () => feed?.getSnapshot() ?? EMPTY,
    () => EMPTY,
  );

  const wantsReceipts = opts.receipts !== undefined;
  const visible = opts.receipts?.visible ?? false;
  const receipts = useMemo(() => (client && wantsReceipts ? new ReceiptSender(client) : null), [client, wantsReceipts]);
  const connected = useConnectionStatus().status === 'connected';
  useEffect(() => {
    if (connected) receipts?.update(snapshot.messages, visible);
  }, [receipts, snapshot.messages, visible, connected]);

  const send = useCallback(
    (content: string, opts: { attachmentIds?: string[] } = {}) => {
      if (!client || !conversationId) return Promise.reject(new Error('Not connected to a conversation'));
      return client.send({ conversationId, content, ...(opts.attachmentIds?.length ? { attachmentIds: opts.attachmentIds } : {}) }).done;
    },
    [client, conversationId],
  );
  const retry = useCallback((clientMessageId: string) => client?.outbox.retry(clientMessageId), [client]);
  return { ...snapshot, send, retry, feed };
}
