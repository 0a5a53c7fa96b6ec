import { chatClient, defaultClient, notificationsClient, presenceClient, ticketsClient } from '@switchboard/protocol';

type ClientEventName =
  | keyof typeof defaultClient
  | keyof typeof chatClient
  | keyof typeof ticketsClient
  | keyof typeof notificationsClient
  | keyof typeof presenceClient;

/** A stored message (a send) costs 1 point; budgets are counted in sends (RATE_LIMIT_POINTS). */
const SEND = 1;
/** A write that changes shared state and is broadcast: status, assignment, presence. */
const CHANGE = 0.5;
/** Typing: broadcast after a database read, small and frequent. */
const SIGNAL = 0.25;
/** Receipts: the SDK sends one per message shown (up to 30 of each kind on opening a conversation), so they stay cheap. */
const RECEIPT = 0.1;
/** Joins, leaves, subscriptions, pings: a dashboard joins dozens at once on load. */
const LIGHT = 0.05;

/**
 * What each client event costs against the socket's, the user's and the tenant's one budget
 * (cluster/rate-limiter.ts). Every client event of the catalogue must be listed (the compiler checks),
 * so a new event cannot slip in unlimited. `sync` is charged its base cost here; replay may charge
 * more by what it sends.
 */
export const EVENT_COSTS: Record<ClientEventName, number> = {
  authenticate: CHANGE,
  join_conversation: LIGHT,
  leave_conversation: LIGHT,
  send_message: SEND,
  typing_start: SIGNAL,
  typing_stop: LIGHT,
  agent_online: CHANGE,
  agent_offline: CHANGE,
  update_conversation_status: SEND,
  assign_conversation: SEND,
  unassign_conversation: SEND,
  mark_read: RECEIPT,
  mark_delivered: RECEIPT,
  sync: SEND,
  ping: LIGHT,
  'token:update': CHANGE,
  'chat:join': LIGHT,
  'chat:leave': LIGHT,
  'chat:message': SEND,
  'chat:typing': SIGNAL,
  'chat:read': RECEIPT,
  'ticket:subscribe': LIGHT,
  'ticket:unsubscribe': LIGHT,
  'ticket:typing': SIGNAL,
  'ticket:stopTyping': LIGHT,
  'notification:markRead': RECEIPT,
  'notification:markAllRead': CHANGE,
  'presence:status': CHANGE,
  'presence:subscribe': SIGNAL,
  'presence:unsubscribe': LIGHT,
};

/** An event missing from the table (a surface added without a cost) is charged as a send. */
export function eventCost(name: string): number {
  return (EVENT_COSTS as Record<string, number>)[name] ?? SEND;
}

/**
 * HTTP write routes (POST, PUT, PATCH, DELETE under /api) by Fastify's route pattern. Unlisted
 * write routes cost a send. Knowledge items cost more: they are large and indexed.
 */
const ROUTE_COSTS: Record<string, number> = {
  'POST /api/conversations': SEND,
  'POST /api/conversations/:id/messages': SEND,
  'POST /api/tickets': SEND,
  'PATCH /api/tickets/:id': SEND,
  'POST /api/tickets/:id/assign': SEND,
  'PATCH /api/ai/settings': SEND,
  'POST /api/ai/agents': SEND,
  'PATCH /api/ai/agents/:id': SEND,
  'POST /api/ai/knowledge': 2 * SEND,
  'PATCH /api/ai/knowledge/:id': 2 * SEND,
  'DELETE /api/ai/knowledge/:id': SEND,
  'POST /api/credits/topup': SEND,
  // Up to 10 MB each, written to the attachment store.
  'POST /api/conversations/:id/attachments': 5 * SEND,
};

export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function routeCost(method: string, routeUrl: string): number {
  return ROUTE_COSTS[`${method} ${routeUrl}`] ?? SEND;
}

/**
 * Events that are not queued behind their tenant's writes (cluster/tenant-gate.ts): `sync` writes
 * nothing, runs one at a time per socket, pays replay's own budget and yields between pages, and a
 * queued replay would turn "one more is refused" into "one more waits behind the tenant's writes".
 * Message sends go to the write pipeline (domain/group-commit.ts), which already writes a tenant's
 * concurrent sends as one flush at a time; holding them to a few at once would only split one flush
 * into many and take away the batching that makes a busy tenant cheap.
 * An upload streams for as long as the customer's connection takes: holding one of its tenant's few
 * turns for that long would stall every agent's writes behind one slow phone.
 */
const UNGATED = new Set<string>([
  'sync',
  'send_message',
  'chat:message',
  'POST /api/conversations/:id/messages',
  'POST /api/conversations/:id/attachments',
]);

/** Whether an event name, or an HTTP route as `METHOD /url`, waits its turn at the tenant gate. */
export function tenantGated(name: string): boolean {
  return !UNGATED.has(name);
}
