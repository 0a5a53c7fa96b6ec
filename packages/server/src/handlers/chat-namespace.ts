import { chatClient as C, type UserSummary } from '@switchboard/protocol';

import { can } from '../access/policy';
import { forbidden } from '../errors';
import type { Services } from '../services';
import type { AppIo, AppNamespace, AppSocket } from '../transport/socket-types';
import { actorOf, asRoom, eventsOf, joinRooms, leaveRooms, openNamespace, roomOf } from './namespace-session';

/**
 * 001's `/chat`: the same conversations and messages as the default namespace
 * (a `chat:message` is a `send_message`: one row, heard on every surface), in
 * 001's words, plus who is in a conversation right now (`chat:online`).
 */
export function attachChatNamespace(services: Services, io: AppIo): void {
  const nsp = openNamespace(services, io, 'chat');
  nsp.on('connection', (socket: AppSocket) => {
    const on = eventsOf(services, socket);
    const who = () => actorOf(socket);
    const typist = () => ({ accountId: socket.data.accountId, userId: socket.data.userId, name: socket.data.name, role: socket.data.role });

    on(C['chat:join'], async ({ conversationId }) => {
      const conversation = await asRoom(services.conversations.getReadable(who(), conversationId));
      await joinRooms(socket, 'chat', [{ kind: 'conversation', id: conversation.id }]);
      if (!socket.data.conversations.includes(conversation.id)) socket.data.conversations.push(conversation.id);
      await announceOnline(services, nsp, socket.data.accountId, conversation.id);
      return conversation;
    });

    on(C['chat:leave'], async ({ conversationId }) => {
      if (!socket.data.conversations.includes(conversationId)) return;
      await leaveRooms(socket, 'chat', [{ kind: 'conversation', id: conversationId }]);
      socket.data.conversations = socket.data.conversations.filter((id) => id !== conversationId);
      await announceOnline(services, nsp, socket.data.accountId, conversationId);
    });

    on(C['chat:message'], async ({ conversationId, content, type, clientMessageId }) => {
      const { message } = await services.messages.send(who(), { conversationId, content, contentType: type, clientMessageId });
      // Never rejects (TypingTimerService); not awaited so the sender's ack does not wait on the typing store.
      void services.typing.stop(typist(), conversationId);
      return message;
    });

    on(C['chat:typing'], async ({ conversationId, isTyping }) => {
      if (!isTyping) return services.typing.stop(typist(), conversationId);
      const conversation = await asRoom(services.conversations.getReadable(who(), conversationId));
      if (!can.writeToConversation(who(), conversation)) throw forbidden('Viewers do not type');
      await services.typing.start(typist(), conversation.id);
    });

    on(C['chat:read'], async ({ conversationId, messageId }) => {
      await services.messages.mark(who(), conversationId, messageId, 'read');
    });

    socket.on('disconnect', () => {
      void services.typing.stopAll(typist());
      for (const id of socket.data.conversations) {
        announceOnline(services, nsp, socket.data.accountId, id).catch((err) => services.log.warn({ err }, 'chat:online failed'));
      }
    });
  });
}

/** Tells a conversation's room who is in it on `/chat` now, across nodes (fetchSockets asks the adapter). */
async function announceOnline(services: Services, nsp: AppNamespace, accountId: string, conversationId: string): Promise<void> {
  const sockets = await nsp.in(roomOf(accountId, 'chat', { kind: 'conversation', id: conversationId })).fetchSockets();
  const users = new Map<string, UserSummary>();
  for (const s of sockets) users.set(s.data.userId, { id: s.data.userId, name: s.data.name, email: s.data.email, role: s.data.role });
  services.broadcaster.signal({ type: 'chat.online', accountId, conversationId, users: [...users.values()] });
}
