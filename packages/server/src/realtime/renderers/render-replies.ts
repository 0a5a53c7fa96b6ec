import { defaultServer as S, type Message } from '@switchboard/protocol';

import { type Reply, reply } from '../../transport/on-event';
import { newMessagePayload } from './render-default';

/**
 * What a sender hears on its own socket when its message is committed, besides the ack: the same
 * object as the `new_message` everyone in the conversation hears, under the name `message_sent`.
 * A reply to one socket, not a broadcast, so it is rendered here rather than planned per room.
 */
export function renderSent(message: Message): Reply {
  return reply(S.message_sent, newMessagePayload(message));
}
