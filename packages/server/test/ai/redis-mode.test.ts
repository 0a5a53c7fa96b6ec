import { defaultServer as S, streamServer as SSE } from '@switchboard/protocol';
import { afterAll, describe, expect, it } from 'vitest';

import { AI_WAIT, AiTenant, HELP } from '../support/ai-tenant';
import { nextEvent } from '../support/events';
import { dropRedisPrefix, openTestRedis, redisAvailable, TEST_REDIS_URL, uniqueRedisPrefix } from '../support/redis';
import { forEachServer } from '../support/server';
import { openSse } from '../support/sse';

const prefix = uniqueRedisPrefix('ai');
afterAll(async () => {
  if (redisAvailable) await dropRedisPrefix(await openTestRedis(), prefix);
});

describe.skipIf(!redisAvailable)('AI with REDIS_URL', () => {
  forEachServer(
    'BullMQ jobs and Redis reply streams',
    (t) => {
      it('runs triage on BullMQ and streams the reply through Redis to the SSE reader', async () => {
        expect(t.sb().services.ai.queue.backend).toBe('bullmq');
        const tenant = await AiTenant.create(t, { aiAgent: true, knowledge: HELP });
        const admin = await tenant.socket('admin');
        const id = await tenant.conversation();
        const sse = await openSse(tenant.streamUrl(id), tenant.tokens.customer);
        const classified = nextEvent(admin, S.ai_classification.name, (p) => p.conversationId === id, AI_WAIT);
        await tenant.say(id, 'How do I reset my password?');
        const done = await sse.next(SSE.done.name);
        sse.close();
        expect(await classified).toMatchObject({ category: 'account' });
        expect(
          sse.events
            .filter((e) => e.event === SSE.token.name)
            .map((e) => e.data.token)
            .join(''),
        ).toBe(HELP[0]!.body);
        expect(done.message).toMatchObject({ role: 'ASSISTANT', content: HELP[0]!.body });
        expect((await tenant.messages(id)).map((m) => m.role)).toEqual(['USER', 'ASSISTANT']);
      });
    },
    { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, AI_QUEUE_NAME: 'ai-redis-mode' },
    ['pglite'],
  );
});
