import { expect, it } from 'vitest';

import { forEachServer } from '../../server/test/support/server';
import { fillPlaceholders, HttpApi, StaffApi } from '../src/index';

const PNG = Uint8Array.from(
  Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f1a2e30000000049454e44ae426082',
    'hex',
  ),
);

forEachServer(
  'SDK: labels, canned responses and attachments',
  (t) => {
    it('labels and filters, fills a canned response, uploads and fetches an attachment through HttpApi', async () => {
      const as = async (sub: string, role: string, name?: string) => {
        const token = await t.token({ sub, accountId: 'sdk-extras', role: role as any, ...(name ? { name } : {}) });
        return new HttpApi({ baseUrl: t.url(), getToken: () => token });
      };
      const admin = new StaffApi(await as('sdk-admin', 'admin'));
      const agentHttp = await as('sdk-agent', 'agent', 'Alex Kim');
      const agent = new StaffApi(agentHttp);
      const customer = await as('sdk-li', 'customer', 'Li Wei');
      const stranger = new HttpApi({ baseUrl: t.url(), getToken: () => 'not-a-token' });

      const vip = await admin.createLabel({ name: 'VIP', color: '#112233' });
      const conv = await customer.createConversation({});
      expect((await agent.changeLabels(conv.id, { add: [vip.id] })).labels).toEqual([{ id: vip.id, name: 'VIP', color: '#112233' }]);
      expect((await agentHttp.listConversations({ label: vip.id })).conversations.map((c) => c.id)).toEqual([conv.id]);
      expect((await agentHttp.listConversations({ label: vip.id, status: 'RESOLVED' })).conversations).toEqual([]);
      await expect(agent.createLabel({ name: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });

      await admin.createCannedResponse({ shortcut: 'hi', content: 'Hi {{contact.firstName | there}}, {{agent.firstName}} here.' });
      const [canned] = (await agent.listCannedResponses()).cannedResponses;
      const row = await agentHttp.getConversation(conv.id);
      expect(fillPlaceholders(canned!.content, { contact: row.contact ?? null, agent: { name: 'Alex Kim' } }).text).toBe(
        'Hi Li, Alex here.',
      );

      const uploaded = await customer.uploadAttachment(conv.id, new Blob([PNG], { type: 'image/png' }), { name: 'pic.png' });
      expect(uploaded).toMatchObject({ kind: 'image', size: PNG.length, name: 'pic.png' });
      const sent = await customer.postMessage(conv.id, { content: 'pic.png', attachmentIds: [uploaded.id] });
      expect(sent.attachments?.map((a) => a.id)).toEqual([uploaded.id]);
      const blob = await agentHttp.fetchAttachment(uploaded.id);
      expect(blob.type).toBe('image/png');
      expect(new Uint8Array(await blob.arrayBuffer())).toEqual(PNG);
      await expect(stranger.fetchAttachment(uploaded.id)).rejects.toMatchObject({ status: 401 });
      await expect(customer.uploadAttachment(conv.id, new Uint8Array([1, 2, 3]), { type: 'text/html' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    });
  },
  { ATTACHMENT_STORE: 'memory' },
);
