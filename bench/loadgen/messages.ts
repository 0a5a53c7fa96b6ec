/**
 * The conversation between the orchestrator (bench/run.ts) and a load generator
 * process (bench/loadgen/main.ts) over Node's IPC channel. Each command is one
 * request and one reply; `mark` messages fire at the edges of a measured window
 * so the orchestrator can read both processes' CPU time exactly then.
 */

/**
 * - `eio-lite`: a `ws` client that speaks just enough Engine.IO 4 / Socket.IO 5
 *   (open, CONNECT with auth, ping/pong, EVENT) and does not decode events: it finds
 *   the broadcast's sequence number in the raw frame. The cheapest correct client.
 * - `socket.io-client`: the real client, websocket transport only, one Manager each.
 * - `ws`: a bare WebSocket with the token in the URL (the raw-ws baseline).
 */
export type ClientKind = 'eio-lite' | 'socket.io-client' | 'ws';

export interface ConnectSpec {
  /** Clients are spread over these round-robin (several nodes of one server). */
  baseUrls: string[];
  kind: ClientKind;
  count: number;
  concurrency: number;
  timeoutMs: number;
  jwtSecret: string;
  tenantId: string;
  extraClaims: Record<string, unknown>;
  /** Number of the first client (its `sub` is bench-agent-N); several load generators take disjoint ranges. Default 1. */
  firstIndex?: number;
  /**
   * Spread the clients over tenants of this many clients each (`{tenantId}-1`, `{tenantId}-2`, …, by
   * client number); extra claims whose value is `tenantId` follow the client's tenant. Default: one tenant.
   */
  clientsPerTenant?: number;
  /**
   * Connect from this source address (127.0.0.2, …; all of 127/8 is loopback on Linux). Towards one
   * server address and port, each source address has its own ~28,000 local ports, so several load
   * generators with distinct addresses can hold more connections than one address allows. Default: the
   * system's choice (127.0.0.1). Not supported by the socket.io-client kind.
   */
  localAddress?: string;
}

export interface ConnectResult {
  connected: number;
  failed: number;
  elapsedMs: number;
  /** Distinct failure messages with their counts. */
  errors: Record<string, number>;
}

export interface FanoutSpec {
  label: string;
  url: string;
  headers: Record<string, string>;
  envelope: Record<string, unknown>;
  payloadBytes: number;
  durationMs: number;
  /** Broadcasts posted but not yet received by every client, at most. */
  inflight: number;
  /** After the window, how long to wait for outstanding broadcasts. */
  drainMs: number;
  /** A broadcast not complete after this long frees its slot (and counts as lost unless it completes later). */
  stallMs: number;
  /** Send `mark` messages for this round. */
  marks: boolean;
}

export interface FanoutResult {
  label: string;
  clients: number;
  elapsedMs: number;
  /** Deliveries received inside the window. */
  deliveries: number;
  deliveriesPerSec: number;
  /** Broadcasts completed (received by every client) inside the window, per second. */
  broadcastsPerSec: number;
  broadcastsSent: number;
  httpErrors: number;
  /** After draining: expected minus received, over the broadcasts the server accepted. */
  lost: number;
  /** Deliveries beyond one per client per broadcast, or out of order. */
  duplicates: number;
  stalled: number;
  /** Time from posting a broadcast to its last delivery, ms. */
  completionP50Ms: number | null;
  completionP99Ms: number | null;
  /** Clients whose connection closed during the round. */
  disconnects: number;
}

/** How a chat server is driven: Switchboard's contract, or seed 000's bare handlers. */
export interface ChatProfile {
  /** `http`: the group's sender creates the conversation with `POST /api/conversations`; `local`: any id will do. */
  conversations: 'http' | 'local';
  /** `object`: `join_conversation { conversationId }`; `id`: `join_conversation(conversationId)` as seed 000 writes it. */
  joinPayload: 'object' | 'id';
}

/** Chat groups: each a sender and `members` listeners in one conversation of one tenant. */
export interface ChatConnectSpec {
  /** Sockets are spread over these round-robin, so a group's members sit on different nodes when there are several. */
  baseUrls: string[];
  groups: Array<{ tenantId: string; extraClaims: Record<string, unknown> }>;
  members: number;
  profile: ChatProfile;
  concurrency: number;
  timeoutMs: number;
  jwtSecret: string;
}

