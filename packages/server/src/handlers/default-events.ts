import { defaultClient as C, defaultServer as S, isStaff } from '@switchboard/protocol';

import { AppError, forbidden } from '../errors';
import { newMessagePayload } from '../realtime/renderers/render-default';
import { replayToSocket } from '../realtime/replay-to-socket';
import { noteLeft } from '../realtime/room-joins';
import type { Services } from '../services';
import { eventDeps } from '../transport/event-deps';
import { EventTable, onEvents } from '../transport/on-event';
import { applyPrincipal, principalOf } from '../transport/principal-of';
import type { AppSocket } from '../transport/socket-types';
import { watchTokenLifetime } from '../transport/token-lifetime';
import { followTeams, joinRefs, refuse, replayDeps, startSession } from './default-session';

/**
 * The client events of the default namespace (000, 002 and 001's default rows):
 * parse, authorise through a service, answer. Short on purpose: the rules live
 * in access/ and domain/. One table per server, one listener per socket.
 */
export function registerDefaultEvents(services: Services, socket: AppSocket): void {
  onEvents(eventDeps(services), socket, defaultEvents(services));
}

const tables = new WeakMap<Services, EventTable>();

function defaultEvents(services: Services): EventTable {
  let table = tables.get(services);
  if (!table) tables.set(services, (table = buildTable(services)));
  return table;
}

const who = (socket: AppSocket) => principalOf(socket);
const typist = (socket: AppSocket) => ({
  accountId: socket.data.accountId,
  userId: socket.data.userId,
  name: socket.data.name,
  role: socket.data.role,
});
function bound(socket: AppSocket, conversationId: string): void {
  const b = socket.data.boundConversationId;
  if (b && b !== conversationId) throw forbidden('This socket is bound to another conversation');
}

function buildTable(services: Services): EventTable {
  const t = new EventTable();
  t.on(
    C.authenticate,
    async ({ token }, socket) => {
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
  );

  t.on(C.join_conversation, async ({ conversationId }, socket) => {
    bound(socket, conversationId);
    const conversation = await services.conversations.getReadable(who(socket), conversationId);
    await joinRefs(services, socket, [{ kind: 'conversation', id: conversation.id }]);
    if (!socket.data.conversations.includes(conversation.id)) socket.data.conversations.push(conversation.id);
    return { conversationId: conversation.id };
  });

  t.on(C.leave_conversation, async ({ conversationId }, socket) => {
    if (socket.data.boundConversationId) throw forbidden('This socket is bound to its conversation');
    for (const room of socket.rooms) {
      if (!room.endsWith(`:conversation:${conversationId}`)) continue;
      noteLeft(socket, room);
      await socket.leave(room);
    }
    socket.data.conversations = socket.data.conversations.filter((id) => id !== conversationId);
    return { conversationId };
  });

  t.on(C.send_message, async (input, socket) => {
    bound(socket, input.conversationId);
    const { message } = await services.messages.send(who(socket), input);
    // Never rejects (TypingTimerService); not awaited so the sender's ack does not wait on the typing store.
    void services.typing.stop(typist(socket), input.conversationId);
    socket.emit(S.message_sent.name, newMessagePayload(message));
    return message;
  });

  t.on(C.typing_start, async ({ conversationId }, socket) => {
    bound(socket, conversationId);
    const conversation = await services.conversations.getReadable(who(socket), conversationId);
    if (socket.data.role === 'viewer') throw forbidden('Viewers do not type');
    await services.typing.start(typist(socket), conversation.id);
  });

  t.on(C.typing_stop, async ({ conversationId }, socket) => {
    await services.typing.stop(typist(socket), conversationId);
  });

  t.on(C.agent_online, async (_payload, socket) => {
    if (!isStaff(socket.data.role)) throw forbidden('Only staff have agent presence');
    await services.presence.setStatus(typist(socket), 'online');
  });

  t.on(C.agent_offline, async (_payload, socket) => {
    if (!isStaff(socket.data.role)) throw forbidden('Only staff have agent presence');
    await services.presence.setStatus(typist(socket), 'offline');
  });

  t.on(C.update_conversation_status, async ({ conversationId, status }, socket) =>
    services.conversations.updateStatus(who(socket), conversationId, status),
  );
  t.on(C.assign_conversation, async ({ conversationId, agentId }, socket) =>
    services.conversations.assign(who(socket), conversationId, agentId),
  );
  t.on(C.unassign_conversation, async ({ conversationId }, socket) => services.conversations.unassign(who(socket), conversationId));

  t.on(C.mark_read, async ({ conversationId, messageId }, socket) => {
    bound(socket, conversationId);
    return services.messages.mark(who(socket), conversationId, messageId, 'read');
  });
  t.on(C.mark_delivered, async ({ conversationId, messageId }, socket) => {
    bound(socket, conversationId);
    return services.messages.mark(who(socket), conversationId, messageId, 'delivered');
  });

  t.on(C.sync, async ({ since }, socket) => replayToSocket(socket, since, replayDeps(services)));

  t.on(C.ping, async ({ timestamp }, socket) => {
    socket.emit(S.pong.name, { timestamp, serverTime: Date.now() });
    return { timestamp, serverTime: Date.now() };
  });

  t.on(C['token:update'], async ({ token }, socket) => {
    const next = await services.verify(token);
    if (next.userId !== socket.data.userId || next.accountId !== socket.data.accountId || next.role !== socket.data.role) {
      throw new AppError('AUTH_TOKEN_INVALID', 'A refreshed token must be for the same user, tenant and role');
    }
    const teamsBefore = socket.data.teamIds;
    applyPrincipal(socket, next);
    await followTeams(services, socket, teamsBefore);
    watchTokenLifetime(socket, services.config.TOKEN_REFRESH_LEAD_MS);
    const expiresAt = new Date(next.exp * 1000).toISOString();
    socket.emit(S['token:updated'].name, { expiresAt });
    return { expiresAt };
  });
  return t;
}
