import type { Services } from '../services';
import type { ChannelStatusUpdate } from './bridge-messages';

export type StatusDeps = Pick<Services, 'messages'>;

/**
 * Moves a stored message's delivery status forward and announces it (`message.status`:
 * `message:delivered`, `message_status`, `status_update`). A status that is not ahead of the
 * stored one is accepted and changes nothing, so redeliveries and late reports are harmless.
 */
export async function handleStatusUpdate(deps: StatusDeps, update: ChannelStatusUpdate): Promise<{ changed: boolean }> {
  const ref = update.messageId ? { messageId: update.messageId } : { externalId: update.externalMessageId as string };
  const { changed } = await deps.messages.applyChannelStatus(update.tenantId, ref, update.status, update.timestamp);
  return { changed };
}

export function statusOrderKey(update: ChannelStatusUpdate): string {
  return `${update.tenantId}\u0000${update.messageId ?? update.externalMessageId}`;
}
