import { useConversationMessages, useTyping } from '@switchboard/client/react';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';

import { channelLabel } from '../format';
import { ContactAvatar } from '../inbox/ContactAvatar';
import { contactLabel } from '../inbox/ConversationRow';
import { ConversationChips } from '../labels/ConversationChips';
import { LabelPicker } from '../labels/LabelPicker';
import { usePeople, useShell } from '../shell/shell-context';
import { hrefOf } from '../shell/use-hash-route';
import { Composer } from './Composer';
import { ConnectionNotice } from './ConnectionNotice';
import { ContactPanel } from './ContactPanel';
import { ConversationControls } from './ConversationControls';
import { HandoffBanner } from './HandoffBanner';
import { MessageBubble } from './MessageBubble';
import { NoteBubble } from './NoteBubble';
import { mergeTimeline } from './timeline';
import { useConversation } from './use-conversation';
import { useNotes } from './use-notes';
import { usePageVisible } from './use-page-visible';

/**
 * One conversation, live: messages and private notes with auto-scroll,
 * ticks, receipts (delivered on arrival, read while the tab is visible), typing both ways, and the
 * send box with optimistic messages. A search hit opens it at `focusMessageId`.
 */
export function ConversationView(props: { conversationId: string; focusMessageId: string | null }) {
  const { conversationId, focusMessageId } = props;
  const { session, people } = useShell();
  usePeople();
  const visible = usePageVisible();
  const { conversation, error: loadError } = useConversation(conversationId);
  const { messages, loading, error, send, retry } = useConversationMessages(conversationId, { receipts: { visible } });
  const { typists, keystroke, stopTyping } = useTyping(conversationId);
  const isStaffWriter = session.claims.role === 'admin' || session.claims.role === 'agent';
  const { notes, addNote } = useNotes(conversationId);
  const listRef = useRef<HTMLOListElement>(null);
  const [unseenBelow, setUnseenBelow] = useState(false);
  const [contactOpen, setContactOpen] = useState(false);
  const lastCount = useRef(0);
  const timeline = mergeTimeline(messages, notes);

  // Follow new messages when the reader is at the bottom (or wrote it); otherwise offer a jump.
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el || timeline.length === lastCount.current) return;
    const firstLoad = lastCount.current === 0;
    lastCount.current = timeline.length;
    const last = messages[messages.length - 1];
    const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 160;
    if (focusMessageId && firstLoad) return;
    if (firstLoad || nearBottom || last?.pending || last?.senderId === session.claims.sub) {
      el.scrollTop = el.scrollHeight;
      setUnseenBelow(false);
    } else {
      setUnseenBelow(true);
    }
  }, [timeline.length, messages, session.claims.sub, focusMessageId]);

  // A search hit: bring its message into view and move focus there, once it has loaded.
  const found = messages.some((m) => m.id === focusMessageId);
  useEffect(() => {
    if (!focusMessageId || !found) return;
    const row = listRef.current?.querySelector<HTMLElement>(`[data-testid=message][data-id="${CSS.escape(focusMessageId)}"]`);
    row?.scrollIntoView({ block: 'center' });
    row?.focus({ preventScroll: true });
  }, [focusMessageId, found]);

  const typingLine = typists.length
    ? typists.map((t) => (t.role === 'customer' ? 'Customer' : (t.name ?? 'Someone'))).join(', ') +
      (typists.length > 1 ? ' are typing…' : ' is typing…')
    : null;

  return (
    <section className={`conversation${contactOpen ? ' with-contact' : ''}`} aria-labelledby="conversation-title">
      <div className="conversation-main">
        <header className="pane-head conversation-head">
          <div className="conversation-who">
            <a href={hrefOf.inbox()} className="back-link" aria-label="Back to the conversation list" data-testid="back-to-list">
              ←
            </a>
            {conversation && <ContactAvatar conversation={conversation} />}
            <div className="conversation-title">
              <h1 id="conversation-title" data-testid="conversation-title">
                {conversation ? contactLabel(conversation) : 'Conversation'}
              </h1>
              <p className="muted small">
                {conversation
                  ? [
                      channelLabel(conversation.channelType),
                      conversation.contact?.email,
                      // The widget's subjects repeat the name and channel ("Casey · Website chat"): said once is enough.
                      conversation.subject?.includes(contactLabel(conversation)) ? null : conversation.subject,
                    ]
                      .filter(Boolean)
                      .join(' · ')
                  : loadError
                    ? loadError.message
                    : 'Loading…'}
              </p>
            </div>
            {conversation && <ConversationChips conversation={conversation} />}
            {conversation && (
              <button
                type="button"
                className="ghost contact-toggle"
                aria-expanded={contactOpen}
                aria-controls="contact-panel"
                onClick={() => setContactOpen((o) => !o)}
                data-testid="contact-toggle"
              >
                Contact
              </button>
            )}
          </div>
          {conversation && <ConversationControls conversation={conversation} />}
          {conversation && <LabelPicker conversation={conversation} />}
        </header>
        {conversation && <HandoffBanner conversation={conversation} />}

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
          {!loading && timeline.length === 0 && <li className="muted pad">No messages yet.</li>}
          {timeline.map((item) =>
            item.kind === 'note' ? (
              <NoteBubble key={`note:${item.note.id}`} note={item.note} author={people.nameOf(item.note.authorId)} />
            ) : (
              <MessageBubble
                key={item.message.clientMessageId ?? item.message.id}
                message={item.message}
                author={item.message.role === 'HUMAN_AGENT' && item.message.senderId ? people.nameOf(item.message.senderId) : null}
                onRetry={retry}
                highlighted={item.message.id === focusMessageId}
              />
            ),
          )}
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
        <ConnectionNotice />
        <Composer
          conversationId={conversationId}
          disabled={session.claims.role === 'viewer'}
          canNote={isStaffWriter}
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
          onNote={addNote}
        />
      </div>
      {contactOpen && conversation && (
        <div id="contact-panel" className="contact-panel-slot">
          <ContactPanel conversation={conversation} onClose={() => setContactOpen(false)} />
        </div>
      )}
    </section>
  );
}
