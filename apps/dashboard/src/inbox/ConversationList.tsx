import type { Conversation } from '@switchboard/client';
import { useState } from 'react';

import { shortTime, STATUS_LABEL } from '../format';
import { ConversationChips } from '../labels/ConversationChips';
import { type InboxFilter, InboxFilters, matchesInboxFilter } from '../labels/InboxFilters';
import { useLabelFacts } from '../labels/use-labels';
import { usePeople, useShell, useUnread } from '../shell/shell-context';
import { hrefOf } from '../shell/use-hash-route';
import { SearchBox } from './SearchBox';
import { activityOf, useConversations } from './use-conversations';

type Filter = 'open' | 'mine' | 'all';
const PREVIEW_PREFIX: Record<string, string> = { USER: '', HUMAN_AGENT: 'Agent: ', ASSISTANT: 'AI: ', SYSTEM: '' };
const FILTERS: Array<{ value: Filter; label: string }> = [
  { value: 'open', label: 'Open' },
  { value: 'mine', label: 'Mine' },
  { value: 'all', label: 'All' },
];

/** The live conversation list (004 RT-05) with unread badges. */
export function ConversationList(props: { openId: string | null }) {
  const { session, people } = useShell();
  const unread = useUnread();
  usePeople(); // assignee names appear as people become known
  const { data, isLoading, error } = useConversations();
  const [filter, setFilter] = useState<Filter>('open');
  const [narrow, setNarrow] = useState<InboxFilter>({});
  const staff = session.claims.role !== 'customer';
  useLabelFacts();
  const me = session.claims.sub;
  const shown = (data ?? [])
    .filter((c) => (filter === 'all' ? true : filter === 'mine' ? c.assigneeId === me : c.status !== 'RESOLVED'))
    .filter((c) => matchesInboxFilter(c, narrow, me));

  return (
    <section className="list-pane" aria-labelledby="list-title">
      <header className="pane-head">
        <h1 id="list-title">Conversations</h1>
        <div className="segmented" role="tablist" aria-label="Filter conversations">
          {FILTERS.map((f) => (
            <button key={f.value} type="button" role="tab" aria-selected={filter === f.value} onClick={() => setFilter(f.value)}>
              {f.label}
            </button>
          ))}
        </div>
      </header>
      {staff && <SearchBox />}
      {staff && <InboxFilters value={narrow} onChange={setNarrow} conversations={data ?? []} />}
      {isLoading && <p className="muted pad">Loading…</p>}
      {error && (
        <p className="error pad" role="alert">
          Could not load conversations: {error.message}
        </p>
      )}
      {!isLoading && shown.length === 0 && <p className="muted pad">No conversations here yet.</p>}
      <ul className="conversation-list" data-testid="conversation-list">
        {shown.map((c) => (
          <Item
            key={c.id}
            c={c}
            active={c.id === props.openId}
            unread={c.id === props.openId ? 0 : Math.max(c.unreadCount ?? 0, unread.get(c.id) ?? 0)}
            assignee={c.assigneeId ? people.nameOf(c.assigneeId) : null}
          />
        ))}
      </ul>
    </section>
  );
}

function Item(props: { c: Conversation; active: boolean; unread: number; assignee: string | null }) {
  const { c } = props;
  return (
    <li>
      <a
        href={hrefOf.conversation(c.id)}
        className={`conversation-item${props.active ? ' active' : ''}`}
        aria-current={props.active ? 'true' : undefined}
        data-testid="conversation-item"
        data-id={c.id}
      >
        <div className="item-top">
          <span className="avatar" aria-hidden="true">
            {c.contact?.initials ?? '?'}
          </span>
          <strong className="item-title">{contactLabel(c)}</strong>
          <span className="muted small">{shortTime(activityOf(c))}</span>
        </div>
        {c.lastMessage && (
          <p className="muted small item-preview" data-testid="conversation-preview">
            {PREVIEW_PREFIX[c.lastMessage.role]}
            {c.lastMessage.content}
          </p>
        )}
        <div className="item-bottom">
          <span className={`status-pill status-${c.status.toLowerCase()}`}>{STATUS_LABEL[c.status]}</span>
          <span className="muted small item-assignee">{props.assignee ?? 'Unassigned'}</span>
          <ConversationChips conversation={c} />
          {props.unread > 0 && (
            <span className="badge" aria-label={`${props.unread} unread`} data-testid="unread-badge">
              {props.unread}
            </span>
          )}
        </div>
      </a>
    </li>
  );
}

/** Who the conversation is with: the contact's name or email from their token, else the subject, else the channel. */
export function contactLabel(c: Conversation): string {
  return c.contact?.name || c.contact?.email || c.subject || `Visitor on ${c.channelType}`;
}
