import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';

import { createAi } from './ai/create-ai';
import { createTokenVerifier } from './auth/token-verifier';
import { type Bridges, startBridges } from './bridges/start-bridges';
import { type Clock, systemClock } from './clock';
import { type ClusterKit, openClusterKit } from './cluster/cluster-kit';
import type { EventRelay } from './cluster/event-relay';
import { quietErrors } from './cluster/quiet-errors';
import { createRateLimiter } from './cluster/rate-limiter';
import { createReplayBudget } from './cluster/replay-budget';
import { TenantGate } from './cluster/tenant-gate';
import { MemoryThrottle } from './cluster/throttle';
import type { Config } from './config';
import { AttachmentService } from './domain/attachment-service';
import { BroadcastService } from './domain/broadcast-service';
import { CannedResponseService } from './domain/canned-response-service';
import { ConversationService } from './domain/conversation-service';
import { DashboardMetrics } from './domain/dashboard-metrics';
import { wireFactReactions } from './domain/fact-reactions';
import { InboxService } from './domain/inbox-service';
import { LabelService } from './domain/label-service';
import { MessageService } from './domain/message-service';
import type { FlushPhases } from './domain/message-writer';
import { NoteService } from './domain/note-service';
import { NotificationService } from './domain/notification-service';
import { PresenceService } from './domain/presence-service';
import { PresenceWatch } from './domain/presence-watch';
import { ReplayService } from './domain/replay-service';
import { SlaScheduler } from './domain/sla-scheduler';
import { TicketService } from './domain/ticket-service';
import { TicketTypingService } from './domain/ticket-typing-service';
import { TypingService } from './domain/typing-service';
import { UserDirectory } from './domain/user-directory';
import { UserSummaries } from './domain/user-summaries';
import { WidgetService } from './domain/widget-service';
import { attachNamedNamespaces } from './handlers/named-namespaces';
import { Lifecycle } from './lifecycle';
import { createLogger, type Logger } from './log';
import { logConnectionCounts } from './ops/connection-log';
import { createMetrics, emittedEventLabel } from './ops/metrics';
import { startVacuumJob } from './ops/vacuum-job';
import { Broadcaster } from './realtime/broadcaster';
import { followLog } from './realtime/log-follower';
import { RelayMarks } from './realtime/relay-marks';
import type { Services } from './services';
import { createAttachmentStore } from './storage/attachments/create-attachment-store';
import { type Db, openDb } from './storage/db';
import { LISTEN_BACKLOG } from './transport/admission-gate';
import { aiRoutes } from './transport/http/ai-routes';
import { attachmentRoutes } from './transport/http/attachment-routes';
import { cannedResponseRoutes } from './transport/http/canned-response-routes';
import { conversationRoutes } from './transport/http/conversation-routes';
import { devRoutes } from './transport/http/dev-routes';
import { installErrorHandler } from './transport/http/error-handler';
import { healthRoutes } from './transport/http/health-routes';
import { inboxRoutes } from './transport/http/inbox-routes';
import { internalRoutes } from './transport/http/internal-routes';
import { labelRoutes } from './transport/http/label-routes';
import { meRoute } from './transport/http/me-route';
import { catalogueRoutes } from './transport/http/openapi/route-catalogue';
import { openapiRoutes } from './transport/http/openapi-routes';
import { logRequests } from './transport/http/request-log';
import { staticRoutes } from './transport/http/static-routes';
import { streamRoute } from './transport/http/stream-route';
import { ticketRoutes } from './transport/http/ticket-routes';
import { updatesRoutes } from './transport/http/updates-routes';
import { widgetRoutes } from './transport/http/widget-routes';
import { writeRateLimit } from './transport/http/write-rate-limit';
import { attachDefaultNamespaces, createSocketServer, RECOVERY_WINDOW_MS } from './transport/socket-server';
import type { AppIo } from './transport/socket-types';
import { socketTokenLifetimes } from './transport/token-lifetimes';

