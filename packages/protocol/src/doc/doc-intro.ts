import { ERROR_CODES, type ErrorCode, HTTP_STATUS } from '../errors';
import { MAX_MESSAGE_CHARS } from '../ids';
import { NAMESPACES, ROOM_ALIASES, type RoomKind, rooms } from '../rooms';
import { DOC_TYPE_NAMES, DOC_TYPES } from './doc-types';
import { code, table } from './markdown';
import { renderSchema } from './render-schema';

/** Why a client would see each code; kept here so the compiler asks for a line when a code is added. */
const ERROR_MEANINGS: Record<ErrorCode, string> = {
  FORBIDDEN: 'The role or tenant may not do this (another tenant’s room, a viewer writing, a customer elsewhere).',
  NOT_FOUND: 'The conversation, ticket, message or notification does not exist in this tenant.',
  ROOM_NOT_FOUND: 'The room name is not one Switchboard knows.',
  VALIDATION_FAILED: 'The payload does not match the schema; `details.issues` lists path and message.',
  RATE_LIMITED: 'Too many events; slow down and retry later. At the handshake: the server is busy, connect again after `retryAfterMs`.',
  PAYLOAD_TOO_LARGE: `The payload, or a message body over ${MAX_MESSAGE_CHARS} characters, is too large.`,
  AUTH_TOKEN_EXPIRED: 'The token expired: refresh it (token:update, or reconnect with a new one).',
  AUTH_TOKEN_INVALID: 'The token is malformed, badly signed, or has the wrong issuer or audience.',
  MISSING_TOKEN: 'No token at the handshake, or no `authenticate` within LATE_AUTH_MS.',
  INTERNAL: 'Something unexpected failed on the server; it is logged there, never detailed here.',
};

