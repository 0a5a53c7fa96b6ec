import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { defaultServer as S, MAX_ATTACHMENT_BYTES } from '@switchboard/protocol';
import { afterAll, expect, it } from 'vitest';

import { ask, nextEvent } from '../support/events';
import { forEachServer, type ServerContext } from '../support/server';

/** A real 1x1 PNG. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f1a2e30000000049454e44ae426082',
  'hex',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

async function upload(t: ServerContext, token: string, conversationId: string, body: Buffer, type: string, name = 'file') {
  const res = await fetch(t.url(`/api/conversations/${conversationId}/attachments?name=${encodeURIComponent(name)}`), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: new Uint8Array(body),
  });
  return { status: res.status, body: await res.json() };
}

async function download(t: ServerContext, token: string | null, id: string) {
  const res = await fetch(t.url(`/api/attachments/${id}`), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/**
 * Sends an endless body without a Content-Length, as fast as the server reads it, until an answer
 * arrives: a server that enforced the limit only after reading would never answer.
 */
function endlessUpload(t: ServerContext, token: string, conversationId: string): Promise<{ status: number; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest(t.url(`/api/conversations/${conversationId}/attachments?name=big.pdf`), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/pdf', 'transfer-encoding': 'chunked' },
    });
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const pump = () => {
      while (!answered && sent < 50 * MAX_ATTACHMENT_BYTES) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
    };
    req.on('response', (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode ?? 0, sent });
      req.destroy();
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    pump();
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'sb-attach-test-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

