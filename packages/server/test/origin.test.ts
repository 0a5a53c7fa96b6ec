import { expect, it } from 'vitest';

import { forEachServer } from './support/server';

forEachServer(
  'Origin allowlist',
  (t) => {
    it('refuses a handshake from an Origin not in CORS_ORIGINS', async () => {
      const token = await t.token({ sub: 'u1', accountId: 'acme' });
      const err = await t.connectError({ token, extraHeaders: { origin: 'https://evil.test' } });
      expect(err).toBeInstanceOf(Error);
      await expect(t.connect({ token, extraHeaders: { origin: 'https://app.acme.test' } })).resolves.toBeTruthy();
    });

    it('refuses polling handshakes from another Origin too', async () => {
      const res = await fetch(t.url('/socket.io/?EIO=4&transport=polling'), { headers: { origin: 'https://evil.test' } });
      expect(res.status).toBe(403);
      const ok = await fetch(t.url('/socket.io/?EIO=4&transport=polling'), { headers: { origin: 'https://app.acme.test' } });
      expect(ok.status).toBe(200);
    });

    it('answers CORS preflights only for allowed origins', async () => {
      const allowed = await fetch(t.url('/api/conversations'), {
        method: 'OPTIONS',
        headers: { origin: 'https://app.acme.test', 'access-control-request-method': 'POST' },
      });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.acme.test');
      const refused = await fetch(t.url('/api/conversations'), {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' },
      });
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    });
  },
  { corsOrigins: ['https://app.acme.test'] },
  ['pglite'],
);
