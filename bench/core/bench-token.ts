import { SignJWT } from 'jose';

/** Claims of the contract's JWT, plus whatever a baseline reads (seed 000 reads `workspaceId`). */
export interface BenchClaims {
  sub: string;
  accountId: string;
  role: 'agent';
  email: string;
  name: string;
  teamIds: string[];
  [extra: string]: unknown;
}

/** The claims of bench client number `index` in `tenantId`. */
export function benchClaims(index: number, tenantId: string, extra: Record<string, unknown> = {}): BenchClaims {
  return {
    sub: `bench-agent-${index}`,
    accountId: tenantId,
    role: 'agent',
    email: `bench-agent-${index}@bench.invalid`,
    name: `Bench Agent ${index}`,
    teamIds: [],
    ...extra,
  };
}

/** An HS256 token valid for `ttlSeconds` (default two hours, longer than any run). */
export function signBenchToken(claims: BenchClaims, secret: string, ttlSeconds = 7200): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
