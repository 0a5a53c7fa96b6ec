import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface LocalSecrets {
  jwtSecret: string;
  internalApiKey: string;
}

/**
 * For the zero-setup start only: when JWT_SECRET or INTERNAL_API_KEY is unset,
 * a random one is made once and kept in DATA_DIR (mode 0600), so tokens stay
 * valid across restarts without anyone choosing a weak default.
 */
export async function localSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = join(dataDir, 'secrets.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LocalSecrets;
  } catch {
    const secrets = { jwtSecret: randomBytes(32).toString('base64url'), internalApiKey: randomBytes(24).toString('base64url') };
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(secrets), { mode: 0o600 });
    return secrets;
  }
}
