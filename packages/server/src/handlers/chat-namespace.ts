import { chatClient as C } from '@switchboard/protocol';

import type { Services } from '../services';
import type { AppIo, AppSocket } from '../transport/socket-types';
import { asRoom, openNamespace } from './namespace-session';
import { type Session, sessionTable, SocketSession } from './session';

/**
 * `/chat`: the same conversations and messages as the default namespace (a
 * `chat:message` is a `send_message`: one row, heard on every surface), in the
 * `/chat` vocabulary, plus who is in a conversation right now (`chat:online`).
 */
export function attachChatNamespace(services: Services, io: AppIo): void {
  const table = chatEvents(services);
  const nsp = openNamespace(services, io, 'chat', table);
  nsp.on('connection', (socket: AppSocket) => {
    socket.on('disconnect', () => {
      void services.typing.stopAll(socket.data);
      const session = new SocketSession(services, socket);
      for (const id of socket.data.conversations) {
        announceOnline(services, session, id).catch((err) => services.log.warn({ err }, 'chat:online failed'));
      }
    });
  });
}

export type ChatEvents = ReturnType<typeof chatEvents>;

/** `/chat`'s client events; `.caller(session)` runs them without a socket. */
export function chatEvents(services: Services) {
  const { conversations, messages, typing } = services;
  return sessionTable(services)
    .on(C['chat:join'], async (session, { conversationId }) => {
      const conversation = await asRoom(conversations.getReadable(session.actor, conversationId));
      await session.join([{ kind: 'conversation', id: conversation.id }]);
      await announceOnline(services, session, conversation.id);
      return conversation;
    })
    .on(C['chat:leave'], async (session, { conversationId }) => {
      const room = { kind: 'conversation', id: conversationId } as const;
      if (!session.isIn(room)) return;
      await session.leave([room]);
      await announceOnline(services, session, conversationId);
    })
    .on(
      C['chat:message'],
      async (session, { conversationId, content, type, clientMessageId }) =>
        (await messages.send(session.actor, { conversationId, content, contentType: type, clientMessageId })).message,
    )
    .on(C['chat:typing'], async (session, { conversationId, isTyping }) => {
      if (!isTyping) return typing.stop(session.actor, conversationId);
      await typing.start(session.actor, await asRoom(conversations.getReadable(session.actor, conversationId)));
    })
    .on(C['chat:read'], async (session, { conversationId, messageId }) => {
      await messages.mark(session.actor, conversationId, messageId, 'read');
    });
}

/** Tells a conversation's room who is in it on `/chat` now, across nodes. */
async function announceOnline(services: Services, session: Session, conversationId: string): Promise<void> {
  const users = await session.members({ kind: 'conversation', id: conversationId });
  services.broadcaster.signal({ type: 'chat.online', accountId: session.actor.accountId, conversationId, users });
}