export function introSection(): string {
  return `# Switchboard protocol

Generated from \`packages/protocol\` by \`npm run docs:protocol\`; do not edit by hand.
Every event, payload, room and error code below is read from the catalogue that
the server and the client SDK are compiled against.

## Surfaces

One Socket.IO server (path \`/socket.io\`), several vocabularies. A socket receives
each fact once, in its own vocabulary.

${table(
  ['Surface', 'Namespace', 'How a client gets it', 'Seeds'],
  [
    ['default', code(NAMESPACES.default), 'Connect to `/` (the default).', '000, 002; 001’s `/` rows'],
    [
      'portal',
      code(NAMESPACES.default),
      'Connect to `/` with `auth.dialect = "portal"`, or any socket when the server runs with `DEFAULT_DIALECT=portal`.',
      '004',
    ],
    [
      'widget',
      '`/tenant/{tenantId}/conv/{conversationId}`',
      'Connect to that namespace, or to `/` with handshake query `{ tenantId, conversationId }`; the socket is bound to that one conversation.',
      '003',
    ],
    ['tickets', code(NAMESPACES.tickets), 'Connect to the namespace.', '001'],
    ['chat', code(NAMESPACES.chat), 'Connect to the namespace.', '001'],
    ['notifications', code(NAMESPACES.notifications), 'Connect to the namespace.', '001'],
    ['presence', code(NAMESPACES.presence), 'Connect to the namespace.', '001'],
    ['dashboard', code(NAMESPACES.dashboard), 'Connect to the namespace; admins only.', '001'],
  ],
)}

Every namespace authenticates the same way: a JWT in \`auth.token\` (also accepted:
\`Authorization: Bearer\` header, \`token\` query parameter, or, on \`/\`, a late
\`authenticate\` event when the server allows it). A refused handshake fails with \`connect_error\`
whose \`err.message\` is \`MISSING_TOKEN\`, \`AUTH_TOKEN_INVALID\` or \`AUTH_TOKEN_EXPIRED\`
and whose \`err.data\` is \`{ code, message }\`.
A \`/tenant/{tenantId}/conv/{conversationId}\` namespace is opened only for a token of that
tenant that may read that conversation: otherwise the handshake fails the same way, with
\`FORBIDDEN\` or \`NOT_FOUND\` too. The namespace lives while sockets are connected to it.

During a connection storm (everyone reconnecting after a restart or a network blip) a node
admits handshakes at the rate it serves them: the others on \`/\` and 003's namespaces fail
with \`RATE_LIMITED\` and \`err.data = { code, message, retryAfterMs, details: { retryAfterMs } }\`.
Connect again after \`retryAfterMs\` plus a random part of it (the SDK waits up to half as long
again), so that a thousand clients do not come back on one tick.

## Presence

Presence is state, not history: nothing about it is logged or replayed. A staff socket on \`/\`
gets \`presence_snapshot\` (who is online now, with the status each chose) right after
\`authenticated\`, then changes as \`agent_online\` / \`agent_offline\` (and \`presence:update\` on
\`/presence\` for watched users).

- A user is online while one of its connections is open (tabs and namespaces count once).
- When the last one closes the user stays online for \`PRESENCE_GRACE_MS\` (default 3 s); a
  connection inside that grace is no news, and only a user who stays away longer is announced
  offline, once.
- Changes are coalesced per tenant over \`PRESENCE_COALESCE_MS\` (default 250 ms): each user's
  net change goes out once, and a user who ends the window as it started (online, busy,
  online) is not announced at all.
- A chosen \`offline\` (\`presence:status { status: 'offline' }\`, \`agent_offline\`) means
  "appear offline": everyone reads offline (\`presence:subscribe\`, the snapshot, the
  announcements), across reconnects, until the user chooses another status.

\`\`\`ts
io(url, { auth: { token } });                                  // default vocabulary
io(url, { auth: { token, dialect: 'portal' } });               // 004's vocabulary
io(url, { auth: { token }, query: { tenantId, conversationId } }); // 003's vocabulary
io(\`\${url}/tenant/\${tenantId}/conv/\${conversationId}\`, { auth: { token } });
io(\`\${url}/tickets\`, { auth: { token } });                    // 001's /tickets
\`\`\`

Portal and widget sockets send the default namespace's client events.

## Acknowledgements and errors

Every client event sent with a callback is answered once:

\`\`\`ts
{ ok: true, data?: T }                                          // T: the event's "Ack data"
{ ok: false, error: { code, message, details? } }
\`\`\`

Sent without a callback, a failure arrives as an \`error\` event with the same
\`{ code, message, details? }\`. Codes are a closed set; HTTP answers use the same
codes with these statuses:

${table(
  ['Code', 'HTTP', 'Meaning'],
  ERROR_CODES.map((c) => [code(c), String(HTTP_STATUS[c]), ERROR_MEANINGS[c]]),
)}

A token about to expire is renewed in place: the server sends \`token:refresh\`,
the client answers \`token:update { token }\`, the server confirms with \`token:updated\`.

## Delivery, replay and deduplication

Broadcasts of logged events extend \`Envelope\`: \`seq\` is the event's position in
the tenant's event log and \`eventId\` a stable id. A client that reconnects
re-joins its rooms and asks for what it missed with \`sync { since: lastSeq }\`
(or \`GET /api/updates?since=SEQ\` when it has fallen back to polling), then drops
any event whose \`eventId\` it has already seen.

Replay is paged and bounded. One \`sync\` (or the handshake's \`auth.lastSeq\`) sends at
most \`REPLAY_MAX_PER_SYNC\` events (default 1,000), read \`REPLAY_PAGE_SIZE\` (500) at a
time, and ends with \`sync_complete { lastSeq, replayed, hasMore }\` (also \`sync\`'s ack).
While \`hasMore\`, continue with \`sync { since: lastSeq }\`, after \`retryAfterMs\` when
given: replayed events are paid from the socket's replay budget (\`REPLAY_BUDGET_EVENTS\`
per \`RATE_LIMIT_WINDOW_S\`), and a \`sync\` with the budget spent is \`RATE_LIMITED\` with
\`details.retryAfterMs\`. A socket runs one replay at a time: one more \`sync\` waits its turn, a
third meanwhile is \`RATE_LIMITED\` with \`details.reason: "REPLAY_IN_PROGRESS"\`. A client more than
\`REPLAY_RESYNC_THRESHOLD\` (5,000) visible events behind gets no replay but
\`resync_required { since, lastSeq, threshold }\` and \`sync_complete { resync: true }\`: it
reloads its state over HTTP and continues from \`lastSeq\`. Volatile events (typing) are
dropped, not queued, when a client cannot take them.

## Rooms

A client never names a room on the wire except through the events above; rooms
are listed so that server code, the internal API (\`POST /internal/emit { room }\`)
and readers of the seeds agree. Every room but the tenant's own is prefixed with
its tenant. \`resolveRoom\` reads the canonical name and each seed's spelling
as the same room, only within the caller's tenant: another tenant's \`ws:{id}\` or
\`tenant:{id}:conv:{conversationId}\` is refused.

${table(['Room', 'Canonical name', 'Seeds’ spellings'], roomRows())}

## Types

Payload cells name these types; \`?\` marks a field that may be left out, and
\`= value\` its default. \`string(1..10000)\` and \`Id[1..200]\` are length bounds.

${table(
  ['Type', 'Definition'],
  DOC_TYPES.map((type) => [
    code(type.name),
    (type.definition ?? code(renderSchema(type.schema, { side: 'output', names: DOC_TYPE_NAMES }))) + (type.note ? ` — ${type.note}` : ''),
  ]),
)}
`;
}

function roomRows(): string[][] {
  const kinds = Object.keys(rooms) as RoomKind[];
  return kinds.map((kind) => {
    const build: (tenantId: string, id: string) => string = rooms[kind];
    const placeholder = `{${kind === 'presence' ? 'user' : kind}Id}`;
    const spellings = Object.entries(ROOM_ALIASES)
      .filter(([, alias]) => alias.kind === kind)
      .map(([prefix, alias]) => `${code(kind === 'tenant' ? `${prefix}{tenantId}` : `${prefix}${placeholder}`)} (${alias.seed})`);
    if (kind === 'conversation') spellings.push(`${code('tenant:{tenantId}:conv:{conversationId}')} (003)`);
    return [kind, code(build('{tenantId}', placeholder)), spellings.join(', ') || '—'];
  });
}
