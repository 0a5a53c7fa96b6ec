import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import { createTokenVerifier } from './auth/token-verifier';
import { createRateLimiter } from './cluster/rate-limiter';
import { MemoryPresenceStore } from './cluster/presence-store';
import type { Config } from './config';
import { BroadcastService } from './domain/broadcast-service';
import { MemoryThrottle } from './cluster/throttle';
import { DashboardMetrics } from './domain/dashboard-metrics';
import { wireInsightDeskReactions } from './domain/insightdesk-reactions';
import { NotificationService } from './domain/notification-service';
import { PresenceWatch } from './domain/presence-watch';
import { SlaScheduler } from './domain/sla-scheduler';
import { TicketService } from './domain/ticket-service';
import { TicketTypingService } from './domain/ticket-typing-service';
import { UserSummaries } from './domain/user-summaries';
import { attachInsightDesk } from './handlers/insightdesk';
import { ticketRoutes } from './transport/http/ticket-routes';
import { ConversationService } from './domain/conversation-service';
import { MessageService } from './domain/message-service';
import { PresenceService } from './domain/presence-service';
import { ReplayService } from './domain/replay-service';
import { TypingService } from './domain/typing-service';
import { UserDirectory } from './domain/user-directory';
import { createLogger, type Logger } from './log';
import { createMetrics } from './ops/metrics';
import { Broadcaster } from './realtime/broadcaster';
import type { Services } from './services';
import { openDb, type Db } from './storage/db';
import { conversationRoutes } from './transport/http/conversation-routes';
import { installErrorHandler } from './transport/http/error-handler';
import { healthRoutes } from './transport/http/health-routes';
import { internalRoutes } from './transport/http/internal-routes';
import { updatesRoutes } from './transport/http/updates-routes';
import { attachDefaultNamespaces, createSocketServer } from './transport/socket-server';
import type { AppIo } from './transport/socket-types';

export interface Switchboard {
  app: FastifyInstance;
  io: AppIo;
  services: Services;
  /** Listens on config.PORT (0 for an ephemeral port) and returns the bound port. */
  listen(): Promise<number>;
  /** Stops accepting, tells every socket why it is closing, flushes, closes the database. */
  close(): Promise<void>;
}

/**
 * Builds the whole server without listening: Fastify for HTTP, Socket.IO on
 * the same HTTP server, the database, the services and the broadcaster.
 *
 * @example
 * const sb = await buildServer(testConfig({ JWT_SECRET: 's', INTERNAL_API_KEY: 'k', PORT: 0 }));
 * const port = await sb.listen();
 * await sb.close();
 */
export async function buildServer(config: Config, deps: { log?: Logger; db?: Db } = {}): Promise<Switchboard> {
  if (!config.INTERNAL_API_KEY) throw new Error('INTERNAL_API_KEY is required');
  const log = deps.log ?? createLogger(config.LOG_LEVEL);
  const db = deps.db ?? (await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR }));
  const metrics = createMetrics();

  const app: FastifyInstance = Fastify({ loggerInstance: log.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger, bodyLimit: config.MAX_PAYLOAD_BYTES });
  const { io, widgetParent } = createSocketServer(app.server, {
    corsOrigins: config.corsOrigins,
    // The transport's hard cap sits above the per-event limit, so oversized events get a PAYLOAD_TOO_LARGE answer instead of a cut connection.
    maxHttpBufferSize: config.MAX_PAYLOAD_BYTES * 4,
  });

  const broadcaster = new Broadcaster({
    io,
    widgetParent,
    onEmit: (event) => metrics.eventsEmitted.inc({ event }),
    onListenerError: (err) => log.error({ err }, 'event listener failed'),
  });
  const presence = new PresenceService(new MemoryPresenceStore(), db, broadcaster);
  const conversations = new ConversationService(db, broadcaster);
  const onError = (what: string) => (err: unknown) => log.error({ err }, what);
  const sla = new SlaScheduler(db, broadcaster, { warningRatio: config.SLA_WARNING_RATIO, maxSleepMs: config.SLA_POLL_MS, onError: onError('sla timer failed') });
  const services: Services = {
    config,
    log,
    db,
    metrics,
    verify: createTokenVerifier({ secret: config.JWT_SECRET, publicKeyPem: config.JWT_PUBLIC_KEY, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
    rateLimiter: createRateLimiter({ points: config.RATE_LIMIT_POINTS, windowSeconds: config.RATE_LIMIT_WINDOW_S }),
    broadcaster,
    users: new UserDirectory(db, broadcaster),
    conversations,
    messages: new MessageService(db, broadcaster, conversations),
    presence,
    typing: new TypingService(broadcaster, config.TYPING_TIMEOUT_MS),
    replay: new ReplayService(db),
    broadcast: new BroadcastService(db, broadcaster, presence),
    tickets: new TicketService(db, broadcaster, sla, conversations, config.SLA_POLICY),
    sla,
    ticketTyping: new TicketTypingService(broadcaster, config.TYPING_TIMEOUT_MS),
    notifications: new NotificationService(db, broadcaster),
    presenceWatch: new PresenceWatch(db, presence),
    dashboard: new DashboardMetrics(db, broadcaster, presence, new MemoryThrottle(config.METRICS_THROTTLE_MS, onError('dashboard metrics failed')), config.SLA_WARNING_RATIO),
    summaries: new UserSummaries(),
  };
  const stopReactions = wireInsightDeskReactions(broadcaster, { ...services, onError: onError('reaction failed') });
  sla.start();

  let closing = false;
  await app.register(helmet, { contentSecurityPolicy: false, crossOriginResourcePolicy: false });
  await app.register(cors, { origin: config.corsOrigins.length ? config.corsOrigins : true, credentials: true });
  installErrorHandler(app);
  healthRoutes(app, services, { extra: [], isClosing: () => closing });
  internalRoutes(app, services, config.INTERNAL_API_KEY);
  conversationRoutes(app, services);
  updatesRoutes(app, services);
  ticketRoutes(app, services);
  attachDefaultNamespaces(services, io, widgetParent);
  attachInsightDesk(services, io);

  return {
    app,
    io,
    services,
    async listen() {
      await app.listen({ port: config.PORT, host: config.HOST });
      const address = app.server.address();
      return typeof address === 'object' && address ? address.port : config.PORT;
    },
    async close() {
      if (closing) return;
      closing = true;
      // Tell clients we are going so they reconnect elsewhere, rather than waiting out a ping timeout.
      for (const nsp of [io.of('/'), ...io._nsps.values()]) nsp.disconnectSockets(true);
      services.typing.close();
      services.ticketTyping.close();
      await services.sla.stop();
      await services.dashboard.close();
      await stopReactions();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await app.close().catch(() => undefined);
      if (!deps.db) await db.close();
    },
  };
}
