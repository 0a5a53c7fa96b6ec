import { describe, expect, it } from 'vitest';

import {
  ChannelStatusUpdate,
  InboundChannelMessage,
  MAX_BRIDGE_MESSAGE_BYTES,
  parseBridgeMessage,
} from '../../src/bridges/bridge-messages';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));
const inbound = (more: Record<string, unknown> = {}) => ({
  tenantId: 'acme',
  externalMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMDhCRgA=',
  from: { contactId: '16505551234' },
  text: 'hi',
  timestamp: '2025-03-01T10:00:00Z',
  ...more,
});

describe('bridge message formats', () => {
  it('accepts WhatsApp ids and normalises every accepted timestamp form to ISO 8601', () => {
    const iso = '2025-03-01T10:00:00.000Z';
    for (const timestamp of ['2025-03-01T10:00:00Z', '2025-03-01T11:00:00+01:00', 1740823200, '1740823200', 1740823200000]) {
      const parsed = parseBridgeMessage(InboundChannelMessage, body(inbound({ timestamp })));
      expect(parsed, String(timestamp)).toMatchObject({ ok: true, value: { timestamp: iso, channelType: 'whatsapp' } });
    }
  });

  it('drops fields it does not know instead of refusing the message', () => {
    const parsed = parseBridgeMessage(InboundChannelMessage, body(inbound({ raw: { wa: true } })));
    expect(parsed.ok && 'raw' in parsed.value).toBe(false);
  });

  it('names what is wrong, for the dead-letter header', () => {
    const reasonOf = (value: unknown, schema = InboundChannelMessage) => {
      const parsed = parseBridgeMessage(schema, Buffer.isBuffer(value) ? value : body(value));
      return parsed.ok ? 'ok' : parsed.reason;
    };
    expect(reasonOf(Buffer.from('{nope'))).toMatch(/^invalid JSON: /);
    expect(reasonOf([1, 2])).toMatch(/^schema: \(body\): /);
    expect(reasonOf(inbound({ conversationId: 'c1', conversationExternalId: 't1' }))).toMatch(/not both/);
    expect(reasonOf(inbound({ text: undefined, mediaUrl: 'ftp://x/y' }))).toMatch(/^schema: mediaUrl: /);
    expect(reasonOf(inbound({ channelType: 'sms' }))).toMatch(/^schema: channelType: /);
    expect(reasonOf(inbound({ from: { contactId: '+1 650 555' } }))).toMatch(/^schema: from.contactId: /);
    expect(reasonOf({ tenantId: 'acme', status: 'read', timestamp: 1 }, ChannelStatusUpdate as never)).toMatch(
      /needs externalMessageId or messageId/,
    );
    expect(reasonOf(Buffer.alloc(MAX_BRIDGE_MESSAGE_BYTES + 1, 32))).toMatch(/^too large: /);
  });

  it('reads a status update by Switchboard id or by the channel’s id', () => {
    for (const ref of [{ messageId: 'm1' }, { externalMessageId: 'wamid.x' }]) {
      const parsed = parseBridgeMessage(
        ChannelStatusUpdate,
        body({ tenantId: 'acme', status: 'delivered', timestamp: 1740823200, ...ref }),
      );
      expect(parsed).toMatchObject({ ok: true, value: { ...ref, status: 'delivered', timestamp: '2025-03-01T10:00:00.000Z' } });
    }
  });
});
