import './labels.css';

import { type Conversation, StaffApi } from '@switchboard/client';
import { useSwitchboardClient } from '@switchboard/client/react';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';

import { useShell } from '../shell/shell-context';
import { labelsKey, patchConversation, useLabels } from './use-labels';

/**
 * Applies and removes labels on a conversation (agents and admins); admins can add a label to the
 * tenant's set from here. Other agents see the change live (`conversation_labels_changed`).
 */
export function LabelPicker(props: { conversation: Conversation }) {
  const client = useSwitchboardClient();
  const queryClient = useQueryClient();
  const { session } = useShell();
  const labels = useLabels();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const role = session.claims.role;
  const applied = new Set((props.conversation.labels ?? []).map((l) => l.id));

  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  if (role !== 'agent' && role !== 'admin') return null;

  const change = async (add: string[], remove: string[]) => {
    if (!client) return;
    setError(null);
    try {
      const { labels: now } = await new StaffApi(client.api).changeLabels(props.conversation.id, { add, remove });
      patchConversation(queryClient, props.conversation.id, { labels: now });
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not change the labels');
    }
  };
  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (!client || !name.trim()) return;
    setError(null);
    try {
      const label = await new StaffApi(client.api).createLabel({ name: name.trim() });
      setName('');
      void queryClient.invalidateQueries({ queryKey: labelsKey });
      await change([label.id], []);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not create the label');
    }
  };

  return (
    <div className="label-picker" ref={root}>
      <button
        type="button"
        className="secondary"
        aria-haspopup="true"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        data-testid="label-picker"
      >
        Labels{applied.size > 0 ? ` (${applied.size})` : ''}
      </button>
      {open && (
        <div className="label-picker-panel" role="group" aria-label="Labels of this conversation">
          {labels.length === 0 && <p className="muted small">No labels yet{role === 'admin' ? ': create one below.' : '.'}</p>}
          {labels.map((l) => (
            <label key={l.id}>
              <input
                type="checkbox"
                checked={applied.has(l.id)}
                onChange={(e) => void (e.target.checked ? change([l.id], []) : change([], [l.id]))}
              />
              <span className="chip-dot" style={{ background: l.color }} aria-hidden="true" />
              {l.name}
            </label>
          ))}
          {role === 'admin' && (
            <form onSubmit={(e) => void create(e)}>
              <input
                type="text"
                aria-label="New label"
                placeholder="New label"
                maxLength={40}
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
              <button type="submit" className="secondary" disabled={!name.trim()}>
                Add
              </button>
            </form>
          )}
          {error && (
            <p className="error small" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
