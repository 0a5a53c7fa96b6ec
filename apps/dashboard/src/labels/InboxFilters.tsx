import { type Conversation, CONVERSATION_STATUSES, type ConversationStatus } from '@switchboard/client';

import { STATUS_LABEL } from '../format';
import { usePeople } from '../shell/shell-context';
import { useLabels } from './use-labels';

/** The inbox narrowed as GET /api/conversations narrows it: by label, status, assignee (`me`, `none` or an id) and team. */
export interface InboxFilter {
  label?: string;
  status?: ConversationStatus;
  assignee?: string;
  team?: string;
}

/** The same rules as the server's list query, applied to the live list so rows keep moving in and out as facts arrive. */
export function matchesInboxFilter(c: Conversation, f: InboxFilter, me: string): boolean {
  if (f.label && !c.labels?.some((l) => l.id === f.label)) return false;
  if (f.status && c.status !== f.status) return false;
  if (f.assignee === 'none' && c.assigneeId !== null) return false;
  if (f.assignee && f.assignee !== 'none' && c.assigneeId !== (f.assignee === 'me' ? me : f.assignee)) return false;
  if (f.team && c.teamId !== f.team) return false;
  return true;
}

export function InboxFilters(props: { value: InboxFilter; onChange: (f: InboxFilter) => void; conversations: readonly Conversation[] }) {
  const labels = useLabels();
  const people = usePeople().filter((p) => p.role === 'agent' || p.role === 'admin');
  const teams = [...new Set(props.conversations.flatMap((c) => (c.teamId ? [c.teamId] : [])))].sort();
  const set = (key: keyof InboxFilter, v: string) => {
    const next = { ...props.value };
    if (v) next[key] = v as never;
    else delete next[key];
    props.onChange(next);
  };
  return (
    <div className="inbox-filters" role="group" aria-label="Filter the inbox" data-testid="inbox-filters">
      <select aria-label="Label" value={props.value.label ?? ''} onChange={(e) => set('label', e.target.value)} data-testid="filter-label">
        <option value="">Any label</option>
        {labels.map((l) => (
          <option key={l.id} value={l.id}>
            {l.name}
          </option>
        ))}
      </select>
      <select
        aria-label="Status"
        value={props.value.status ?? ''}
        onChange={(e) => set('status', e.target.value)}
        data-testid="filter-status"
      >
        <option value="">Any status</option>
        {CONVERSATION_STATUSES.map((s) => (
          <option key={s} value={s}>
            {STATUS_LABEL[s]}
          </option>
        ))}
      </select>
      <select
        aria-label="Assignee"
        value={props.value.assignee ?? ''}
        onChange={(e) => set('assignee', e.target.value)}
        data-testid="filter-assignee"
      >
        <option value="">Anyone</option>
        <option value="me">Me</option>
        <option value="none">Unassigned</option>
        {people.map((p) => (
          <option key={p.userId} value={p.userId}>
            {p.name ?? p.userId}
          </option>
        ))}
      </select>
      {teams.length > 0 && (
        <select aria-label="Team" value={props.value.team ?? ''} onChange={(e) => set('team', e.target.value)} data-testid="filter-team">
          <option value="">Any team</option>
          {teams.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}
