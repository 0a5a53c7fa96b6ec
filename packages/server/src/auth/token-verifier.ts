import { createPublicKey, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, decodeProtectedHeader, type JWTVerifyOptions } from 'jose';
import { AppError } from '../errors';
import { principalFromClaims, type Principal } from './principal';

export interface TokenVerifierOptions {
  secret?: string;
  publicKeyPem?: string;
  issuer?: string;
  audience?: string;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

const ASYMMETRIC = ['RS256', 'ES256'] as const;

/**
 * Verifies a JWT with a pinned list of algorithms: HS256 only against the shared
 * secret, RS256/ES256 only against the public key. `none` is never accepted and
 * an HS256 token can never be checked against the public key (algorithm confusion),
 * because each algorithm has exactly one key.
 */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const secret = opts.secret ? new TextEncoder().encode(opts.secret) : undefined;
  const publicKey: KeyObject | undefined = opts.publicKeyPem
    ? createPublicKey(opts.publicKeyPem.replace(/\\n/g, '\n'))
    : undefined;
  if (!secret && !publicKey) throw new Error('Set JWT_SECRET or JWT_PUBLIC_KEY');

  const base: JWTVerifyOptions = { requiredClaims: ['exp', 'sub'] };
  if (opts.issuer) base.issuer = opts.issuer;
  if (opts.audience) base.audience = opts.audience;

  return async (token) => {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new AppError('AUTH_TOKEN_INVALID', 'The token is malformed');
    }
    let key: Uint8Array | KeyObject | undefined;
    let algorithms: string[];
    if (alg === 'HS256' && secret) {
      key = secret;
      algorithms = ['HS256'];
    } else if (publicKey && (ASYMMETRIC as readonly string[]).includes(alg ?? '')) {
      key = publicKey;
      algorithms = [...ASYMMETRIC];
    } else {
      throw new AppError('AUTH_TOKEN_INVALID', 'The token is signed with an algorithm this server does not accept');
    }
    try {
      const { payload } = await jwtVerify(token, key, { ...base, algorithms });
      const principal = principalFromClaims(payload);
      if (!principal) throw new AppError('AUTH_TOKEN_INVALID', 'The token lacks required claims');
      return principal;
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new AppError('AUTH_TOKEN_EXPIRED', 'The token has expired');
      throw new AppError('AUTH_TOKEN_INVALID', 'The token is invalid');
    }
  };
}
