import { createPublicKey, type KeyObject } from 'node:crypto';

import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';

import { AppError } from '../errors';
import { type Principal, principalFromClaims } from './principal';

export interface TokenVerifierOptions {
  secret?: string;
  publicKeyPem?: string;
  /** A JWKS endpoint (an identity provider's `.../.well-known/jwks.json`): RS256/ES256 keys, fetched and cached. */
  jwksUrl?: string;
  /** Shortest pause between two JWKS fetches, so unknown `kid`s cannot hammer the provider. */
  jwksCooldownMs?: number;
  /** Longest a fetched JWKS is trusted before it is fetched again. */
  jwksCacheMs?: number;
  /** Claims under this prefix (`https://acme.com/` for Auth0, `custom:` for Cognito) count as the plain claim names. */
  claimPrefix?: string;
  issuer?: string;
  audience?: string;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

const ASYMMETRIC = ['RS256', 'ES256'];

/** Reads a PEM public key; `\n` escapes (one-line env files) count as newlines. Throws on anything else. */
export function readPublicKey(pem: string): KeyObject {
  return createPublicKey(pem.replace(/\\n/g, '\n'));
}

/**
 * Verifies a JWT with a pinned list of algorithms: HS256 only against the shared
 * secret, RS256/ES256 only against the public key or the JWKS. `none` is never
 * accepted and an HS256 token can never be checked against a public key
 * (algorithm confusion), because each algorithm has exactly one key source.
 *
 * With a JWKS, jose's remote key set picks the key by `kid` and fetches the set
 * again when a token names a `kid` it does not know, so a provider's key
 * rotation needs no restart. With both a PEM and a JWKS, tokens with a `kid`
 * go to the JWKS and the others to the PEM (a migration between the two).
 */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const secret = opts.secret ? new TextEncoder().encode(opts.secret) : undefined;
  const publicKey = opts.publicKeyPem ? readPublicKey(opts.publicKeyPem) : undefined;
  const jwks: JWTVerifyGetKey | undefined = opts.jwksUrl
    ? createRemoteJWKSet(new URL(opts.jwksUrl), {
        cooldownDuration: opts.jwksCooldownMs ?? 30_000,
        cacheMaxAge: opts.jwksCacheMs ?? 600_000,
      })
    : undefined;
  if (!secret && !publicKey && !jwks) throw new Error('Set JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL');

  const base: JWTVerifyOptions = { requiredClaims: ['exp', 'sub'] };
  if (opts.issuer) base.issuer = opts.issuer;
  if (opts.audience) base.audience = opts.audience;

  return async (token) => {
    let header: { alg?: string; kid?: string };
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new AppError('AUTH_TOKEN_INVALID', 'The token is malformed');
    }
    const asymmetric = ASYMMETRIC.includes(header.alg ?? '');
    try {
      let payload: JWTPayload;
      if (header.alg === 'HS256' && secret) {
        payload = (await jwtVerify(token, secret, { ...base, algorithms: ['HS256'] })).payload;
      } else if (asymmetric && publicKey && (!jwks || !header.kid)) {
        payload = (await jwtVerify(token, publicKey, { ...base, algorithms: ASYMMETRIC })).payload;
      } else if (asymmetric && jwks) {
        payload = (await jwtVerify(token, jwks, { ...base, algorithms: ASYMMETRIC })).payload;
      } else {
        throw new AppError('AUTH_TOKEN_INVALID', 'The token is signed with an algorithm this server does not accept');
      }
      const principal = principalFromClaims(opts.claimPrefix ? unprefixed(payload, opts.claimPrefix) : payload);
      if (!principal) throw new AppError('AUTH_TOKEN_INVALID', 'The token lacks required claims');
      return principal;
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new AppError('AUTH_TOKEN_EXPIRED', 'The token has expired');
      throw new AppError('AUTH_TOKEN_INVALID', 'The token is invalid');
    }
  };
}

/** The payload with `<prefix>name` claims also under `name` (the prefixed one wins). */
function unprefixed(payload: JWTPayload, prefix: string): JWTPayload {
  const out: JWTPayload = { ...payload };
  for (const [key, value] of Object.entries(payload)) {
    if (key.startsWith(prefix) && key.length > prefix.length) out[key.slice(prefix.length)] = value;
  }
  return out;
}
