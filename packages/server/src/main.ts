import cluster from 'node:cluster';

import { holdConnectionsFromPrimary, serveFromPrimary, tellPrimaryReady } from './cluster/serve-from-primary';
import { type Config, loadConfig } from './config';
import { ConfigError } from './config-problems';
import { createLogger, type Logger } from './log';
import { seedDemoTenant } from './ops/demo-tenant';
import { gcOfThisProcess, singleProcessGcAdvice } from './ops/gc-threads';
import { localSecrets } from './ops/local-secrets';
import { assertPortFree, databaseProblem } from './ops/startup-problem';

/** EX_CONFIG (sysexits.h): the configuration is wrong, so restarting as is will not help. */
const EXIT_CONFIG = 78;
/** What main() had read when it failed, for the failure's log line. */
let started: { config: Config; log: Logger } | undefined;

/** Reads the configuration, starts Switchboard, and stops it cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  if (cluster.isWorker) holdConnectionsFromPrimary();
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  started = { config, log };
  // Before anything is written or opened: a taken port is a wrong setting, not a crash after the database work.
  if (!cluster.isWorker) await assertPortFree(config);
  const noVerifyKey = !config.JWT_SECRET && !config.JWT_PUBLIC_KEY && !config.JWT_JWKS_URL;
  if (noVerifyKey || !config.INTERNAL_API_KEY) {
    const secrets = await localSecrets(config.DATA_DIR);
    if (noVerifyKey) config.JWT_SECRET = secrets.jwtSecret;
    config.INTERNAL_API_KEY ??= secrets.internalApiKey;
    log.warn('JWT_SECRET or INTERNAL_API_KEY unset: using local secrets from DATA_DIR (fine for development, not for production)');
  }
  // The server's modules (and the primary's) are imported once they are needed: loading all of them took ~0.8 s of
  // CPU, which a configuration error paid before saying what was wrong, and a primary that only routes never needs
  // the server (docs/decisions.md, "Suite wall time, fourth pass: processes").
  // WORKERS > 1: this process only routes connections; the workers (this file again) serve.
  if (config.WORKERS > 1 && cluster.isPrimary) return (await import('./cluster/run-primary')).runPrimary(config, log);

  const { buildServer } = await import('./build-server');
  const server = await buildServer(config, { log });
  let port = config.PORT;
  if (cluster.isWorker) await serveFromPrimary(server);
  else port = await server.listen();
  const base = `http://localhost:${port}`;
  const lines = [
    '',
    `Switchboard is running on ${base}`,
    `  Dashboard   ${base}/   (widget demo: ${base}/widget/demo)`,
    `  Socket.IO   ${base}/socket.io  (namespaces /, /tickets, /chat, /notifications, /presence, /dashboard)`,
    `  Health      ${base}/healthz   ${base}/readyz   ${base}/metrics (header x-internal-api-key)`,
    `  Database    ${config.DATABASE_URL ? 'PostgreSQL' : `embedded PGlite in ${config.DATA_DIR}`}; adapter ${config.REDIS_URL ? 'Redis' : config.WORKERS > 1 ? `node cluster (${config.WORKERS} workers)` : 'in memory'}`,
  ];
  if (config.demo && config.JWT_SECRET) {
    const tokens = await seedDemoTenant(server.services, config.JWT_SECRET);
    lines.push('', 'Demo tenant "demo" (tokens valid 12 h):');
    for (const t of tokens) lines.push(`  ${t.role.padEnd(9)} ${t.name.padEnd(15)} ${t.token}`);
    lines.push('', `Try: curl -H "Authorization: Bearer <agent token>" ${base}/api/conversations`);
  }
  // With workers the primary prints it, once every worker serves and it listens.
  if (cluster.isWorker) tellPrimaryReady(`${lines.join('\n')}\n\n`);
  else process.stdout.write(`${lines.join('\n')}\n\n`);
  log.info(
    {
      port,
      database: config.DATABASE_URL ? 'postgres' : 'pglite',
      redis: Boolean(config.REDIS_URL),
      amqp: Boolean(config.AMQP_URL),
      jwt: jwtMode(config),
      worker: cluster.worker?.id,
      gc: gcOfThisProcess(),
      pid: process.pid,
    },
    'started',
  );
  // One process on one core should collect on its main thread, which only node's own flag can say (ops/gc-threads.ts).
  const gcAdvice = cluster.isWorker ? null : singleProcessGcAdvice(config.GC_MODE);
  if (gcAdvice) log.info({ gc: gcOfThisProcess() }, gcAdvice);

  let stopping = false;
  const stop = async (signal: string) => {
    // A signal that comes twice (to the process group and from a supervisor, say) stops once.
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await server.close();
    log.info({ signal }, 'stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function jwtMode(c: Config): string[] {
  return [c.JWT_SECRET && 'HS256 secret', c.JWT_PUBLIC_KEY && 'public key', c.JWT_JWKS_URL && 'JWKS'].filter((m): m is string =>
    Boolean(m),
  );
}

/*
 * A failure to start is one JSON line, like every other log line, so a log
 * pipeline sees it. Config errors name the variable and the expected form.
 */
main().catch((err: unknown) => {
  const problem = started && databaseProblem(err, started.config);
  const configError = err instanceof ConfigError ? err : problem ? new ConfigError([problem]) : null;
  // Config not read (or wrong), or LOG_LEVEL=silent: a failure to start is still said, at fatal.
  const out =
    started && started.config.LOG_LEVEL !== 'silent'
      ? started.log
      : createLogger(/^(fatal|error|warn|info|debug|trace)$/.test(process.env.LOG_LEVEL ?? '') ? process.env.LOG_LEVEL! : 'info');
  if (configError) out.fatal({ problems: configError.problems }, configError.message);
  else out.fatal({ err }, `Switchboard failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(configError ? EXIT_CONFIG : 1);
});
