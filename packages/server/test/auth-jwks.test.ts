import { createServer, type Server } from 'node:http';

import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';

import { authenticatedOf, forEachServer } from './support/server';

/** An identity provider's JWKS endpoint on an ephemeral port, whose keys the test can rotate. */
async function jwksServer(): Promise<{ url: string; keys: JWK[]; fetches: number; server: Server }> {
  const state = { url: '', keys: [] as JWK[], fetches: 0, server: createServer() };
  state.server.on('request', (req, res) => {
    if (req.url !== '/.well-known/jwks.json') return res.writeHead(404).end();
    state.fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(state.server.address() as { port: number }).port}/.well-known/jwks.json`;
  return state;
}

async function signingKey(alg: 'RS256' | 'ES256' | 'PS256', kid: string) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  const sign = (claims: Record<string, unknown> = {}, at: { iss?: string; aud?: string } = {}) =>
    new SignJWT({ accountId: 'acme', role: 'agent', ...claims })
      .setProtectedHeader({ alg, kid })
      .setSubject('u1')
      .setIssuer(at.iss ?? 'https://idp.test/')
      .setAudience(at.aud ?? 'switchboard')
      .setExpirationTime('10m')
      .sign(privateKey);
  return { jwk, sign };
}

describe('JWT_JWKS_URL', async () => {
  const idp = await jwksServer();
  afterAll(() => new Promise<void>((resolve) => idp.server.close(() => resolve())));
  const first = await signingKey('RS256', 'key-1');
  const second = await signingKey('ES256', 'key-2');
  const pss = await signingKey('PS256', 'key-pss');

  forEachServer(
    'with a JWKS that rotates its key',
    (t) => {
      it('accepts a token signed with the published key, fetching the set once for many tokens', async () => {
        idp.keys = [first.jwk];
        const before = idp.fetches;
        for (let i = 0; i < 3; i++) {
          const res = await t.http('GET', '/api/me', { token: await first.sign({ name: `call ${i}` }) });
          expect(res).toMatchObject({ status: 200, body: { userId: 'u1', accountId: 'acme', role: 'agent' } });
        }
        expect(idp.fetches - before).toBe(1);
        const socket = await t.connect({ token: await first.sign() });
        expect(authenticatedOf(socket).userId).toBe('u1');
      });

      it('accepts tokens of the new key after rotation, and refuses the retired key', async () => {
        idp.keys = [first.jwk];
        expect((await t.http('GET', '/api/me', { token: await first.sign() })).status).toBe(200);
        // The provider rotates: key-2 (ES256) replaces key-1. No restart, no config change.
        idp.keys = [second.jwk];
        const rotated = await t.http('GET', '/api/me', { token: await second.sign({ role: 'admin' }) });
        expect(rotated).toMatchObject({ status: 200, body: { role: 'admin' } });
        const socket = await t.connect({ token: await second.sign() });
        expect(authenticatedOf(socket).accountId).toBe('acme');
        const retired = await t.http('GET', '/api/me', { token: await first.sign() });
        expect(retired).toMatchObject({ status: 401, body: { error: { code: 'AUTH_TOKEN_INVALID' } } });
      });

      it('keeps the algorithms pinned: a published PS256 key, HS256 and none are refused', async () => {
        idp.keys = [second.jwk, pss.jwk];
        expect((await t.http('GET', '/api/me', { token: await pss.sign() })).body.error.code).toBe('AUTH_TOKEN_INVALID');
        const hs = await new SignJWT({ accountId: 'acme', role: 'admin' })
          .setProtectedHeader({ alg: 'HS256', kid: 'key-2' })
          .setSubject('u1')
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode(JSON.stringify(second.jwk)));
        expect((await t.http('GET', '/api/me', { token: hs })).body.error.code).toBe('AUTH_TOKEN_INVALID');
        expect((await t.connectError({ token: hs })).message).toBe('AUTH_TOKEN_INVALID');
        const [, body] = (await second.sign()).split('.');
        const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'key-2' })).toString('base64url')}.${body}.`;
        expect((await t.http('GET', '/api/me', { token: unsigned })).body.error.code).toBe('AUTH_TOKEN_INVALID');
      });

      it('still checks issuer and audience, and maps prefixed claims', async () => {
        idp.keys = [second.jwk];
        expect((await t.http('GET', '/api/me', { token: await second.sign({}, { aud: 'another-app' }) })).status).toBe(401);
        expect((await t.http('GET', '/api/me', { token: await second.sign({}, { iss: 'https://evil.test/' }) })).status).toBe(401);
        // Supabase-style: a top-level role that is not ours, the real claims under the prefix.
        const prefixed = await second.sign({
          accountId: undefined,
          role: 'authenticated',
          'https://switchboard.test/accountId': 'globex',
          'https://switchboard.test/role': 'viewer',
        });
        expect((await t.http('GET', '/api/me', { token: prefixed })).body).toMatchObject({ accountId: 'globex', role: 'viewer' });
      });
    },
    {
      JWT_SECRET: undefined,
      JWT_JWKS_URL: idp.url,
      JWT_JWKS_COOLDOWN_MS: 0,
      JWT_ISSUER: 'https://idp.test/',
      JWT_AUDIENCE: 'switchboard',
      JWT_CLAIM_PREFIX: 'https://switchboard.test/',
    },
    ['pglite'],
  );
});
