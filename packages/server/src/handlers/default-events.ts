import type { z } from 'zod';
import { defaultClient as C, defaultServer as S, isStaff, type EventDef } from '@switchboard/protocol';
import { AppError, forbidden } from '../errors';
import { replayToSocket } from '../realtime/replay-to-socket';
import { noteLeft } from '../realtime/room-joins';
import { newMessagePayload } from '../realtime/render-default';
import type { Services } from '../services';
import { eventDeps } from '../transport/event-deps';
import { onEvent, type EventHandler } from '../transport/on-event';
import { applyPrincipal, principalOf } from '../transport/principal-of';
import type { AppSocket } from '../transport/socket-types';
import { watchTokenLifetime } from '../transport/token-lifetime';
import { joinRefs, refuse, replayDeps, startSession } from './default-session';

/**
 * The client events of the default namespace (000, 002 and 001's default rows):
 * parse, authorise through a service, answer. Short on purpose: the rules live
 * in access/ and domain/.
 */
export function registerDefaultEvents(services: Services, socket: AppSocket): void {
  const deps = eventDeps(services);
  const on = <S extends z.ZodType>(def: EventDef<string, S>, handler: EventHandler<S>, beforeAuth = false) =>
    onEvent(deps, socket, def, handler, { beforeAuth });
  const who = () => principalOf(socket);
  const typist = () => ({ accountId: socket.data.accountId, userId: socket.data.userId, name: socket.data.name, role: socket.data.role });
  const bound = (conversationId: string) => {
    const b = socket.data.boundConversationId;
    if (b && b !== conversationId) throw forbidden('This socket is bound to another conversation');
  };

  on(C.authenticate, async ({ token }) => {
    if (socket.data.authenticated) return { userId: socket.data.userId };
    applyPrincipal(socket, await services.verify(token));
    try {
      await startSession(services, socket);
    } catch (err) {
      refuse(services, socket, err);
      throw err;
    }
    return { userId: socket.data.userId };
  }, true);

  on(C.join_conversation, async ({ conversationId }) => {
    bound(conversationId);
    const conversation = await services.conversations.getReadable(who(), conversationId);
    await joinRefs(services, socket, [{ kind: 'conversation', id: conversation.id }]);
    if (!socket.data.conversations.includes(conversation.id)) socket.data.conversations.push(conversation.id);
    return { conversationId: conversation.id };
  });

  on(C.leave_conversation, async ({ conversationId }) => {
    if (socket.data.boundConversationId) throw forbidden('This socket is bound to its conversation');
    for (const room of socket.rooms) {
      if (!room.endsWith(`:conversation:${conversationId}`)) continue;
      noteLeft(socket, room);
      await socket.leave(room);
    }
    socket.data.conversations = socket.data.conversations.filter((id) => id !== conversationId);
    return { conversationId };
  });

  on(C.send_message, async (input) => {
    bound(input.conversationId);
    const { message } = await services.messages.send(who(), input);
    services.typing.stop(typist(), input.conversationId);
    socket.emit(S.message_sent.name, newMessagePayload(message));
    return message;
  });

  on(C.typing_start, async ({ conversationId }) => {
    bound(conversationId);
    const conversation = await services.conversations.getReadable(who(), conversationId);
    if (socket.data.role === 'viewer') throw forbidden('Viewers do not type');
    await services.typing.start(typist(), conversation.id);
  });

  on(C.typing_stop, async ({ conversationId }) => {
    await services.typing.stop(typist(), conversationId);
  });

  on(C.agent_online, async () => {
    if (!isStaff(socket.data.role)) throw forbidden('Only staff have agent presence');
    await services.presence.setStatus(typist(), 'online');
  });

  on(C.agent_offline, async () => {
    if (!isStaff(socket.data.role)) throw forbidden('Only staff have agent presence');
    await services.presence.setStatus(typist(), 'offline');
  });

  on(C.update_conversation_status, async ({ conversationId, status }) => services.conversations.updateStatus(who(), conversationId, status));
  on(C.assign_conversation, async ({ conversationId, agentId }) => services.conversations.assign(who(), conversationId, agentId));
  on(C.unassign_conversation, async ({ conversationId }) => services.conversations.unassign(who(), conversationId));

  on(C.mark_read, async ({ conversationId, messageId }) => {
    bound(conversationId);
    return services.messages.mark(who(), conversationId, messageId, 'read');
  });
  on(C.mark_delivered, async ({ conversationId, messageId }) => {
    bound(conversationId);
    return services.messages.mark(who(), conversationId, messageId, 'delivered');
  });

  on(C.sync, async ({ since }) => replayToSocket(socket, since, replayDeps(services)));

  on(C.ping, async ({ timestamp }) => {
    socket.emit(S.pong.name, { timestamp, serverTime: Date.now() });
    return { timestamp, serverTime: Date.now() };
  });

  on(C['token:update'], async ({ token }) => {
    const next = await services.verify(token);
    if (next.userId !== socket.data.userId || next.accountId !== socket.data.accountId || next.role !== socket.data.role) {
      throw new AppError('AUTH_TOKEN_INVALID', 'A refreshed token must be for the same user, tenant and role');
    }
    applyPrincipal(socket, next);
    watchTokenLifetime(socket, services.config.TOKEN_REFRESH_LEAD_MS);
    const expiresAt = new Date(next.exp * 1000).toISOString();
    socket.emit(S['token:updated'].name, { expiresAt });
    return { expiresAt };
  });
}
