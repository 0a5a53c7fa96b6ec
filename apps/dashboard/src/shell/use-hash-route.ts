import { useSyncExternalStore } from 'react';

export type Route = { name: 'inbox'; conversationId: string | null; messageId: string | null } | { name: 'metrics' } | { name: 'replies' };

/**
 * Hash routes (`#/`, `#/c/{id}`, `#/c/{id}/m/{messageId}` for a search hit, `#/metrics`, `#/replies`): the server serves one index.html
 * and needs no fallback route, and a link in a toast is just an href.
 */
export function useHashRoute(): Route {
  const hash = useSyncExternalStore(
    subscribe,
    () => location.hash,
    () => '',
  );
  return parse(hash);
}

export const hrefOf = {
  inbox: () => '#/',
  conversation: (id: string) => `#/c/${encodeURIComponent(id)}`,
  message: (conversationId: string, messageId: string) => `#/c/${encodeURIComponent(conversationId)}/m/${encodeURIComponent(messageId)}`,
  metrics: () => '#/metrics',
  replies: () => '#/replies',
};

function parse(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '/metrics') return { name: 'metrics' };
  if (path === '/replies') return { name: 'replies' };
  const match = /^\/c\/([^/]+)(?:\/m\/([^/]+))?$/.exec(path);
  return {
    name: 'inbox',
    conversationId: match ? decodeURIComponent(match[1] as string) : null,
    messageId: match?.[2] ? decodeURIComponent(match[2]) : null,
  };
}

function subscribe(notify: () => void): () => void {
  window.addEventListener('hashchange', notify);
  return () => window.removeEventListener('hashchange', notify);
}
