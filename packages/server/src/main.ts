import cluster from 'node:cluster';
import { buildServer } from './build-server';
import { runPrimary } from './cluster/run-primary';
import { holdConnectionsFromPrimary, serveFromPrimary, tellPrimaryReady } from './cluster/serve-from-primary';
import { loadConfig } from './config';
import { createLogger } from './log';
import { seedDemoTenant } from './ops/demo-tenant';
import { localSecrets } from './ops/local-secrets';

/** Reads the configuration, starts Switchboard, and stops it cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  if (cluster.isWorker) holdConnectionsFromPrimary();
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  if (!config.JWT_SECRET && !config.JWT_PUBLIC_KEY || !config.INTERNAL_API_KEY) {
    const secrets = await localSecrets(config.DATA_DIR);
    if (!config.JWT_SECRET && !config.JWT_PUBLIC_KEY) config.JWT_SECRET = secrets.jwtSecret;
    config.INTERNAL_API_KEY ??= secrets.internalApiKey;
    log.warn('JWT_SECRET or INTERNAL_API_KEY unset: using local secrets from DATA_DIR (fine for development, not for production)');
  }
  // WORKERS > 1: this process only routes connections; the workers (this file again) serve.
  if (config.WORKERS > 1 && cluster.isPrimary) return runPrimary(config, log);

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
    `  Health      ${base}/healthz   ${base}/readyz   ${base}/metrics`,
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

  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`Switchboard failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
