import { createHash, timingSafeEqual } from 'node:crypto';

import type { FastifyRequest } from 'fastify';

import { AppError } from '../../errors';

/**
 * An `onRequest` hook that lets through only requests carrying `x-internal-api-key`: the internal
 * API (`POST /internal/emit`) and `/metrics`. Keys are compared in constant time over their
 * hashes, so neither content nor length leaks through timing.
 */
export function requireInternalKey(internalKey: string | undefined): (request: FastifyRequest) => Promise<void> {
  if (!internalKey) throw new Error('INTERNAL_API_KEY is required');
  const expected = createHash('sha256').update(internalKey).digest();
  return async (request) => {
    const given = request.headers['x-internal-api-key'];
    const ok = typeof given === 'string' && timingSafeEqual(createHash('sha256').update(given).digest(), expected);
    if (!ok) throw new AppError('AUTH_TOKEN_INVALID', 'A valid x-internal-api-key header is required');
  };
}
