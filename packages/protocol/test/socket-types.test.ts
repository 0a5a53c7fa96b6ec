import { describe, expectTypeOf, it } from 'vitest';

import type {
  Ack,
  ChatClientEvents,
  DashboardClientEvents,
  DefaultClientEvents,
  DefaultServerEvents,
  Message,
  PresenceServerEvents,
  Ticket,
  TicketsClientEvents,
  TicketsServerEvents,
} from '../src/index';

// These assertions are checked by `tsc`; at run time they only need to load.
describe('Socket.IO event maps', () => {
  it('type client payloads as they travel, with typed acks', () => {
    type Send = Parameters<DefaultClientEvents['send_message']>;
    expectTypeOf<Send[0]>().toExtend<{ conversationId: string; content: string; contentType?: string }>();
    expectTypeOf<{ conversationId: 'c1'; content: 'hi' }>().toExtend<Send[0]>();
    expectTypeOf<Parameters<NonNullable<Send[1]>>[0]>().toEqualTypeOf<Ack<Message>>();
    expectTypeOf<'c1'>().toExtend<Parameters<DefaultClientEvents['join_conversation']>[0]>();
    expectTypeOf<Parameters<NonNullable<Parameters<TicketsClientEvents['ticket:subscribe']>[1]>>[0]>().toEqualTypeOf<Ack<Ticket>>();
    expectTypeOf<Parameters<ChatClientEvents['chat:typing']>[0]>().toEqualTypeOf<{
      conversationId: string;
      isTyping?: boolean | undefined;
    }>();
  });

  it('give the default namespace all three vocabularies, and each 001 namespace its own', () => {
    expectTypeOf<DefaultServerEvents>().toHaveProperty('new_message');
    expectTypeOf<DefaultServerEvents>().toHaveProperty('message:new');
    expectTypeOf<DefaultServerEvents>().toHaveProperty('inbound_message');
    expectTypeOf<TicketsServerEvents>().toHaveProperty('ticket:sla:warning');
    expectTypeOf<TicketsServerEvents>().toHaveProperty('error');
    expectTypeOf<Parameters<PresenceServerEvents['presence:list']>[0]>().toBeArray();
    expectTypeOf<keyof DashboardClientEvents>().toEqualTypeOf<never>();
  });
});
