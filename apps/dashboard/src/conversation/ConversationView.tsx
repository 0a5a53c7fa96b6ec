import { useConversationMessages, useTyping } from '@switchboard/client/react';
import { useLayoutEffect, useRef, useState } from 'react';

import { contactLabel } from '../inbox/ConversationList';
import { ConversationChips } from '../labels/ConversationChips';
import { LabelPicker } from '../labels/LabelPicker';
import { usePeople, useShell } from '../shell/shell-context';
import { Composer } from './Composer';
import { ConversationControls } from './ConversationControls';
import { MessageBubble } from './MessageBubble';
import { useConversation } from './use-conversation';
import { usePageVisible } from './use-page-visible';

/**
 * One conversation, live (004 RT-06 to RT-08): messages with auto-scroll,
 * ticks, receipts (delivered on arrival, read while the tab is visible),
 * typing both ways, and the send box with optimistic messages.
 */
export function ConversationView(props: { conversationId: string }) {
  const { conversationId } = props;
  const { session, people } = useShell();
  usePeople();
  const visible = usePageVisible();
  const { conversation, error: loadError } = useConversation(conversationId);
  const { messages, loading, error, send, retry } = useConversationMessages(conversationId, { receipts: { visible } });
  const { typists, keystroke, stopTyping } = useTyping(conversationId);
  const listRef = useRef<HTMLOListElement>(null);
  const [unseenBelow, setUnseenBelow] = useState(false);
  const lastCount = useRef(0);

  // Follow new messages when the reader is at the bottom (or wrote it); otherwise offer a jump.
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el || messages.length === lastCount.current) return;
    const firstLoad = lastCount.current === 0;
    lastCount.current = messages.length;
    const last = messages[messages.length - 1];
    const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 160;
    if (firstLoad || nearBottom || last?.pending || last?.senderId === session.claims.sub) {
      el.scrollTop = el.scrollHeight;
      setUnseenBelow(false);
    } else {
      setUnseenBelow(true);
    }
  }, [messages, session.claims.sub]);

  const typingLine = typists.length
    ? typists.map((t) => (t.role === 'customer' ? 'Customer' : (t.name ?? 'Someone'))).join(', ') +
      (typists.length > 1 ? ' are typing…' : ' is typing…')
    : null;

  return (
    <section className="conversation" aria-labelledby="conversation-title">
      <header className="pane-head conversation-head">
        <div>
          <h1 id="conversation-title">{conversation ? contactLabel(conversation) : 'Conversation'}</h1>
          <p className="muted small">
            {conversation
              ? [conversation.channelType, conversation.contact?.email, conversation.subject].filter(Boolean).join(' · ')
              : loadError
                ? loadError.message
                : 'Loading…'}
          </p>
          {conversation && <ConversationChips conversation={conversation} />}
        </div>
        {conversation && <ConversationControls conversation={conversation} />}
        {conversation && <LabelPicker conversation={conversation} />}
      </header>

      <ol
        className="messages"
        ref={listRef}
        aria-live="polite"
        aria-label="Messages"
        data-testid="messages"
        onScroll={(e) => {
          const el = e.currentTarget;
          if (el.scrollHeight - el.scrollTop - el.clientHeight < 40) setUnseenBelow(false);
        }}
      >
        {loading && <li className="muted pad">Loading messages…</li>}
        {error && (
          <li className="error pad" role="alert">
            {error.message}
          </li>
        )}
        {!loading && messages.length === 0 && <li className="muted pad">No messages yet.</li>}
        {messages.map((m) => (
          <MessageBubble
            key={m.clientMessageId ?? m.id}
            message={m}
            author={m.role === 'HUMAN_AGENT' && m.senderId ? people.nameOf(m.senderId) : null}
            onRetry={retry}
          />
        ))}
      </ol>
      {unseenBelow && (
        <button
          type="button"
          className="jump"
          onClick={() => listRef.current?.scrollTo({ top: listRef.current.scrollHeight, behavior: 'smooth' })}
        >
          New messages ↓
        </button>
      )}

      <div className="typing" aria-live="polite" data-testid="typing">
        {typingLine}
      </div>
      <Composer
        conversationId={conversationId}
        disabled={session.claims.role === 'viewer'}
        onKeystroke={keystroke}
        onCleared={stopTyping}
        placeholders={{
          contact: conversation?.contact ?? null,
          agent: { name: session.claims.name ?? null, email: session.claims.email ?? null },
          conversation: { subject: conversation?.subject ?? null },
        }}
        staff={session.claims.role !== 'customer'}
        onSend={(content, attachmentIds) => {
          stopTyping();
          void send(content, { attachmentIds }).catch(() => undefined);
        }}
      />
    </section>
  );
}
