import { expect, it } from 'vitest';

import { ConversationService } from '../../src/domain/conversation-service';
import { MessageService } from '../../src/domain/message-service';
import type { FlushPhases } from '../../src/domain/message-writer';
import type { Publisher } from '../../src/domain/publisher';
import { ConversationsRepo } from '../../src/storage/repos/conversations';
import { forEachEngine, uniqueAccountId } from '../support/databases';

/** Each flush of the write pipeline says where its time went (docs/decisions.md, "PostgreSQL stalls"). */
forEachEngine('flush phases', ({ db }) => {
  it('reports every flush once, with its sends, its queue wait and its one statement', async () => {
    const accountId = uniqueAccountId('phases');
    const conversation = await new ConversationsRepo(db()).create({ accountId, contactId: 'cust-1' });
    const publisher: Publisher = { publish: () => undefined, signal: () => undefined };
    const phases: FlushPhases[] = [];
    const flushed: number[] = [];
    const service = new MessageService(db(), publisher, new ConversationService(db(), publisher), {
      onFlush: (sends) => flushed.push(sends),
      onFlushPhases: (p) => phases.push(p),
    });
    const actor = { userId: 'cust-1', accountId, role: 'customer' as const, teamIds: [] };
    const sends = Array.from({ length: 40 }, (_, n) =>
      service.send(actor, { conversationId: conversation.id, content: `m${n}`, contentType: 'text', clientMessageId: `k${n}` }),
    );
    await Promise.all(sends);
    expect(phases.map((p) => p.sends)).toEqual(flushed);
    expect(phases.reduce((n, p) => n + p.sends, 0)).toBe(40);
    for (const p of phases) {
      expect(p.attempts).toBe(1);
      for (const ms of [p.queuedMs, p.startMs, p.commitMs, p.publishMs]) expect(ms).toBeGreaterThanOrEqual(0);
      // One statement (connection, statement and commit) is the flush's database time.
      expect(p.messagesMs).toBeGreaterThan(0);
      expect([p.startMs, p.eventsMs, p.commitMs]).toEqual([0, 0, 0]);
      expect(p.totalMs).toBeGreaterThanOrEqual(p.startMs + p.messagesMs + p.eventsMs + p.commitMs + p.publishMs - 0.01);
    }
  });
});
