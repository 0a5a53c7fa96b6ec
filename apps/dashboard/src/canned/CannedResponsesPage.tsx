import './canned.css';

import { type CannedResponse, StaffApi } from '@switchboard/client';
import { useSwitchboardClient } from '@switchboard/client/react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';

// The composer's `/` menu reads the same query, so a reply saved here is offered at once.
import { CANNED_KEY } from './use-canned-menu';

const EMPTY = { shortcut: '', title: '', content: '' };

/**
 * Admins keep the tenant's canned replies here (issue 16): a shortcut agents type after `/`, an
 * optional title, and the text with `{{contact.name}}`-style placeholders. The server decides who may
 * write (admins) and checks the fields; its refusals are shown as they come.
 */
export function CannedResponsesPage() {
  const client = useSwitchboardClient();
  const queryClient = useQueryClient();
  const staff = client ? new StaffApi(client.api) : null;
  const { data = [], error } = useQuery({
    queryKey: CANNED_KEY,
    enabled: staff !== null,
    queryFn: async () => (await staff!.listCannedResponses()).cannedResponses,
  });
  const [editing, setEditing] = useState<CannedResponse | null>(null);
  const [form, setForm] = useState(EMPTY);
  const [problem, setProblem] = useState<string | null>(null);

  const reset = () => {
    setEditing(null);
    setForm(EMPTY);
    setProblem(null);
  };
  const settle = (work: Promise<unknown>): void =>
    void work.then(
      () => {
        reset();
        void queryClient.invalidateQueries({ queryKey: CANNED_KEY });
      },
      (err: Error) => setProblem(err.message),
    );
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!staff) return;
    const body = { shortcut: form.shortcut.trim().replace(/^\//, ''), title: form.title.trim() || null, content: form.content };
    settle(editing ? staff.updateCannedResponse(editing.id, body) : staff.createCannedResponse(body));
  };
  const edit = (r: CannedResponse) => {
    setEditing(r);
    setForm({ shortcut: r.shortcut, title: r.title ?? '', content: r.content });
    setProblem(null);
  };

  return (
    <main className="metrics canned-page" aria-labelledby="canned-title">
      <header className="pane-head">
        <h1 id="canned-title">Canned replies</h1>
      </header>
      <form className="canned-form" onSubmit={save} aria-label={editing ? `Edit /${editing.shortcut}` : 'New canned reply'}>
        <label>
          Shortcut
          <input
            value={form.shortcut}
            onChange={(e) => setForm({ ...form, shortcut: e.target.value })}
            required
            data-testid="canned-shortcut"
          />
        </label>
        <label>
          Title
          <input value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} data-testid="canned-title" />
        </label>
        <label>
          Text{' '}
          <span className="muted small">
            ({'{{contact.name}}'}, {'{{contact.firstName | there}}'}, {'{{agent.name}}'})
          </span>
          <textarea
            rows={3}
            value={form.content}
            onChange={(e) => setForm({ ...form, content: e.target.value })}
            required
            data-testid="canned-content"
          />
        </label>
        <div className="canned-actions">
          <button type="submit" className="primary" data-testid="canned-save">
            {editing ? 'Save' : 'Add'}
          </button>
          {editing && (
            <button type="button" className="ghost" onClick={reset}>
              Cancel
            </button>
          )}
        </div>
        {problem && (
          <p className="error small" role="alert">
            {problem}
          </p>
        )}
      </form>
      {error && (
        <p className="error small" role="alert">
          Could not load canned replies: {error.message}
        </p>
      )}
      <ul className="canned-list" data-testid="canned-list">
        {data.map((r) => (
          <li key={r.id} data-testid="canned-row">
            <div>
              <strong>/{r.shortcut}</strong> {r.title && <span className="muted small">{r.title}</span>}
              <p className="small">{r.content}</p>
            </div>
            <div className="canned-actions">
              <button type="button" className="ghost" onClick={() => edit(r)} aria-label={`Edit /${r.shortcut}`}>
                Edit
              </button>
              <button
                type="button"
                className="ghost"
                onClick={() => staff && settle(staff.deleteCannedResponse(r.id))}
                aria-label={`Delete /${r.shortcut}`}
              >
                Delete
              </button>
            </div>
          </li>
        ))}
        {data.length === 0 && !error && <li className="muted small">No canned replies yet.</li>}
      </ul>
    </main>
  );
}
