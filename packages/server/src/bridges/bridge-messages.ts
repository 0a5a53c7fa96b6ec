import { ContentType, DeliveryStatus, Id, MAX_MESSAGE_CHARS } from '@switchboard/protocol';
import { z } from 'zod';

/**
 * The JSON bodies the RabbitMQ bridge accepts (docs/bridge.md). Unknown fields are dropped rather
 * than refused, so a producer may add its own without breaking the consumer.
 */

/** Largest queue message body read at all; anything bigger is dead-lettered unparsed. */
export const MAX_BRIDGE_MESSAGE_BYTES = 256 * 1024;

/**
 * Ids other systems mint (WhatsApp's `wamid.…` is base64 with `=` and `+`), so wider than the
 * protocol's `Id`: any printable ASCII without spaces. They are stored, never used as room names.
 */
export const ExternalId = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

// Below this a number is taken as seconds (WhatsApp's webhooks), above it as milliseconds; the two
// ranges only meet in 1973, so no real timestamp is ambiguous.
const SECONDS_BELOW = 1e11;

/** ISO 8601 with an offset, or Unix time as a number or digit string, in seconds or milliseconds. Becomes ISO 8601. */
export const ChannelTimestamp = z
  .union([z.iso.datetime({ offset: true }), z.number().int().positive(), z.string().regex(/^\d{1,13}$/)])
  .transform((value, ctx) => {
    const epoch = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : null;
    const date = epoch === null ? new Date(value) : new Date(epoch < SECONDS_BELOW ? epoch * 1000 : epoch);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'not a valid time' });
      return z.NEVER;
    }
    return date.toISOString();
  });

/**
 * A customer's message from a channel, on `INBOUND_WHATSAPP_MESSAGES`. The conversation is named
 * by Switchboard's id, by the channel's thread id (created on first sight), or, with neither, is
 * the contact's one thread on this channel (`whatsapp:<contactId>`).
 */
export const InboundChannelMessage = z
  .object({
    tenantId: Id,
    externalMessageId: ExternalId,
    conversationId: Id.optional(),
    conversationExternalId: ExternalId.optional(),
    from: z.object({
      contactId: Id,
      name: z.string().trim().min(1).max(200).optional(),
    }),
    text: z.string().max(MAX_MESSAGE_CHARS).optional(),
    mediaUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
    /** Defaults to `text`, or `file` for media without text. */
    contentType: ContentType.optional(),
    channelType: z.literal('whatsapp').default('whatsapp'),
    timestamp: ChannelTimestamp,
  })
  .refine((m) => Boolean(m.text?.trim()) || Boolean(m.mediaUrl), { message: 'needs text or mediaUrl', path: ['text'] })
  .refine((m) => !(m.conversationId && m.conversationExternalId), {
    message: 'name the conversation by conversationId or conversationExternalId, not both',
    path: ['conversationId'],
  });
export type InboundChannelMessage = z.infer<typeof InboundChannelMessage>;

/**
 * A channel's delivery report, on `WHATSAPP_STATUS_UPDATES`. The message is named by the channel's
 * id or, for agent replies Switchboard stored without one, by Switchboard's `messageId`
 * (used first when both are given).
 */
export const ChannelStatusUpdate = z
  .object({
    tenantId: Id,
    externalMessageId: ExternalId.optional(),
    messageId: Id.optional(),
    status: DeliveryStatus,
    timestamp: ChannelTimestamp,
  })
  .refine((u) => Boolean(u.externalMessageId ?? u.messageId), {
    message: 'needs externalMessageId or messageId',
    path: ['externalMessageId'],
  });
export type ChannelStatusUpdate = z.infer<typeof ChannelStatusUpdate>;

export type ParsedBody<T> = { ok: true; value: T } | { ok: false; reason: string };

const MAX_REASON_CHARS = 500;

/** Decodes and validates a queue message body; a failure carries a reason fit for a dead-letter header. */
export function parseBridgeMessage<T>(schema: z.ZodType<T>, body: Buffer): ParsedBody<T> {
  if (body.length > MAX_BRIDGE_MESSAGE_BYTES)
    return { ok: false, reason: `too large: ${body.length} bytes (limit ${MAX_BRIDGE_MESSAGE_BYTES})` };
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: clip(`invalid JSON: ${(err as Error).message}`) };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`);
  return { ok: false, reason: clip(`schema: ${issues.join('; ')}`) };
}

function clip(text: string): string {
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;
}
