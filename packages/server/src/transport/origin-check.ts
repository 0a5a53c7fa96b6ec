import type { IncomingMessage } from 'node:http';

/**
 * The Origin allowlist. Browsers always send Origin, so a page on a site not in
 * CORS_ORIGINS cannot open a socket with a user's token; clients that are not
 * browsers send none and are judged by their token alone. An empty list allows
 * every origin (development).
 */
export function originAllowed(allowed: readonly string[], origin: string | undefined): boolean {
  if (!origin || allowed.length === 0) return true;
  return allowed.includes(origin) || allowed.includes('*');
}

export function allowRequest(allowed: readonly string[]) {
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
    const ok = originAllowed(allowed, req.headers.origin);
    callback(ok ? null : 'Origin not allowed', ok);
  };
}
