import type { SearchHit } from '@switchboard/client';
import { useSwitchboardClient } from '@switchboard/client/react';
import { type FormEvent, type KeyboardEvent, useState } from 'react';

import { shortTime } from '../format';
import { hrefOf } from '../shell/use-hash-route';

const WHO = { USER: 'Customer', HUMAN_AGENT: 'Agent', ASSISTANT: 'AI', SYSTEM: 'System' } as const;

/**
 * Staff search over messages and contacts (GET /api/search). A message hit opens its conversation
 * scrolled to that message, highlighted; a contact hit opens the conversation. Esc closes the results.
 */
export function SearchBox() {
  const client = useSwitchboardClient();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!client || !q.trim()) return setHits(null);
    try {
      setError(null);
      setBusy(true);
      setHits((await client.api.search(q.trim())).hits);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Search failed');
    } finally {
      setBusy(false);
    }
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !hits) return;
    e.preventDefault();
    setHits(null);
  };

  return (
    <div className="search-box" onKeyDown={onKeyDown}>
      <form role="search" aria-label="Search conversations" onSubmit={(e) => void submit(e)}>
        <input
          type="search"
          aria-label="Search messages and contacts"
          placeholder="Search messages and contacts…"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            if (!e.target.value) setHits(null);
          }}
          data-testid="search-input"
        />
      </form>
      <p className="visually-hidden" aria-live="polite">
        {busy ? 'Searching…' : hits ? `${hits.length} result${hits.length === 1 ? '' : 's'}` : ''}
      </p>
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
      {hits && (
        <ul className="search-results" aria-label="Search results" data-testid="search-results">
          {hits.length === 0 && <li className="muted small pad">Nothing found.</li>}
          {hits.map((h) => (
            <li key={`${h.kind}:${h.messageId ?? h.conversationId}`}>
              <a
                href={h.messageId ? hrefOf.message(h.conversationId, h.messageId) : hrefOf.conversation(h.conversationId)}
                onClick={() => setHits(null)}
                data-testid="search-hit"
              >
                <span className="search-hit-top">
                  <strong>{h.contact?.name ?? h.contact?.email ?? 'Visitor'}</strong>
                  <span className="muted small">{shortTime(h.createdAt)}</span>
                </span>
                <span className="small search-snippet">
                  {h.kind === 'message'
                    ? `${h.role ? `${WHO[h.role]}: ` : ''}${h.content ?? ''}`
                    : `Contact: ${h.contact?.email ?? h.contact?.name ?? ''}`}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
