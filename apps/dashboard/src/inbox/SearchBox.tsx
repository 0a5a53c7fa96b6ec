import type { SearchHit } from '@switchboard/client';
import { useSwitchboardClient } from '@switchboard/client/react';
import { type FormEvent, useState } from 'react';

import { shortTime } from '../format';
import { hrefOf } from '../shell/use-hash-route';

/** Staff search over messages and contacts (GET /api/search); a hit opens its conversation. */
export function SearchBox() {
  const client = useSwitchboardClient();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!client || !q.trim()) return setHits(null);
    try {
      setError(null);
      setHits((await client.api.search(q.trim())).hits);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Search failed');
    }
  };

  return (
    <div className="search-box">
      <form role="search" onSubmit={(e) => void submit(e)}>
        <input
          type="search"
          aria-label="Search messages and contacts"
          placeholder="Search…"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          data-testid="search-input"
        />
      </form>
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
              <a href={hrefOf.conversation(h.conversationId)} onClick={() => setHits(null)}>
                <strong>{h.contact?.name ?? h.contact?.email ?? 'Visitor'}</strong>{' '}
                <span className="muted small">{shortTime(h.createdAt)}</span>
                <span className="small search-snippet">{h.kind === 'message' ? h.content : 'Contact match'}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
