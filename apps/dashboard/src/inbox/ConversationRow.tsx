import type { Conversation } from '@switchboard/client';

import { channelLabel, shortTime, STATUS_LABEL } from '../format';
import { ConversationChips } from '../labels/ConversationChips';
import { hrefOf } from '../shell/use-hash-route';
import { ContactAvatar } from './ContactAvatar';
import { activityOf } from './conversation-cache';

const PREVIEW_PREFIX: Record<string, string> = { USER: '', HUMAN_AGENT: 'Agent: ', ASSISTANT: 'AI: ', SYSTEM: '' };

/** Who the conversation is with: the contact's name or email from their token, else the subject, else the channel. */
export function contactLabel(c: Conversation): string {
  return c.contact?.name || c.contact?.email || c.subject || `Visitor on ${channelLabel(c.channelType)}`;
}

/** One inbox row: who, when, what they said last, where, its state, and how much is unread. */
export function ConversationRow(props: { c: Conversation; active: boolean; unread: number; assignee: string | null }) {
  const { c } = props;
  return (
    <li>
      <a
        href={hrefOf.conversation(c.id)}
        className={`conversation-item${props.active ? ' active' : ''}${props.unread > 0 ? ' has-unread' : ''}`}
        aria-current={props.active ? 'true' : undefined}
        data-testid="conversation-item"
        data-id={c.id}
      >
        <div className="item-top">
          <ContactAvatar conversation={c} />
          <strong className="item-title" data-testid="conversation-name">
            {contactLabel(c)}
          </strong>
          <time className="muted small" dateTime={activityOf(c)}>
            {shortTime(activityOf(c))}
          </time>
        </div>
        <p className="muted small item-preview" data-testid="conversation-preview">
          {c.lastMessage ? `${PREVIEW_PREFIX[c.lastMessage.role] ?? ''}${c.lastMessage.content}` : 'No messages yet'}
        </p>
        <div className="item-bottom">
          <span className={`status-pill status-${c.status.toLowerCase()}`}>
            <span className="visually-hidden">Status: </span>
            {STATUS_LABEL[c.status]}
          </span>
          <span className="muted small item-channel">{channelLabel(c.channelType)}</span>
          <ConversationChips conversation={c} compact />
          <span className="muted small item-assignee">
            <span className="visually-hidden">Assignee: </span>
            {props.assignee ?? 'Unassigned'}
          </span>
          {props.unread > 0 && (
            <span className="badge" role="img" aria-label={`${props.unread} unread`} data-testid="unread-badge">
              {props.unread}
            </span>
          )}
        </div>
      </a>
    </li>
  );
}
