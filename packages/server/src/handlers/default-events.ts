import { defaultClient as C, defaultServer as S, isStaff } from '@switchboard/protocol';

import { AppError, forbidden } from '../errors';
import { renderSent } from '../realtime/renderers/render-replies';
import { replayToSocket } from '../realtime/replay-to-socket';
import { viewerOf } from '../realtime/viewer-receives';
import type { Services } from '../services';
import { eventDeps } from '../transport/event-deps';
import { onEvents, reply } from '../transport/on-event';
import { applyPrincipal } from '../transport/principal-of';
import type { AppSocket } from '../transport/socket-types';
import { refuse, replayDeps, startSession } from './default-session';
import { type Session, sessionTable, SocketSession } from './session';

/**
 * The client events of the default namespace (the default and portal vocabularies, and the widget's
 * sockets bound to a conversation): parse, authorise through a service, answer. Short on purpose:
 * the rules live in access/ and domain/. One table per server, one listener per socket.
 */
export function registerDefaultEvents(services: Services, socket: AppSocket): void {
  onEvents(eventDeps(services), socket, defaultEvents(services));
}

export type DefaultEvents = ReturnType<typeof buildTable>;
const tables = new WeakMap<Services, DefaultEvents>();

/** The default namespace's table, built once per server; `.caller(session)` runs it without a socket. */
export function defaultEvents(services: Services): DefaultEvents {
  let table = tables.get(services);
  if (!table) tables.set(services, (table = buildTable(services)));
  return table;
}

/** A socket bound to one conversation acts on that one only. */
function bound(session: Session, conversationId: string): void {
  const b = session.boundConversationId;
  if (b && b !== conversationId) throw forbidden('This socket is bound to another conversation');
}

function staffOnly(session: Session): void {
  if (!isStaff(session.actor.role)) throw forbidden('Only staff have agent presence');
}

function buildTable(services: Services) {
  const { conversations, messages, typing, presence } = services;
  return sessionTable(services)
    .on(C.join_conversation, async (session, { conversationId }) => {
      bound(session, conversationId);
      const conversation = await conversations.getReadable(session.actor, conversationId);
      await session.join([{ kind: 'conversation', id: conversation.id }]);
      return { conversationId: conversation.id };
    })
    .on(C.leave_conversation, async (session, { conversationId }) => {
      if (session.boundConversationId) throw forbidden('This socket is bound to its conversation');
      await session.leave([{ kind: 'conversation', id: conversationId }]);
      return { conversationId };
    })
    .on(
      C.send_message,
      async (session, input) => {
        bound(session, input.conversationId);
        return (await messages.send(session.actor, input)).message;
      },
      { reply: renderSent },
    )
    .on(C.typing_start, async (session, { conversationId }) => {
      bound(session, conversationId);
      await typing.start(session.actor, await conversations.getReadable(session.actor, conversationId));
    })
    .on(C.typing_stop, (session, { conversationId }) => typing.stop(session.actor, conversationId))
    .on(C.agent_online, async (session) => {
      staffOnly(session);
      await presence.setStatus(session.actor, 'online');
    })
    .on(C.agent_offline, async (session) => {
      staffOnly(session);
      await presence.setStatus(session.actor, 'offline');
    })
    .on(C.update_conversation_status, (session, { conversationId, status }) =>
      conversations.updateStatus(session.actor, conversationId, status),
    )
    .on(C.assign_conversation, (session, { conversationId, agentId }) => conversations.assign(session.actor, conversationId, agentId))
    .on(C.unassign_conversation, (session, { conversationId }) => conversations.unassign(session.actor, conversationId))
    .on(C.mark_read, (session, { conversationId, messageId }) => {
      bound(session, conversationId);
      return messages.mark(session.actor, conversationId, messageId, 'read');
    })
    .on(C.mark_delivered, (session, { conversationId, messageId }) => {
      bound(session, conversationId);
      return messages.mark(session.actor, conversationId, messageId, 'delivered');
    })
    .on(C.ping, (_session, { timestamp }) => ({ timestamp, serverTime: Date.now() }), { reply: (r) => reply(S.pong, r) })
    .onSocket(
      C.authenticate,
      async (socket, { token }) => {
        if (socket.data.authenticated) return { userId: socket.data.userId };
        applyPrincipal(socket, await services.verify(token));
        try {
          await startSession(services, socket);
        } catch (err) {
          refuse(services, socket, err);
          throw err;
        }
        return { userId: socket.data.userId };
      },
      { beforeAuth: true },
    )
    .onSocket(C.sync, (socket, { since }) => replayToSocket(socket, since, replayDeps(services)))
    .onSocket(
      C['token:update'],
      async (socket, { token }) => {
        const next = await services.verify(token);
        if (next.userId !== socket.data.userId || next.accountId !== socket.data.accountId || next.role !== socket.data.role) {
          throw new AppError('AUTH_TOKEN_INVALID', 'A refreshed token must be for the same user, tenant and role');
        }
        const before = viewerOf(socket);
        // A refreshed token may carry a new name or email (the host minted it after a profile change):
        // stored and announced like a reconnect's claims would be.
        await services.users.ensure(next);
        applyPrincipal(socket, next);
        await new SocketSession(services, socket).follow(before);
        services.tokenLifetimes.watch(socket);
        return { expiresAt: new Date(next.exp * 1000).toISOString() };
      },
      { reply: (r) => reply(S['token:updated'], r) },
    );
}
