import { defaultServer as S, isStaff, WIDGET_NAMESPACE } from '@switchboard/protocol';

import { AppError, toErrorPayload } from '../errors';
import { type ReplayDeps, replayToSocket } from '../realtime/replay-to-socket';
import type { Services } from '../services';
import { principalOf } from '../transport/principal-of';
import type { AppSocket } from '../transport/socket-types';
import { SocketSession } from './session';

/** Sockets counted in the connection metrics, so only those are counted out. */
const counted = new WeakSet<AppSocket>();

/**
 * Everything that follows authentication on the default namespace and on the
 * widget's conversation namespaces: the user row, rooms, presence, token lifetime, `authenticated`,
 * and the replay of what a reconnecting client missed.
 */
export async function startSession(services: Services, socket: AppSocket): Promise<void> {
  const d = socket.data;
  const principal = principalOf(socket);
  const since = (socket.handshake.auth as { lastSeq?: unknown } | undefined)?.lastSeq;
  const resumeFrom = !socket.recovered && typeof since === 'number' && Number.isInteger(since) && since >= 0 ? since : null;
  // Before the socket joins any room: from then on it must not get live what it says it has.
  if (resumeFrom !== null) services.broadcaster.resumes.note(d.accountId, socket.id, resumeFrom);
  await services.users.ensure(principal);

  const bound = boundConversation(socket);
  if (bound) {
    if (bound.tenantId !== d.accountId) throw new AppError('FORBIDDEN', 'This conversation belongs to another tenant');
    const conversation = await services.conversations.getReadable(principal, bound.conversationId);
    d.dialect = 'widget';
    d.boundConversationId = conversation.id;
    d.conversations = [conversation.id];
  }
  // A recovered socket is back in its rooms already.
  if (!socket.recovered) await new SocketSession(services, socket).joinOwnRooms();

  await services.presence.connected(principal, socket.id);
  services.tokenLifetimes.watch(socket);
  services.metrics.connectionOpened(d.accountId);
  counted.add(socket);

  const lastSeq = await services.replay.lastSeq(d.accountId);
  socket.emit(S.authenticated.name, {
    userId: d.userId,
    accountId: d.accountId,
    email: d.email,
    name: d.name,
    role: d.role,
    teamIds: d.teamIds,
    lastSeq,
  });

  // Presence is state: a new staff connection learns who is online now, once, rather than from history.
  const statuses = isStaff(d.role) && !bound ? await services.presence.snapshot(d.accountId) : null;
  if (statuses) socket.emit(S.presence_snapshot.name, { accountId: d.accountId, statuses });

  if (resumeFrom !== null) {
    // The same bounds as `sync`; a spent budget is no reason to refuse the session: the client continues later.
    await replayToSocket(socket, resumeFrom, replayDeps(services)).catch((err: unknown) => {
      if (!(err instanceof AppError && err.code === 'RATE_LIMITED')) throw err;
      socket.emit(S.sync_complete.name, {
        lastSeq: resumeFrom,
        replayed: 0,
        hasMore: true,
        retryAfterMs: Number(err.details?.retryAfterMs ?? 0),
      });
    });
  }
}

/** What replay needs from the services, with the configured bounds. */
export function replayDeps(services: Services): ReplayDeps {
  const c = services.config;
  return {
    replay: services.replay,
    broadcaster: services.broadcaster,
    budget: services.replayBudget,
    limits: { pageSize: c.REPLAY_PAGE_SIZE, maxPerSync: c.REPLAY_MAX_PER_SYNC, resyncThreshold: c.REPLAY_RESYNC_THRESHOLD },
  };
}

export async function endSession(services: Services, socket: AppSocket): Promise<void> {
  services.tokenLifetimes.clear(socket);
  const d = socket.data;
  if (!d.authenticated) return;
  // A session refused half-way (a widget's conversation check) was never counted.
  if (counted.delete(socket)) services.metrics.connectionClosed(d.accountId);
  services.broadcaster.resumes.forget(d.accountId, socket.id);
  const actor = principalOf(socket);
  void services.typing.stopAll(actor);
  await services.presence.disconnected(actor, socket.id);
}

/** Ends a socket whose session could not start, telling it why. */
export function refuse(services: Services, socket: AppSocket, err: unknown): void {
  socket.emit(S.error.name, toErrorPayload(err, services.log, 'session'));
  socket.disconnect();
}

function boundConversation(socket: AppSocket): { tenantId: string; conversationId: string } | null {
  const match = WIDGET_NAMESPACE.exec(socket.nsp.name);
  if (match) return { tenantId: match[1] as string, conversationId: match[2] as string };
  const q = socket.handshake.query;
  if (socket.nsp.name === '/' && typeof q.tenantId === 'string' && typeof q.conversationId === 'string') {
    return { tenantId: q.tenantId, conversationId: q.conversationId };
  }
  return null;
}
