import type { Ticket, TicketStatus } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';

import { DEFAULT_SLA_POLICY, dueDates, isResolved, minutesLeft, runningClock, SlaPolicyFromEnv } from '../../src/domain/sla-policy';

const T0 = Date.parse('2026-01-05T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

describe('dueDates', () => {
  it.each([
    //  priority   conversation  first response   resolution
    ['urgent', true, at(30), at(4 * 60)],
    ['high', true, at(60), at(8 * 60)],
    ['medium', true, at(4 * 60), at(24 * 60)],
    ['low', true, at(8 * 60), at(48 * 60)],
    // No conversation, no first response to wait for: only the resolution clock.
    ['urgent', false, null, at(4 * 60)],
    ['low', false, null, at(48 * 60)],
  ] as const)('%s, with a conversation %s: first response %s, resolution %s', (priority, hasConversation, first, resolution) => {
    expect(dueDates(DEFAULT_SLA_POLICY, priority, at(0), hasConversation)).toEqual({
      slaFirstResponseDueAt: first,
      slaResolutionDueAt: resolution,
    });
  });

  it('takes the start as epoch milliseconds too, and fractions of minutes (tests run SLAs in seconds)', () => {
    const policy = { ...DEFAULT_SLA_POLICY, urgent: { firstResponseMinutes: 0.5, resolutionMinutes: 1.5 } };
    expect(dueDates(policy, 'urgent', T0, true)).toEqual({ slaFirstResponseDueAt: at(0.5), slaResolutionDueAt: at(1.5) });
  });
});

describe('runningClock', () => {
  const ticket = (over: Partial<Ticket> = {}): Ticket => ({
    id: 't1',
    accountId: 'acme',
    conversationId: 'c1',
    subject: 'Refund',
    status: 'open',
    priority: 'urgent',
    assigneeId: null,
    teamId: null,
    slaFirstResponseDueAt: at(30),
    slaResolutionDueAt: at(240),
    createdAt: at(0),
    updatedAt: at(0),
    ...over,
  });

  it.each([
    //  case                                   ticket                                         answered  clock              due       warn at 80 %
    ['first response until answered', ticket(), false, 'first_response', at(30), at(24)],
    ['resolution once answered', ticket(), true, 'resolution', at(240), at(192)],
    [
      'resolution when there is no conversation',
      ticket({ slaFirstResponseDueAt: null, conversationId: null }),
      false,
      'resolution',
      at(240),
      at(192),
    ],
    ['pending still runs', ticket({ status: 'pending' }), false, 'first_response', at(30), at(24)],
    ['on hold still runs', ticket({ status: 'on_hold' }), true, 'resolution', at(240), at(192)],
  ] as const)('%s', (_case, t, answered, target, dueAt, warnAt) => {
    expect(runningClock(t, answered, 0.8)).toEqual({ target, dueAt, warnAt });
  });

  it.each(['solved', 'closed'] as const)('no clock once %s', (status) => {
    expect(runningClock(ticket({ status }), false, 0.8)).toBeNull();
  });

  it('no clock without a resolution due date', () => {
    expect(runningClock(ticket({ slaResolutionDueAt: null }), true, 0.8)).toBeNull();
  });

  it.each([
    [0, at(0)],
    [0.5, at(15)],
    [1, at(30)],
  ])('warns at %s of the span', (ratio, warnAt) => {
    expect(runningClock(ticket(), false, ratio)?.warnAt).toBe(warnAt);
  });

  it('warns at once when the due date is already before creation', () => {
    expect(runningClock(ticket({ slaFirstResponseDueAt: at(-5) }), false, 0.8)).toMatchObject({ dueAt: at(-5), warnAt: at(0) });
  });
});

describe('isResolved', () => {
  it.each([
    ['open', false],
    ['pending', false],
    ['on_hold', false],
    ['solved', true],
    ['closed', true],
  ] as const satisfies ReadonlyArray<readonly [TicketStatus, boolean]>)('%s → %s', (status, resolved) => {
    expect(isResolved(status)).toBe(resolved);
  });
});

describe('minutesLeft', () => {
  it.each([
    // ms before due   minutes left (rounded up, never below 0)
    [30 * 60_000, 30],
    [29 * 60_000 + 1, 30],
    [60_001, 2],
    [60_000, 1],
    [1, 1],
    [0, 0],
    [-90_000, 0],
  ])('%i ms before due → %i', (before, minutes) => {
    expect(minutesLeft(at(0), T0 - before)).toBe(minutes);
  });
});

describe('SlaPolicyFromEnv', () => {
  it.each([
    ['unset', undefined, DEFAULT_SLA_POLICY],
    ['blank', '  ', DEFAULT_SLA_POLICY],
    [
      'one clock of one priority',
      '{"urgent":{"firstResponseMinutes":15}}',
      { ...DEFAULT_SLA_POLICY, urgent: { firstResponseMinutes: 15, resolutionMinutes: 240 } },
    ],
    [
      'fractions, several priorities',
      '{"low":{"resolutionMinutes":0.05},"high":{"firstResponseMinutes":0.01,"resolutionMinutes":0.02}}',
      {
        ...DEFAULT_SLA_POLICY,
        low: { firstResponseMinutes: 480, resolutionMinutes: 0.05 },
        high: { firstResponseMinutes: 0.01, resolutionMinutes: 0.02 },
      },
    ],
  ])('%s', (_case, raw, policy) => {
    expect(SlaPolicyFromEnv.parse(raw)).toEqual(policy);
  });

  it.each([
    ['not JSON', '{urgent', /must be JSON/],
    ['an unknown priority', '{"critical":{"firstResponseMinutes":1}}', /critical|key|priority/i],
    ['a zero target', '{"urgent":{"firstResponseMinutes":0}}', /too small|>0|positive/i],
    ['a negative target', '{"low":{"resolutionMinutes":-1}}', /too small|>0|positive/i],
    ['a string target', '{"low":{"resolutionMinutes":"60"}}', /number/i],
  ])('refuses %s', (_case, raw, message) => {
    const parsed = SlaPolicyFromEnv.safeParse(raw);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.message).toMatch(message);
  });

  it('leaves the defaults themselves alone', () => {
    SlaPolicyFromEnv.parse('{"urgent":{"firstResponseMinutes":1}}');
    expect(DEFAULT_SLA_POLICY.urgent.firstResponseMinutes).toBe(30);
  });
});
