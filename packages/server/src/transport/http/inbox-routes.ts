import { Id, MAX_MESSAGE_CHARS, Note, SearchPage } from '@switchboard/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { Services } from '../../services';
import { requirePrincipal } from './http-auth';
import { ConversationModel } from './openapi/api-models';
import { doc, named } from './openapi/route-doc';
import { parse } from './parse';

const IdParams = z.object({ id: Id });
const ReadBody = z.object({ messageId: Id.optional() });
const SearchQuery = z.object({ q: z.string().trim().min(1).max(200), cursor: z.string().max(64).optional() });
const SearchPageModel = named('SearchPage', SearchPage);
const NoteModel = named('Note', Note);
const NoteBody = z.object({ content: z.string().trim().min(1).max(MAX_MESSAGE_CHARS) });

/** The agents' inbox (issue 16): read positions and search. */
export function inboxRoutes(app: FastifyInstance, services: Services): void {
  const who = (req: Parameters<typeof requirePrincipal>[1]) => requirePrincipal(services.verify, req);

  app.post(
    '/api/conversations/:id/read',
    doc({
      tag: 'Conversations',
      auth: 'bearer',
      summary: 'Mark a conversation read',
      description:
        "Moves the caller's read position up to `messageId`, or to the newest message; it never moves backwards. The socket's `mark_read` moves the same position. Answers the conversation with the caller's new unread count; when the position moved, the caller's own sockets (every tab and device) hear `read_position_changed` with that count.",
      params: IdParams,
      body: ReadBody,
      responses: { 200: { description: 'The conversation with its unread count', schema: ConversationModel } },
    }),
    async (request) => {
      const actor = await who(request);
      const { id } = parse(IdParams, request.params);
      const { messageId } = parse(ReadBody, request.body ?? {});
      return services.inbox.markRead(actor, id, messageId);
    },
  );

  app.get(
    '/api/search',
    doc({
      tag: 'Conversations',
      auth: 'bearer',
      summary: 'Search messages and contacts',
      description:
        'Staff only (customers get 403). Full-text search (web-search syntax: words, "quoted phrases", -not, or) over message text and contact name and email, within the caller\'s tenant; best matches first, 20 a page; pass `nextCursor` back as `cursor`.',
      query: SearchQuery,
      responses: { 200: { description: 'A page of hits', schema: SearchPageModel } },
    }),
    async (request) => {
      const actor = await who(request);
      const { q, cursor } = parse(SearchQuery, request.query);
      return services.inbox.search(actor, q, cursor);
    },
  );

  app.post(
    '/api/conversations/:id/notes',
    doc({
      tag: 'Conversations',
      auth: 'bearer',
      summary: 'Write a private note',
      description:
        'Agents and admins. Staff see the note (live as `note_created` to tenant staff); the customer never does, on any surface.',
      params: IdParams,
      body: NoteBody,
      responses: { 201: { description: 'The stored note', schema: NoteModel } },
    }),
    async (request, reply) => {
      const actor = await who(request);
      const { id } = parse(IdParams, request.params);
      const { content } = parse(NoteBody, request.body ?? {});
      await services.users.ensure(actor);
      return reply.status(201).send(await services.notes.add(actor, id, content));
    },
  );

  app.get(
    '/api/conversations/:id/notes',
    doc({
      tag: 'Conversations',
      auth: 'bearer',
      summary: "Read a conversation's private notes",
      description: 'Staff only (customers get 403). Oldest first.',
      params: IdParams,
      responses: { 200: { description: 'Notes', schema: z.object({ notes: z.array(NoteModel) }) } },
    }),
    async (request) => {
      const actor = await who(request);
      return { notes: await services.notes.list(actor, parse(IdParams, request.params).id) };
    },
  );
}
