import { describe, expect, it } from 'vitest';

import {
  chatClient,
  defaultClient,
  MAX_MESSAGE_CHARS,
  MAX_PRESENCE_USER_IDS,
  notificationsClient,
  presenceClient,
  ticketsClient,
} from '../src/index';

function issueCodes(result: { success: boolean; error?: { issues: Array<{ code: string }> } }): string[] {
  return result.error?.issues.map((i) => i.code) ?? [];
}

describe('send_message', () => {
  const schema = defaultClient.send_message.schema;

  it('accepts a message and defaults its content type to text', () => {
    expect(schema.parse({ conversationId: 'conv_123', content: ' Hello, customer! ' })).toEqual({
      conversationId: 'conv_123',
      content: 'Hello, customer!',
      contentType: 'text',
    });
  });

  it('rejects empty or blank content', () => {
    expect(schema.safeParse({ conversationId: 'c1', content: '' }).success).toBe(false);
    expect(schema.safeParse({ conversationId: 'c1', content: '   \n ' }).success).toBe(false);
  });

  it('rejects content over the limit as too big, so the server can answer PAYLOAD_TOO_LARGE', () => {
    const result = schema.safeParse({ conversationId: 'c1', content: 'x'.repeat(MAX_MESSAGE_CHARS + 1) });
    expect(result.success).toBe(false);
    expect(issueCodes(result)).toContain('too_big');
    expect(schema.safeParse({ conversationId: 'c1', content: 'x'.repeat(MAX_MESSAGE_CHARS) }).success).toBe(true);
  });

  it('rejects a malformed conversation id', () => {
    for (const conversationId of ['', 'conv 1', '../etc', 'tenant:other', 'x'.repeat(129), 42, null]) {
      expect(schema.safeParse({ conversationId, content: 'hi' }).success, String(conversationId)).toBe(false);
    }
  });

  it('rejects an unknown content type', () => {
    expect(schema.safeParse({ conversationId: 'c1', content: 'hi', contentType: 'html' }).success).toBe(false);
  });
});

describe('join_conversation', () => {
  it('takes 000’s bare id and our object alike', () => {
    expect(defaultClient.join_conversation.schema.parse('conv-123')).toEqual({ conversationId: 'conv-123' });
    expect(defaultClient.join_conversation.schema.parse({ conversationId: 'conv-123' })).toEqual({ conversationId: 'conv-123' });
    expect(defaultClient.join_conversation.schema.safeParse('conv 123').success).toBe(false);
  });
});

describe('001 namespaces', () => {
  it('ticket:subscribe requires a valid ticketId', () => {
    const schema = ticketsClient['ticket:subscribe'].schema;
    expect(schema.parse({ ticketId: 'ticket_123' })).toEqual({ ticketId: 'ticket_123' });
    expect(schema.safeParse({}).success).toBe(false);
    expect(schema.safeParse(undefined).success).toBe(false);
    expect(schema.safeParse({ ticketId: 'a b' }).success).toBe(false);
  });

  it('presence:status accepts the four statuses only', () => {
    const schema = presenceClient['presence:status'].schema;
    for (const status of ['online', 'busy', 'away', 'offline']) expect(schema.safeParse({ status }).success).toBe(true);
    for (const status of ['invisible', 'ONLINE', '', undefined]) expect(schema.safeParse({ status }).success).toBe(false);
  });

  it('presence:subscribe bounds the list of users', () => {
    const schema = presenceClient['presence:subscribe'].schema;
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `agent_${i}`);
    expect(schema.safeParse({ userIds: ids(MAX_PRESENCE_USER_IDS) }).success).toBe(true);
    expect(schema.safeParse({ userIds: ids(MAX_PRESENCE_USER_IDS + 1) }).success).toBe(false);
    expect(schema.safeParse({ userIds: [] }).success).toBe(false);
    expect(schema.safeParse({ userIds: ['agent 1'] }).success).toBe(false);
  });

  it('chat:message reads 001’s type and applies send_message’s limits', () => {
    const schema = chatClient['chat:message'].schema;
    expect(schema.parse({ conversationId: 'conv_123', content: 'Hello', type: 'text' }).type).toBe('text');
    expect(schema.parse({ conversationId: 'conv_123', content: 'Hello' }).type).toBe('text');
    expect(schema.safeParse({ conversationId: 'conv_123', content: '' }).success).toBe(false);
    expect(schema.safeParse({ conversationId: 'conv_123', content: 'x'.repeat(MAX_MESSAGE_CHARS + 1) }).success).toBe(false);
    expect(schema.safeParse({ conversationId: 'conv_123', content: 'hi', type: 'markdown' }).success).toBe(false);
  });

  it('chat:typing defaults to started typing', () => {
    expect(chatClient['chat:typing'].schema.parse({ conversationId: 'c1' })).toEqual({ conversationId: 'c1', isTyping: true });
  });

  it('notification:markAllRead takes {} or nothing; markRead needs an id', () => {
    expect(notificationsClient['notification:markAllRead'].schema.safeParse({}).success).toBe(true);
    expect(notificationsClient['notification:markAllRead'].schema.safeParse(undefined).success).toBe(true);
    expect(notificationsClient['notification:markRead'].schema.safeParse({}).success).toBe(false);
    expect(notificationsClient['notification:markRead'].schema.safeParse({ id: 'n1' }).success).toBe(true);
  });
});
