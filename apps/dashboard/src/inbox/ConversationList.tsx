import { useState } from 'react';

import { type InboxFilter, InboxFilters, matchesInboxFilter } from '../labels/InboxFilters';
import { useLabelFacts } from '../labels/use-labels';
import { usePeople, useShell } from '../shell/shell-context';
import { ConversationRow } from './ConversationRow';
import { SearchBox } from './SearchBox';
import { useConversations } from './use-conversations';

export { contactLabel } from './ConversationRow';

type Filter = 'open' | 'mine' | 'all';
const FILTERS: Array<{ value: Filter; label: string }> = [
  { value: 'open', label: 'Open' },
  { value: 'mine', label: 'Mine' },
  { value: 'all', label: 'All' },
];

/** The live conversation list with the server's unread counts (issue 16). */
export function ConversationList(props: { openId: string | null }) {
  const { session, people } = useShell();
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
        <div className="segmented" role="group" aria-label="Filter conversations">
          {FILTERS.map((f) => (
            <button key={f.value} type="button" aria-pressed={filter === f.value} onClick={() => setFilter(f.value)}>
              {f.label}
            </button>
          ))}
        </div>
      </header>
      {/* Filters before the search box: Tab from a search goes straight to the rows (keyboard-only use). */}
      {staff && <InboxFilters value={narrow} onChange={setNarrow} conversations={data ?? []} />}
      {staff && <SearchBox />}
      {isLoading && <p className="muted pad">Loading…</p>}
      {error && (
        <p className="error pad" role="alert">
          Could not load conversations: {error.message}
        </p>
      )}
      {!isLoading && shown.length === 0 && <p className="muted pad">No conversations here yet.</p>}
      <ul className="conversation-list" aria-labelledby="list-title" data-testid="conversation-list">
        {shown.map((c) => (
          <ConversationRow
            key={c.id}
            c={c}
            active={c.id === props.openId}
            unread={c.id === props.openId ? 0 : (c.unreadCount ?? 0)}
            assignee={c.assigneeId ? people.nameOf(c.assigneeId) : null}
          />
        ))}
      </ul>
    </section>
  );
}