export interface ChatRoundSpec {
  label: string;
  /** Messages per second over all groups, sent open-loop (on schedule, whatever the replies). */
  ratePerSec: number;
  durationMs: number;
  /** After the window, how long to wait for outstanding deliveries. */
  drainMs: number;
  /** Characters of message content. */
  contentChars: number;
  marks: boolean;
}

export interface ChatRoundResult {
  label: string;
  sent: number;
  /** Messages sent per second over the window (the schedule kept, or not). */
  sentPerSec: number;
  acked: number;
  /** Sends answered with an error, by error code. */
  refused: Record<string, number>;
  /** Sends with no answer after draining. */
  unanswered: number;
  /** Member deliveries over messages sent in the window. */
  deliveries: number;
  /** Member deliveries missing after draining, over acked messages. */
  lost: number;
  duplicates: number;
  /** Send to delivery at a member, ms, over every delivery of a message sent in the window. */
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  latencyMaxMs: number | null;
  /** Send to the sender's ack, ms. */
  ackP50Ms: number | null;
  ackP99Ms: number | null;
  disconnects: number;
}

export interface IngestRoundSpec {
  label: string;
  durationMs: number;
  /** Sends each group's sender keeps in flight: the next goes when one is answered (closed loop). */
  window: number;
  drainMs: number;
  contentChars: number;
  marks: boolean;
}

export interface IngestRoundResult {
  label: string;
  elapsedMs: number;
  sent: number;
  /** Sends answered ok inside the window: for Switchboard, committed. */
  acked: number;
  ackedPerSec: number;
  refused: Record<string, number>;
  /** Sends with no answer after draining. */
  unanswered: number;
  /** Member deliveries missing after draining, over acked messages, and deliveries beyond one. */
  lost: number;
  duplicates: number;
  ackP50Ms: number | null;
  ackP99Ms: number | null;
}

/** A connection storm: every client of one tenant handshakes at once (see loadgen/storm-clients.ts). */
export interface StormSpec {
  /** `connect`: open `count` clients at once; `reconnect`: drop the open ones, all at once, and open them again at once. */
  phase: 'connect' | 'reconnect';
  baseUrls: string[];
  count: number;
  jwtSecret: string;
  tenantId: string;
  extraClaims: Record<string, unknown>;
  /** The server event that says the session is ready (Switchboard's `authenticated`); null: the Socket.IO `connect`. */
  readyEvent: string | null;
  /** One attempt's budget (socket.io-client's `timeout`, which applies per attempt), ms. */
  timeoutMs: number;
  /** The whole budget of one client, come-back-later waits included, from the storm's start, ms. */
  giveUpMs: number;
}

export interface StormResult {
  phase: StormSpec['phase'];
  connected: number;
  failed: number;
  /** Handshakes the server refused with RATE_LIMITED and the client retried after retryAfterMs (not failures). */
  refusals: number;
  /**
   * The load generator's own worst event-loop delay during the phase, ms: a client's timeout and the
   * server's answer both wait behind it, so a large one says the load generator, not the server, was
   * the bottleneck (each arriving agent is announced to every client already there: n² frames to read).
   */
  loadgenLagMs: number;
  /** From the first attempt to the last client ready (or given up), ms. */
  elapsedMs: number;
  /** Time to ready per client, ms. */
  p50Ms: number | null;
  p99Ms: number | null;
  /** Distinct failure messages with their counts. */
  errors: Record<string, number>;
}

export interface LoadgenCommands {
  storm: { spec: StormSpec; result: StormResult };
  connect: { spec: ConnectSpec; result: ConnectResult };
  fanout: { spec: FanoutSpec; result: FanoutResult };
  chatConnect: { spec: ChatConnectSpec; result: ConnectResult };
  chatRound: { spec: ChatRoundSpec; result: ChatRoundResult };
  ingestRound: { spec: IngestRoundSpec; result: IngestRoundResult };
  disconnect: { spec: Record<string, never>; result: { closed: number } };
}
export type LoadgenCommand = keyof LoadgenCommands;

export interface LoadgenRequest<K extends LoadgenCommand = LoadgenCommand> {
  type: 'request';
  id: number;
  command: K;
  spec: LoadgenCommands[K]['spec'];
}

export type LoadgenMessage =
  | { type: 'ready'; bufferutil: string }
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: string }
  | { type: 'mark'; label: string; phase: 'start' | 'end' };
