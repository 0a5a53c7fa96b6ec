import { readPublicKey } from './auth/token-verifier';

/** One wrong setting: which variable, what it must look like, and what is wrong with it. */
export interface ConfigProblem {
  variable: string;
  expected: string;
  problem: string;
}

/**
 * A configuration Switchboard cannot start with. Thrown before any database,
 * Redis or port is touched; main.ts logs `problems` and exits with status 78
 * (EX_CONFIG), so a supervisor can tell it from a crash.
 */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.problem} (expected ${p.expected})`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** What each variable must look like, for the messages; the others fall back to zod's wording. */
export const EXPECTED: Record<string, string> = {
  PORT: 'a TCP port, 0-65535 (0: any free port)',
  HOST: 'an interface address such as 0.0.0.0 or 127.0.0.1',
  JWT_PUBLIC_KEY: 'a PEM public key, "-----BEGIN PUBLIC KEY-----" …, RS256 or ES256; \\n escapes allowed on one line',
  JWT_JWKS_URL: 'an http(s) URL of a JSON Web Key Set, e.g. https://tenant.auth0.com/.well-known/jwks.json',
  DATABASE_URL: 'a PostgreSQL URL, postgres://user:password@host:5432/database (unset: embedded PGlite)',
  REDIS_URL: 'a Redis URL, redis://host:6379 or rediss://… (unset: one node, in memory)',
  AMQP_URL: 'an AMQP URL, amqp://user:password@host:5672 (unset: no bridge)',
  CORS_ORIGINS: 'comma-separated origins, e.g. https://app.example.com,https://admin.example.com',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent',
  DEFAULT_DIALECT: 'default or portal',
  WORKERS: 'an integer 1-256; above 1 needs DATABASE_URL',
  LATE_AUTH_MS: 'milliseconds, an integer ≥ 0',
};

const urlWith = (value: string, protocols: string[]) => {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** Checks zod cannot make on one field alone: the forms of URLs and keys, and settings that need each other. */
export function configProblems(c: {
  PORT: number;
  JWT_PUBLIC_KEY?: string | undefined;
  JWT_JWKS_URL?: string | undefined;
  DATABASE_URL?: string | undefined;
  REDIS_URL?: string | undefined;
  AMQP_URL?: string | undefined;
  CORS_ORIGINS?: string | undefined;
  WORKERS: number;
}): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const bad = (variable: string, problem: string) => out.push({ variable, expected: EXPECTED[variable] ?? 'a valid value', problem });
  if (c.PORT > 65_535) bad('PORT', `${c.PORT} is not a port`);
  if (c.JWT_PUBLIC_KEY) {
    try {
      readPublicKey(c.JWT_PUBLIC_KEY);
    } catch {
      bad('JWT_PUBLIC_KEY', 'is not a readable PEM public key');
    }
  }
  if (c.JWT_JWKS_URL && !urlWith(c.JWT_JWKS_URL, ['https:', 'http:'])) bad('JWT_JWKS_URL', 'is not an http(s) URL');
  if (c.DATABASE_URL && !urlWith(c.DATABASE_URL, ['postgres:', 'postgresql:'])) bad('DATABASE_URL', 'is not a postgres:// URL');
  if (c.REDIS_URL && !urlWith(c.REDIS_URL, ['redis:', 'rediss:'])) bad('REDIS_URL', 'is not a redis:// URL');
  if (c.AMQP_URL && !urlWith(c.AMQP_URL, ['amqp:', 'amqps:'])) bad('AMQP_URL', 'is not an amqp:// URL');
  for (const origin of (c.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)) {
    // Browsers send the bare origin: a path or trailing slash would never match.
    if (origin !== '*' && !(urlWith(origin, ['https:', 'http:']) && new URL(origin).origin === origin))
      bad('CORS_ORIGINS', `"${origin}" is not an origin`);
  }
  if (c.WORKERS > 1 && !c.DATABASE_URL)
    bad('WORKERS', `WORKERS=${c.WORKERS} needs DATABASE_URL: the embedded database belongs to one process`);
  return out;
}
