import { Attachment, Id, MAX_ATTACHMENT_BYTES } from '@switchboard/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import { ATTACHMENT_TYPES } from '../../domain/attachment-rules';
import type { Services } from '../../services';
import { requirePrincipal } from './http-auth';
import { doc, named } from './openapi/route-doc';
import { parse } from './parse';

const IdParams = z.object({ id: Id });
const UploadQuery = z.object({ name: z.string().max(300).optional() });
const AttachmentModel = named('Attachment', Attachment);

/**
 * Attachments (issue 16). The upload is the raw bytes as the body, its type as Content-Type: no
 * multipart parsing, and the body is streamed to the store through a size guard rather than
 * buffered, so a 10 MB file never sits in memory and a larger one is cut off at 10 MB.
 */
export async function attachmentRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const who = async (req: Parameters<typeof requirePrincipal>[1]) => {
    const actor = await requirePrincipal(services.verify, req);
    await services.users.ensure(actor);
    return actor;
  };

  await app.register(async (scope) => {
    // In this scope only: any body is left unread for the handler to stream (the JSON parser and its
    // 64 kB limit stay on every other route).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

    scope.post(
      '/api/conversations/:id/attachments',
      doc({
        tag: 'Attachments',
        auth: 'bearer',
        summary: 'Upload an attachment',
        description:
          `Anyone who may write to the conversation (not viewers). The body is the file itself, its type as Content-Type (an allowlist: images are ${Object.keys(
            ATTACHMENT_TYPES,
          )
            .filter((t) => t.startsWith('image/'))
            .join(', ')}; the rest are documents); \`name\` is the file name to show. ` +
          `At most ${MAX_ATTACHMENT_BYTES / (1024 * 1024)} MB: a larger Content-Length is refused before reading, and a body that runs past the limit is cut off with 413 and the connection closed. ` +
          'An image must start like one. Send the returned id in `attachmentIds` of a message to share it.',
        params: IdParams,
        query: UploadQuery,
        binaryBody: { contentTypes: Object.keys(ATTACHMENT_TYPES), description: 'The file' },
        responses: { 201: { description: 'The stored attachment', schema: AttachmentModel } },
      }),
      async (request, reply) => {
        try {
          const actor = await who(request);
          const { id } = parse(IdParams, request.params);
          const { name } = parse(UploadQuery, request.query);
          const length = request.headers['content-length'];
          const attachment = await services.attachments.upload(
            actor,
            id,
            { contentType: request.headers['content-type'], name, declaredBytes: length === undefined ? undefined : Number(length) },
            request.raw,
          );
          return await reply.status(201).send(attachment);
        } catch (err) {
          // The rest of the body is not wanted: answer, then close rather than read it to its end.
          if (!request.raw.complete) {
            reply.header('connection', 'close');
            reply.raw.once('finish', () => request.raw.destroy());
          }
          throw err;
        }
      },
    );
  });

  app.get(
    '/api/attachments/:id',
    doc({
      tag: 'Attachments',
      auth: 'bearer',
      summary: 'Download an attachment',
      description:
        "For whoever may read the attachment's conversation: another tenant gets 404, another customer 403. Images are served inline, other files as a download (Content-Disposition: attachment), always with `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy.",
      params: IdParams,
      responses: { 200: { description: 'The file, as its stored content type', contentType: 'application/octet-stream' } },
    }),
    async (request, reply) => {
      const actor = await who(request);
      const { attachment, body } = await services.attachments.open(actor, parse(IdParams, request.params).id);
      const disposition = attachment.kind === 'image' ? 'inline' : 'attachment';
      return reply
        .header('content-type', attachment.contentType)
        .header('content-length', String(attachment.size))
        .header('content-disposition', `${disposition}; ${dispositionFileName(attachment.name)}`)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, max-age=3600')
        .send(body);
    },
  );
}

/** `filename` for old clients (ASCII, quoted) and `filename*` (RFC 5987) for the real name. */
function dispositionFileName(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