forEachServer(
  'attachments: uploaded, referenced by messages, served only to readers of the conversation',
  (t) => {
    const people = async (account: string) => ({
      customer: await t.token({ sub: 'maria', accountId: account, role: 'customer', name: 'Maria Garcia' }),
      other: await t.token({ sub: 'john', accountId: account, role: 'customer', name: 'John Smith' }),
      agent: await t.token({ sub: 'alex', accountId: account, role: 'agent', name: 'Alex' }),
      viewer: await t.token({ sub: 'vic', accountId: account, role: 'viewer' }),
    });

    it('a customer sends an image; staff receive it live and download it; another customer and another tenant cannot', async () => {
      const acme = await people('att-acme');
      const globex = await people('att-globex');
      const conv = (await t.http('POST', '/api/conversations', { token: acme.customer, body: {} })).body;
      const staff = await t.connect({ token: acme.agent });

      const up = await upload(t, acme.customer, conv.id, PNG, 'image/png', 'screen shot.png');
      expect(up.status).toBe(201);
      expect(up.body).toMatchObject({
        name: 'screen shot.png',
        contentType: 'image/png',
        size: PNG.length,
        kind: 'image',
        uploaderId: 'maria',
      });

      const live = nextEvent(staff, S.user_message.name, (p) => p.conversationId === conv.id);
      const sent = await t.http('POST', `/api/conversations/${conv.id}/messages`, {
        token: acme.customer,
        body: { content: 'screen shot.png', attachmentIds: [up.body.id] },
      });
      expect(sent.status).toBe(201);
      const ref = { id: up.body.id, name: 'screen shot.png', contentType: 'image/png', size: PNG.length, kind: 'image' };
      expect(sent.body).toMatchObject({ contentType: 'image', attachments: [ref] });
      expect((await live).message.attachments).toEqual([ref]);
      const history = (await t.http('GET', `/api/conversations/${conv.id}/messages`, { token: acme.agent })).body.messages;
      expect(history.at(-1).attachments).toEqual([ref]);

      const got = await download(t, acme.agent, up.body.id);
      expect(got.status).toBe(200);
      expect(got.bytes.equals(PNG)).toBe(true);
      expect(got.headers.get('content-type')).toBe('image/png');
      expect(got.headers.get('content-disposition')).toMatch(/^inline; filename="screen shot.png"/);
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await download(t, acme.customer, up.body.id)).status).toBe(200);

      expect((await download(t, acme.other, up.body.id)).status).toBe(403);
      expect((await download(t, globex.agent, up.body.id)).status).toBe(404);
      expect((await download(t, globex.customer, up.body.id)).status).toBe(404);
      expect((await download(t, null, up.body.id)).status).toBe(401);
      // Nor can anyone else upload into the conversation, or send its attachment from another one.
      expect((await upload(t, acme.other, conv.id, PNG, 'image/png')).status).toBe(403);
      expect((await upload(t, globex.agent, conv.id, PNG, 'image/png')).status).toBe(404);
      expect((await upload(t, acme.viewer, conv.id, PNG, 'image/png')).status).toBe(403);
      const elsewhere = (await t.http('POST', '/api/conversations', { token: acme.other, body: {} })).body;
      const forwarded = await t.http('POST', `/api/conversations/${elsewhere.id}/messages`, {
        token: acme.other,
        body: { content: 'look', attachmentIds: [up.body.id] },
      });
      expect(forwarded.status).toBe(400);
      expect(forwarded.body.error.details).toEqual({ attachmentIds: [up.body.id] });
    });

    it('files download as attachments; the socket send carries them too', async () => {
      const acme = await people('att-files');
      const conv = (await t.http('POST', '/api/conversations', { token: acme.agent, body: { contactId: 'maria' } })).body;
      const up = await upload(t, acme.agent, conv.id, PDF, 'application/pdf; charset=binary', 'Invoice März.pdf');
      expect(up.status).toBe(201);
      expect(up.body).toMatchObject({ contentType: 'application/pdf', kind: 'file', name: 'Invoice März.pdf' });
      const socket = await t.connect({ token: acme.agent });
      const ack = await ask(socket, 'send_message', { conversationId: conv.id, content: 'Your invoice', attachmentIds: [up.body.id] });
      expect(ack.ok).toBe(true);
      expect(ack.data).toMatchObject({ contentType: 'file', attachments: [{ id: up.body.id, kind: 'file' }] });
      const got = await download(t, acme.customer, up.body.id);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-disposition')).toBe(
        `attachment; filename="Invoice M_rz.pdf"; filename*=UTF-8''Invoice%20M%C3%A4rz.pdf`,
      );
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect(got.bytes.equals(PDF)).toBe(true);
    });

    it('refuses types off the allowlist, images that are not images, and bodies over 10 MB, the last while streaming', async () => {
      const acme = await people('att-limits');
      const conv = (await t.http('POST', '/api/conversations', { token: acme.customer, body: {} })).body;
      for (const type of ['text/html', 'image/svg+xml', 'application/javascript']) {
        const res = await upload(t, acme.customer, conv.id, Buffer.from('<svg onload=alert(1)>'), type);
        expect(res.status, type).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
      expect((await upload(t, acme.customer, conv.id, Buffer.from('<html>not a png</html>'), 'image/png')).status).toBe(400);
      expect((await upload(t, acme.customer, conv.id, Buffer.alloc(0), 'text/plain')).status).toBe(400);

      const declared = await upload(t, acme.customer, conv.id, Buffer.alloc(MAX_ATTACHMENT_BYTES + 1), 'application/pdf');
      expect(declared.status).toBe(413);
      expect(declared.body.error.code).toBe('PAYLOAD_TOO_LARGE');

      const endless = await endlessUpload(t, acme.customer, conv.id);
      expect(endless.status).toBe(413);
      // Answered while the body was still coming: not long after the limit, never at the end of 500 MB.
      expect(endless.sent).toBeLessThan(MAX_ATTACHMENT_BYTES + 8 * 1024 * 1024);

      // Eight uploads in a moment are more than one user's burst (uploads cost 5 sends each): the agent sends the last.
      const exact = await upload(t, acme.agent, conv.id, Buffer.alloc(MAX_ATTACHMENT_BYTES, 1), 'application/pdf', 'max.pdf');
      expect(exact.status, JSON.stringify(exact.body)).toBe(201);
      const rows = await t.sb().services.db.query<{ name: string }>('SELECT name FROM attachments WHERE conversation_id = $1', [conv.id]);
      expect(rows.map((r) => r.name)).toEqual(['max.pdf']);
    });
  },
  { ATTACHMENT_STORE: 'disk', DATA_DIR: dataDir },
);
