import { createServer } from 'node:net';

import type { Config } from '../config';
import { ConfigError, type ConfigProblem } from '../config-problems';
import { StorageError } from '../storage/storage-error';

/**
 * Fails with a ConfigError naming PORT when HOST:PORT is taken, before any
 * database work: otherwise the clash would surface only after migrations, as
 * a bare EADDRINUSE. (Another process can still take the port in between; then
 * listen fails as before.)
 */
export async function assertPortFree(config: Pick<Config, 'PORT' | 'HOST'>): Promise<void> {
  if (config.PORT === 0) return;
  const problem = await new Promise<string | null>((resolve) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'EADDRINUSE' ? 'is already in use' : `cannot be listened on (${err.code ?? err.message})`),
    );
    probe.listen({ port: config.PORT, host: config.HOST, exclusive: true }, () => probe.close(() => resolve(null)));
  });
  if (problem) {
    throw new ConfigError([
      {
        variable: 'PORT',
        expected: 'a free TCP port on HOST (another Switchboard may be running)',
        problem: `${config.HOST}:${config.PORT} ${problem}`,
      },
    ]);
  }
}

/** Database failures at start, said in terms of the setting to fix. Null for anything else. */
export function databaseProblem(err: unknown, config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>): ConfigProblem | null {
  if (!config.DATABASE_URL) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'EACCES' || code === 'EROFS' || code === 'ENOTDIR') {
      return {
        variable: 'DATA_DIR',
        expected: 'a directory this process may write (embedded PGlite keeps its files there)',
        problem: `${config.DATA_DIR}: ${code}`,
      };
    }
    return null;
  }
  if (!(err instanceof StorageError)) return null;
  let where = 'the server';
  let database = '';
  try {
    const url = new URL(config.DATABASE_URL);
    where = `${url.hostname}:${url.port || 5432}`;
    database = decodeURIComponent(url.pathname.slice(1));
  } catch {
    // configProblems already vouched for the URL.
  }
  const expected = 'a PostgreSQL URL of an existing database, postgres://user:password@host:5432/database';
  const problem: Record<string, string> = {
    '3D000': `database "${database}" does not exist on ${where} (create it: createdb ${database})`,
    '28P01': `the password was refused by ${where}`,
    '28000': `the user was refused by ${where}`,
    ECONNREFUSED: `nothing answers on ${where}`,
    ENOTFOUND: `host ${where} is unknown`,
    ETIMEDOUT: `${where} did not answer in time`,
  };
  const text = (err.code && problem[err.code]) ?? (err.kind === 'unavailable' ? `cannot reach ${where}` : null);
  return text ? { variable: 'DATABASE_URL', expected, problem: text } : null;
}
