import { type Conversation, CONVERSATION_STATUSES, type ConversationStatus, DefaultOut } from '@switchboard/client';
import { useSwitchboardClient } from '@switchboard/client/react';
import { useState } from 'react';

import { STATUS_LABEL } from '../format';
import { usePeople, useShell } from '../shell/shell-context';

/** Status and assignee of a conversation (update_conversation_status, assign_ and unassign_conversation). */
export function ConversationControls(props: { conversation: Conversation }) {
  const client = useSwitchboardClient();
  const { session } = useShell();
  const people = usePeople().filter((p) => p.role !== 'viewer');
  const [error, setError] = useState<string | null>(null);
  const { conversation } = props;
  const canManage = session.claims.role === 'admin' || session.claims.role === 'agent';

  const run = (p: Promise<unknown> | undefined) => {
    setError(null);
    p?.catch((err: Error) => setError(err.message));
  };
  const setStatus = (status: ConversationStatus) =>
    run(client?.request(DefaultOut.update_conversation_status, { conversationId: conversation.id, status }));
  const assign = (agentId: string) =>
    run(
      agentId
        ? client?.request(DefaultOut.assign_conversation, { conversationId: conversation.id, agentId })
        : client?.request(DefaultOut.unassign_conversation, { conversationId: conversation.id }),
    );
  const known = people.some((p) => p.userId === conversation.assigneeId);

  return (
    <div className="controls">
      <label>
        <span className="muted small">Status</span>
        <select
          value={conversation.status}
          disabled={!canManage}
          onChange={(e) => setStatus(e.target.value as ConversationStatus)}
          data-testid="status-select"
        >
          {CONVERSATION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="muted small">Assignee</span>
        <select
          value={conversation.assigneeId ?? ''}
          disabled={!canManage}
          onChange={(e) => assign(e.target.value)}
          data-testid="assign-select"
        >
          <option value="">Unassigned</option>
          {!known && conversation.assigneeId && <option value={conversation.assigneeId}>{conversation.assigneeId}</option>}
          {people.map((p) => (
            <option key={p.userId} value={p.userId}>
              {p.name ?? p.userId}
              {p.userId === session.claims.sub ? ' (me)' : ''}
            </option>
          ))}
        </select>
      </label>
      {canManage && conversation.assigneeId !== session.claims.sub && (
        <button type="button" className="secondary" onClick={() => assign(session.claims.sub)}>
          Assign to me
        </button>
      )}
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
