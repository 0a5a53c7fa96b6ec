import { type CryptoKey, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';

import { ENGINES } from './support/databases';
import { ask, nextEvent } from './support/events';
import { authenticatedOf, FileDatabases, forEachServer, SECRET } from './support/server';

/** The blocks differ in configuration only: their servers take turns on one database per engine. */
const databases = new FileDatabases();

const claims = { sub: 'u1', accountId: 'acme', role: 'agent' as const, name: 'Ann', email: 'ann@acme.test', teamIds: ['t1'] };

forEachServer(
  'handshake authentication',
  (t) => {
    it('accepts a token from handshake.auth.token and emits authenticated with the socket data', async () => {
      const socket = await t.connect({ token: await t.token(claims) });
      const auth = authenticatedOf(socket);
      expect(auth).toMatchObject({ userId: 'u1', accountId: 'acme', role: 'agent', name: 'Ann', email: 'ann@acme.test', teamIds: ['t1'] });
      const [server] = await t.sb().io.fetchSockets();
      expect(server?.data).toMatchObject({
        userId: 'u1',
        accountId: 'acme',
        email: 'ann@acme.test',
        role: 'agent',
        teamIds: ['t1'],
        authenticated: true,
      });
    });

    it('accepts a token from the Authorization header', async () => {
      const socket = await t.connect({ extraHeaders: { authorization: `Bearer ${await t.token(claims)}` } });
      expect(authenticatedOf(socket).userId).toBe('u1');
    });

    it('accepts a token from the token query parameter', async () => {
      const socket = await t.connect({ query: { token: await t.token(claims) } });
      expect(authenticatedOf(socket).userId).toBe('u1');
    });

    it('reads the tenant from workspaceId, tenantId or orgId when accountId is absent', async () => {
      for (const alias of ['workspaceId', 'tenantId', 'orgId']) {
        const token = await new SignJWT({ [alias]: 'acme', role: 'viewer' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('v1')
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(SECRET));
        const socket = await t.connect({ token });
        expect(authenticatedOf(socket).accountId).toBe('acme');
      }
    });

    it('refuses a handshake without a token with MISSING_TOKEN', async () => {
      const err = await t.connectError({});
      expect(err.message).toBe('MISSING_TOKEN');
      expect(err.data).toMatchObject({ code: 'MISSING_TOKEN', message: expect.any(String) });
    });

    it('refuses a malformed or wrongly signed token with AUTH_TOKEN_INVALID', async () => {
      expect((await t.connectError({ token: 'not-a-jwt' })).message).toBe('AUTH_TOKEN_INVALID');
      const forged = await new SignJWT({ accountId: 'acme', role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u1')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('another-secret'));
      const err = await t.connectError({ token: forged });
      expect(err.data).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
    });

    it('refuses an expired token with AUTH_TOKEN_EXPIRED', async () => {
      const expired = await new SignJWT({ accountId: 'acme', role: 'agent' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u1')
        .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
        .sign(new TextEncoder().encode(SECRET));
      const err = await t.connectError({ token: expired });
      expect(err.message).toBe('AUTH_TOKEN_EXPIRED');
      expect(err.data?.code).toBe('AUTH_TOKEN_EXPIRED');
    });

    it('refuses alg "none"', async () => {
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u1', accountId: 'acme', role: 'admin', exp: Math.floor(Date.now() / 1000) + 600 })}.`;
      expect((await t.connectError({ token: unsigned })).message).toBe('AUTH_TOKEN_INVALID');
    });

    it('refuses a token that names no tenant or has no exp', async () => {
      const noTenant = await new SignJWT({ role: 'agent' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u1')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(SECRET));
      expect((await t.connectError({ token: noTenant })).message).toBe('AUTH_TOKEN_INVALID');
      const noExp = await new SignJWT({ accountId: 'acme', role: 'agent' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u1')
        .sign(new TextEncoder().encode(SECRET));
      expect((await t.connectError({ token: noExp })).message).toBe('AUTH_TOKEN_INVALID');
    });
  },
  {},
  ENGINES,
  undefined,
  { databases, enginesAtOnce: true },
);

describe('asymmetric keys and algorithm confusion', async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const pem = await exportSPKI(publicKey);
  const sign = (key: CryptoKey | Uint8Array, alg: string) =>
    new SignJWT({ accountId: 'acme', role: 'agent' }).setProtectedHeader({ alg }).setSubject('u1').setExpirationTime('1h').sign(key);

  forEachServer(
    'with JWT_PUBLIC_KEY',
    (t) => {
      it('accepts an RS256 token signed with the matching private key', async () => {
        const socket = await t.connect({ token: await sign(privateKey, 'RS256') });
        expect(authenticatedOf(socket).userId).toBe('u1');
      });

      it('refuses an HS256 token whose secret is the public key (algorithm confusion)', async () => {
        const confused = await sign(new TextEncoder().encode(pem), 'HS256');
        expect((await t.connectError({ token: confused })).message).toBe('AUTH_TOKEN_INVALID');
      });
    },
    { JWT_SECRET: undefined, JWT_PUBLIC_KEY: pem },
    ['pglite'],
    undefined,
    { databases },
  );
});

forEachServer(
  'issuer and audience',
  (t) => {
    it('checks iss and aud when configured', async () => {
      const key = new TextEncoder().encode(SECRET);
      const base = () =>
        new SignJWT({ accountId: 'acme', role: 'agent' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setExpirationTime('1h');
      const good = await base().setIssuer('https://idp.test').setAudience('switchboard').sign(key);
      const wrongIss = await base().setIssuer('https://evil.test').setAudience('switchboard').sign(key);
      const noAud = await base().setIssuer('https://idp.test').sign(key);
      await t.connect({ token: good });
      expect((await t.connectError({ token: wrongIss })).message).toBe('AUTH_TOKEN_INVALID');
      expect((await t.connectError({ token: noAud })).message).toBe('AUTH_TOKEN_INVALID');
    });
  },
  { JWT_ISSUER: 'https://idp.test', JWT_AUDIENCE: 'switchboard' },
  ['pglite'],
  undefined,
  { databases },
);

forEachServer(
  'late authentication',
  (t) => {
    it('accepts a socket without a token and authenticates it with the authenticate event', async () => {
      const socket = await t.connect({});
      const refused = await ask(socket, 'join_conversation', 'c1');
      expect(refused.error?.code).toBe('MISSING_TOKEN');
      const authenticated = nextEvent(socket, 'authenticated');
      const res = await ask(socket, 'authenticate', await t.token(claims));
      expect(res.ok).toBe(true);
      expect((await authenticated).userId).toBe('u1');
    });

    it('disconnects with MISSING_TOKEN when the window closes without authentication', async () => {
      const socket = await t.connect({});
      const error = nextEvent(socket, 'error');
      const gone = nextEvent(socket, 'disconnect');
      expect((await error).code).toBe('MISSING_TOKEN');
      await gone;
    });
  },
  { LATE_AUTH_MS: 700 },
  ['pglite'],
  undefined,
  { databases },
);
