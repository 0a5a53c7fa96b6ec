/**
 * The redirect flow (docs/auth.md): a host app sends an agent to
 * `https://switchboard.example.com/#token=<jwt>` (optionally `&next=/c/<id>`).
 * The token is taken from the fragment once, which browsers never send to a
 * server, and removed from the address bar and history at once.
 */
export function takeTokenFromUrl(): { token: string; next: string } | null {
  if (!location.hash.startsWith('#token=')) return null;
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token') ?? '';
  const asked = params.get('next') ?? '/';
  // Only a route inside the dashboard: never an open redirect.
  const next = asked.startsWith('/') && !asked.startsWith('//') ? asked : '/';
  history.replaceState(history.state, '', `${location.pathname}${location.search}#${next}`);
  return token ? { token, next } : null;
}
