import { parseArgs } from 'node:util';

import { signToken, type TokenClaims } from '../auth/token-signer';
import { loadConfig } from '../config';
import { localSecrets } from './local-secrets';

const ROLES = ['admin', 'agent', 'viewer', 'customer'] as const;

export const TOKEN_USAGE = `Usage: switchboard token --tenant <id> --role <admin|agent|viewer|customer> --sub <user id>
                        [--name <name>] [--email <email>] [--team <id>]... [--ttl <seconds, default 3600>]

Prints an HS256 token for development, signed with JWT_SECRET, or when it is unset with the
secret the server keeps in DATA_DIR/secrets.json (created if missing), as \`npm start\` does.`;

/** A refusal worth a usage text rather than a stack. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage = TOKEN_USAGE,
  ) {
    super(message);
  }
}

function parseTokenArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        tenant: { type: 'string' },
        role: { type: 'string' },
        sub: { type: 'string' },
        name: { type: 'string' },
        email: { type: 'string' },
        team: { type: 'string', multiple: true },
        ttl: { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/**
 * `switchboard token …`: signs a development token the way the server will
 * verify it. With only JWT_PUBLIC_KEY (or JWT_JWKS_URL) set the server verifies
 * tokens signed by a private key this command does not have, so it refuses.
 */
export async function tokenCommand(argv: string[], env: Record<string, string | undefined> = process.env): Promise<string> {
  const values = parseTokenArgs(argv);
  if (!values.tenant || !values.sub || !values.role) throw new UsageError('--tenant, --role and --sub are required');
  const role = ROLES.find((r) => r === values.role);
  if (!role) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new UsageError('--ttl must be a whole number of seconds');

  const config = loadConfig(env);
  let secret = config.JWT_SECRET;
  if (!secret) {
    if (config.JWT_PUBLIC_KEY || env.JWT_JWKS_URL) {
      throw new UsageError('the server verifies tokens with a public key (JWT_PUBLIC_KEY / JWT_JWKS_URL): sign them with your private key');
    }
    secret = (await localSecrets(config.DATA_DIR)).jwtSecret;
  }
  const claims: TokenClaims = { sub: values.sub, accountId: values.tenant, role, teamIds: values.team ?? [] };
  if (values.name) claims.name = values.name;
  if (values.email) claims.email = values.email;
  return signToken(secret, claims, ttl);
}
