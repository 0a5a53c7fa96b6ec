import type { Conversation } from '@switchboard/client';

import { channelLabel, shortTime, STATUS_LABEL } from '../format';
import { ContactAvatar } from '../inbox/ContactAvatar';
import { activityOf } from '../inbox/conversation-cache';
import { contactLabel } from '../inbox/ConversationRow';
import { useCachedConversations } from '../inbox/use-unread-total';
import { hrefOf } from '../shell/use-hash-route';

/** Who the customer is: name, email, channel, and their other conversations with this team. */
export function ContactPanel(props: { conversation: Conversation; onClose: () => void }) {
  const { conversation } = props;
  const contact = conversation.contact;
  const others = (useCachedConversations() ?? []).filter(
    (c) => c.id !== conversation.id && conversation.contactId !== null && c.contactId === conversation.contactId,
  );

  return (
    <aside className="contact-panel" aria-labelledby="contact-title" data-testid="contact-panel">
      <div className="contact-panel-head">
        <ContactAvatar conversation={conversation} size="large" />
        <h2 id="contact-title">{contactLabel(conversation)}</h2>
        <button type="button" className="icon-button" aria-label="Close contact details" onClick={props.onClose}>
          ×
        </button>
      </div>
      <dl className="contact-facts">
        <dt>Email</dt>
        <dd data-testid="contact-email">
          {contact?.email ? <a href={`mailto:${contact.email}`}>{contact.email}</a> : <span className="muted">Not given</span>}
        </dd>
        <dt>Channel</dt>
        <dd>{channelLabel(conversation.channelType)}</dd>
        <dt>Contact id</dt>
        <dd className="muted small">{conversation.contactId ?? 'Anonymous'}</dd>
      </dl>
      <h3 className="section-title">Other conversations</h3>
      {others.length === 0 ? (
        <p className="muted small">None.</p>
      ) : (
        <ul className="contact-others" data-testid="contact-others">
          {others.map((c) => (
            <li key={c.id}>
              <a href={hrefOf.conversation(c.id)}>
                <span className="small">{c.lastMessage?.content ?? c.subject ?? 'No messages yet'}</span>
                <span className="muted small">
                  {STATUS_LABEL[c.status]} · {shortTime(activityOf(c))}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