export interface Switchboard {
  app: FastifyInstance;
  io: AppIo;
  services: Services;
  /** How this node shares state with the others (cluster/cluster-kit.ts). */
  cluster: ClusterKit;
  /** The RabbitMQ bridge when AMQP_URL is set (bridges/start-bridges.ts). */
  bridges: Bridges;
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
export async function buildServer(config: Config, deps: BuildDeps = {}): Promise<Switchboard> {
  const lifecycle = new Lifecycle();
  try {
    return await assemble(config, deps, lifecycle);
  } catch (err) {
    // What started before the failure (the database, Redis connections, timers) must not keep the process alive.
    await lifecycle.close().catch(() => undefined);
    throw err;
  }
}

export interface BuildDeps {
  log?: Logger;
  db?: Db;
  relay?: EventRelay;
  /** The time token, typing and SLA deadlines follow; tests move it by hand (clock.ts). */
  clock?: Clock;
}

/**
 * Builds and starts each part, registering its teardown with `lifecycle` where it starts:
 * `close()` stops them in reverse, so the inputs (sockets, bridges, AI jobs, sends in flight)
 * stop first, then what they feed, and the database last.
 */
async function assemble(config: Config, deps: BuildDeps, lifecycle: Lifecycle): Promise<Switchboard> {
  if (!config.INTERNAL_API_KEY) throw new Error('INTERNAL_API_KEY is required');
  const log = deps.log ?? createLogger(config.LOG_LEVEL);
  const db =
    deps.db ??
    (await openDb({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      maxConnections: config.DATABASE_POOL_SIZE,
      pgliteSharedBuffers: config.PGLITE_SHARED_BUFFERS,
      // With the vacuum job: only at open can the embedded engine freeze its template databases.
      ...(config.DB_VACUUM_INTERVAL_S > 0
        ? {
            pgliteFreezeOthersAge: config.DB_VACUUM_FREEZE_AGE,
            onPgliteOthersFrozen: (databases: string[], ms: number) =>
              log.info({ databases, ms: Math.round(ms) }, 'froze the embedded template databases'),
          }
        : {}),
    }));
  // A database the caller passed in is the caller's to close.
  if (!deps.db) lifecycle.onClose('database', () => db.close());
  const metrics = createMetrics();
  const clock = deps.clock ?? systemClock;
  // Right after the database: it stops just before it, once everything that writes has stopped.
  const stopVacuum = startVacuumJob({ db, config, clock, log, metrics });
  if (stopVacuum) lifecycle.onClose('vacuum job', stopVacuum);
  const cluster = await openClusterKit(config, log, { relay: deps.relay, clock });
  lifecycle.onClose('cluster kit', () => cluster.close());

  // Requests are logged by logRequests (at debug, without query strings, which may carry a token), not by Fastify.
  const app: FastifyInstance = Fastify({
    // pino's Logger carries its own level names; Fastify's instance type wants its base logger.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: log.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.MAX_PAYLOAD_BYTES,
  });
  lifecycle.onClose('fastify', () => app.close().catch(() => undefined));
  // Before any route, so each one lands in /openapi.json or fails test/openapi.test.ts.
  const routes = catalogueRoutes(app);
  logRequests(app);
  const { io, widgets } = createSocketServer(app.server, {
    corsOrigins: config.corsOrigins,
    // The transport's hard cap sits above the per-event limit, so oversized events get a PAYLOAD_TOO_LARGE answer instead of a cut connection.
    maxHttpBufferSize: config.MAX_PAYLOAD_BYTES * 4,
    adapter: cluster.socketAdapter,
    recovery: !cluster.clustered,
  });
  lifecycle.onClose('socket.io and the HTTP server', async () => {
    // Keep-alive and long-lived HTTP connections (polling clients, SSE readers) would hold the HTTP server open
    // forever: idle ones go now, the rest after a short grace for responses in flight.
    app.server.closeIdleConnections();
    const force = setTimeout(() => app.server.closeAllConnections(), 2_000);
    force.unref();
    // The callback, not the returned promise, is when the HTTP server has closed.
    await new Promise<void>((resolve, reject) => {
      io.close(() => resolve()).catch(reject);
    });
    clearTimeout(force);
  });

  const onError = (what: string) => (err: unknown) => log.error({ err }, what);
  const sharedStateError = quietErrors(log);
  // Before the broadcaster, so it closes after it: the broadcaster reports relayed events to the marks.
  const marks = cluster.clustered ? new RelayMarks(db, cluster.relay.nodeId, onError('writing the relay mark failed')) : null;
  if (marks) lifecycle.onClose('relay marks', () => marks.close());
  const replay = new ReplayService(db);
  const broadcaster = new Broadcaster({
    io,
    widgets,
    onEmit: (event) => metrics.eventsEmitted.inc({ event: emittedEventLabel(event) }),
    recoveryWindowMs: cluster.clustered ? 0 : RECOVERY_WINDOW_MS,
    onListenerError: (err) => log.error({ err }, 'event listener failed'),
    relay: cluster.relay,
    onRelayError: (err, e) => {
      metrics.relayFailures.inc();
      if (e) marks?.failed(e);
      log.debug({ err }, 'relay failed; the outbox tailer carries logged events');
    },
    onRelayed: (e) => marks?.relayed(e),
    onEmitted: (e) => replay.noteEmitted(e.accountId, e.seq),
    onOrderGiveUp: (e) => {
      metrics.orderGiveUps.inc();
      log.warn({ seq: e.seq, prevSeq: e.prevSeq }, 'emitted an event before its predecessor, which never came');
    },
  });
  lifecycle.onClose('broadcaster', () => broadcaster.close());
  const presence = new PresenceService(cluster.presenceStore, db, broadcaster, sharedStateError('presence store failed'), {
    graceMs: config.PRESENCE_GRACE_MS,
    coalesceMs: config.PRESENCE_COALESCE_MS,
    keepSnapshots: !cluster.clustered,
  });
  const conversations = new ConversationService(db, broadcaster);
  const sla = new SlaScheduler(db, broadcaster, {
    warningRatio: config.SLA_WARNING_RATIO,
    maxSleepMs: config.SLA_POLL_MS,
    onError: onError('sla timer failed'),
    clock,
  });
  const messages = new MessageService(db, broadcaster, conversations, {
    onFlush: (sends) => metrics.writeFlushes.observe(sends),
    onFlushPhases: (p) => {
      const h = metrics.writeFlushPhases;
      h.observe({ phase: 'queued' }, p.queuedMs / 1000);
      h.observe({ phase: 'start' }, p.startMs / 1000);
      h.observe({ phase: 'messages' }, p.messagesMs / 1000);
      h.observe({ phase: 'events' }, p.eventsMs / 1000);
      h.observe({ phase: 'commit' }, p.commitMs / 1000);
      h.observe({ phase: 'publish' }, p.publishMs / 1000);
      h.observe({ phase: 'total' }, p.totalMs / 1000);
      if (config.WRITE_SLOW_FLUSH_MS > 0 && p.totalMs + p.queuedMs >= config.WRITE_SLOW_FLUSH_MS)
        log.warn({ flush: roundPhases(p) }, 'slow write flush');
    },
    ackDelayMs: config.WRITE_ACK_DELAY_MS,
    ...(config.WRITE_FLUSHES_IN_FLIGHT > 0 ? { maxInFlight: config.WRITE_FLUSHES_IN_FLIGHT } : {}),
    overlap: config.WRITE_OVERLAP,
    ...(config.WRITE_OVERLAP_AT > 0 ? { overlapAt: config.WRITE_OVERLAP_AT } : {}),
    // The linger follows real time, not `clock`: it is about real load, and a test's hand-moved clock
    // would hold a burst's next send until the test moved it.
    ...(config.WRITE_LINGER_MS !== undefined ? { lingerMs: config.WRITE_LINGER_MS } : {}),
  });
  broadcaster.onPublished((e) => messages.access.observe(e));
  const users = new UserDirectory(db, broadcaster);
  const ai = await createAi({ config, db, log, metrics, publisher: broadcaster, conversations, messages });
  const services: Services = {
    config,
    log,
    db,
    metrics,
    clock,
    tokenLifetimes: socketTokenLifetimes(config.TOKEN_REFRESH_LEAD_MS, clock),
    verify: createTokenVerifier({
      secret: config.JWT_SECRET,
      publicKeyPem: config.JWT_PUBLIC_KEY,
      jwksUrl: config.JWT_JWKS_URL,
      jwksCooldownMs: config.JWT_JWKS_COOLDOWN_MS,
      jwksCacheMs: config.JWT_JWKS_CACHE_MS,
      claimPrefix: config.JWT_CLAIM_PREFIX,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    }),
    rateLimiter: createRateLimiter(
      {
        points: config.RATE_LIMIT_POINTS,
        windowSeconds: config.RATE_LIMIT_WINDOW_S,
        tenantPoints: config.RATE_LIMIT_TENANT_POINTS ?? config.RATE_LIMIT_POINTS * 10,
      },
      cluster.rateLimitStore,
    ),
    // A tenant's writes serialise on its append lock anyway; more at once would only hold pool connections.
    tenantGate: new TenantGate(Math.max(2, Math.floor(config.DATABASE_POOL_SIZE / 4)), 200),
    broadcaster,
    users,
    conversations,
    messages,
    presence,
    typing: new TypingService(broadcaster, config.TYPING_TIMEOUT_MS, {
      timers: cluster.typingTimers,
      clock,
      onError: sharedStateError('typing timers failed'),
    }),
    replay,
    replayBudget: createReplayBudget(
      { events: config.REPLAY_BUDGET_EVENTS, windowSeconds: config.RATE_LIMIT_WINDOW_S },
      cluster.rateLimitStore,
    ),
    broadcast: new BroadcastService(db, broadcaster, presence),
    tickets: new TicketService(db, broadcaster, sla, conversations, config.SLA_POLICY),
    sla,
    ticketTyping: new TicketTypingService(broadcaster, config.TYPING_TIMEOUT_MS, {
      timers: cluster.ticketTypingTimers,
      clock,
      onError: sharedStateError('ticket typing timers failed'),
    }),
    notifications: new NotificationService(db, broadcaster),
    presenceWatch: new PresenceWatch(db, presence),
    dashboard: new DashboardMetrics(
      db,
      broadcaster,
      presence,
      new MemoryThrottle(config.METRICS_THROTTLE_MS, onError('dashboard metrics failed')),
      config.SLA_WARNING_RATIO,
    ),
    summaries: new UserSummaries(),
    ai,
    widget: new WidgetService(
      db,
      broadcaster,
      users,
      { secret: config.JWT_SECRET, ttlSeconds: config.WIDGET_TOKEN_TTL_S },
      { presence, conversations },
    ),
    inbox: new InboxService(db, conversations, broadcaster),
    notes: new NoteService(db, broadcaster, conversations),
    labels: new LabelService(db, broadcaster, conversations),
    canned: new CannedResponseService(db),
    attachments: new AttachmentService(db, createAttachmentStore(config), conversations),
  };
  lifecycle.onClose('dashboard metrics', () => services.dashboard.close());
  const stopReactions = wireFactReactions(broadcaster, { ...services, onError: onError('reaction failed') });
  lifecycle.onClose('reactions', stopReactions);
  sla.start();
  lifecycle.onClose('sla timers', () => sla.stop());
  presence.startHeartbeat(Math.max(100, Math.floor(config.PRESENCE_TTL_MS / 3)), sharedStateError('presence heartbeat failed'));
  lifecycle.onClose('presence heartbeat', () => presence.stopHeartbeat());
  const follower = await followLog(db, broadcaster, cluster.clustered, {
    pollMs: config.OUTBOX_POLL_MS,
    minAgeMs: config.OUTBOX_MIN_AGE_MS,
    horizonMs: config.OUTBOX_HORIZON_MS,
    onError: sharedStateError('outbox tailer failed'),
    onRescued: (n) => metrics.outboxRescued.inc(n),
  });
  lifecycle.onClose('outbox tailer', () => follower.stop());
  // The producers of facts stop before the reactions, the broadcaster and the database above, which outlive them:
  // sends already in the pipeline are written and answered (and reacted to) before the database goes.
  lifecycle.onClose('write pipeline', () => messages.drain());
  // While facts can still be published: running AI jobs finish or are handed back; open SSE streams end here.
  lifecycle.onClose('ai', () => services.ai.close());
  lifecycle.onClose('typing timers', () => services.typing.close());
  lifecycle.onClose('ticket typing timers', () => services.ticketTyping.close());

  lifecycle.onClose('connection log', logConnectionCounts(io, log));
  const bridges = startBridges(services);
  // No new facts from the queues while closing; what was not acked goes back to the broker.
  lifecycle.onClose('bridges', () => bridges.close());
  await app.register(helmet, { contentSecurityPolicy: false, crossOriginResourcePolicy: false });
  await app.register(cors, { origin: config.corsOrigins.length ? config.corsOrigins : true, credentials: true });
  installErrorHandler(app);
  writeRateLimit(app, services);
  healthRoutes(app, services, { extra: [...bridges.readiness, ...cluster.readiness], isClosing: () => lifecycle.closing });
  internalRoutes(app, services, config.INTERNAL_API_KEY);
  conversationRoutes(app, services);
  inboxRoutes(app, services);
  labelRoutes(app, services);
  cannedResponseRoutes(app, services);
  await attachmentRoutes(app, services);
  updatesRoutes(app, services);
  aiRoutes(app, services);
  streamRoute(app, services);
  ticketRoutes(app, services);
  devRoutes(app, services);
  staticRoutes(app);
  meRoute(app, services);
  widgetRoutes(app, services, cluster.rateLimitStore);
  openapiRoutes(app, routes);
  const admission = attachDefaultNamespaces(services, io, widgets);
  lifecycle.onClose('admission', () => admission.close());
  attachNamedNamespaces(services, io);
  lifecycle.onClose('sockets', () => {
    // First of all: tell clients we are going so they reconnect elsewhere, rather than waiting out a ping timeout.
    // `local`: with an adapter across nodes a plain disconnectSockets would end the other nodes' sockets too.
    for (const nsp of [io.of('/'), ...io._nsps.values()]) nsp.local.disconnectSockets(true);
  });

  return {
    app,
    io,
    services,
    cluster,
    bridges,
    async listen() {
      await app.listen({ port: config.PORT, host: config.HOST, backlog: LISTEN_BACKLOG });
      const address = app.server.address();
      return typeof address === 'object' && address ? address.port : config.PORT;
    },
    close: () => lifecycle.close(),
  };
}

/** A flush's phases to 0.1 ms, for the slow-flush log line. */
function roundPhases(p: FlushPhases): Record<string, number> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Math.round(v * 10) / 10]));
}
