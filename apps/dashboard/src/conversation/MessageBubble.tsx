import type { FeedMessage } from '@switchboard/client';

import { AttachmentList } from '../attachments/AttachmentList';
import { shortTime } from '../format';
import { DeliveryTicks } from './DeliveryTicks';

const AUTHOR = { USER: 'Customer', ASSISTANT: 'Assistant', SYSTEM: 'System', HUMAN_AGENT: 'Agent' } as const;

/** One message: the customer on the left, the team (people and the assistant) on the right. */
export function MessageBubble(props: {
  message: FeedMessage;
  author: string | null;
  onRetry: (clientMessageId: string) => void;
  /** The message a search hit pointed at: marked until the next one. */
  highlighted?: boolean;
}) {
  const { message } = props;
  const side = message.role === 'USER' ? 'theirs' : message.role === 'SYSTEM' ? 'system' : 'ours';
  return (
    <li
      className={`bubble-row ${side}${props.highlighted ? ' highlighted' : ''}`}
      data-testid="message"
      data-role={message.role}
      data-id={message.id}
      data-highlighted={props.highlighted ? 'true' : undefined}
      tabIndex={props.highlighted ? -1 : undefined}
    >
      <div className={`bubble bubble-${message.role.toLowerCase()}`}>
        {side !== 'theirs' && <span className="bubble-author">{props.author ?? AUTHOR[message.role]}</span>}
        <p className="bubble-text">{message.content}</p>
        {message.attachments && <AttachmentList attachments={message.attachments} />}
        <span className="bubble-meta">
          {message.confidence != null && <span title="Assistant confidence">{Math.round(message.confidence * 100)}% · </span>}
          <time dateTime={message.createdAt}>{shortTime(message.createdAt)}</time>
          {side === 'ours' && <DeliveryTicks message={message} />}
        </span>
        {message.pending === 'failed' && message.clientMessageId && (
          <button type="button" className="link-button small" onClick={() => props.onRetry(message.clientMessageId as string)}>
            Retry
          </button>
        )}
      </div>
    </li>
  );
}
