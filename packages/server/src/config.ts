import { z } from 'zod';
import { Dialect } from '@switchboard/protocol';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (def: number) => z.coerce.number().int().min(0).default(def);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v : undefined));

/**
 * Every setting Switchboard reads, parsed once at start. A bad value stops the
 * process with the variable's name rather than surfacing later as odd behaviour.
 */
export const ConfigSchema = z.object({
  PORT: int(3000),
  HOST: z.string().default('0.0.0.0'),
  JWT_SECRET: optionalString,
  JWT_PUBLIC_KEY: optionalString,
  JWT_ISSUER: optionalString,
  JWT_AUDIENCE: optionalString,
  INTERNAL_API_KEY: optionalString,
  DATABASE_URL: optionalString,
  DATA_DIR: z.string().default('./data'),
  REDIS_URL: optionalString,
  AMQP_URL: optionalString,
  CORS_ORIGINS: optionalString,
  LATE_AUTH_MS: int(0),
  DEFAULT_DIALECT: Dialect.exclude(['widget']).default('default'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest Socket.IO packet accepted, in bytes. */
  MAX_PAYLOAD_BYTES: int(64 * 1024),
  /** How long before `exp` the server sends `token:refresh`. */
  TOKEN_REFRESH_LEAD_MS: int(60_000),
  /** Per socket and per user, per event: points per window. */
  RATE_LIMIT_POINTS: int(60),
  RATE_LIMIT_WINDOW_S: int(10),
  TYPING_TIMEOUT_MS: int(5_000),
  DEMO: bool.optional(),
  WORKERS: int(1),
});
export type RawConfig = z.infer<typeof ConfigSchema>;

export interface Config extends Omit<RawConfig, 'CORS_ORIGINS' | 'DEMO'> {
  /** Allowed browser origins; empty means any origin (development). */
  corsOrigins: string[];
  /** Seed a demo tenant and print tokens. */
  demo: boolean;
  /** Filled by {@link resolveSecrets} when unset. */
  JWT_SECRET: string | undefined;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const { CORS_ORIGINS, DEMO, ...rest } = parsed.data;
  return {
    ...rest,
    corsOrigins: CORS_ORIGINS ? CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean) : [],
    demo: DEMO ?? !rest.DATABASE_URL,
  };
}

/** A config for tests and embedding: defaults, then the overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), LOG_LEVEL: 'silent', demo: false, ...overrides };
}
