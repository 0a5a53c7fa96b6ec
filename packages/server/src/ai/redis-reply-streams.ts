import { closeRedis, connectRedis, type RedisClient } from '../cluster/redis-connection';
import type { Logger } from '../log';
import { MemoryReplyStreams, type ReplyStreams, type StreamEvent, type StreamSubscriber } from './reply-streams';

/**
 * Several nodes: every token goes through one Redis channel and each node hands
 * it to its own readers. Publishing goes through Redis even for local readers,
 * so all readers see one order.
 */
export class RedisReplyStreams implements ReplyStreams {
  private readonly local = new MemoryReplyStreams();

  private constructor(
    private readonly pub: RedisClient,
    private readonly sub: RedisClient,
    private readonly channel: string,
    private readonly log: Logger,
  ) {}

  static async open(url: string, prefix: string, log: Logger): Promise<RedisReplyStreams> {
    const pub = await connectRedis(url, { name: 'reply-streams', log, failFast: true });
    const sub = await connectRedis(url, { name: 'reply-streams-sub', log }).catch(async (err) => {
      await closeRedis(pub);
      throw err;
    });
    const streams = new RedisReplyStreams(pub, sub, `${prefix}:reply-streams`, log);
    await sub.subscribe(streams.channel, (raw: string) => streams.deliver(raw));
    return streams;
  }

  subscribe(accountId: string, conversationId: string, subscriber: StreamSubscriber): () => void {
    return this.local.subscribe(accountId, conversationId, subscriber);
  }

  publish(accountId: string, conversationId: string, e: StreamEvent): void {
    // A token lost during a Redis outage is only lost from the live view: the reply is stored whole.
    this.pub
      .publish(this.channel, JSON.stringify({ accountId, conversationId, e }))
      .catch((err: unknown) => this.log.debug({ err }, 'reply stream publish failed'));
  }

  async close(): Promise<void> {
    await this.local.close();
    await Promise.allSettled([closeRedis(this.sub), closeRedis(this.pub)]);
  }

  private deliver(raw: string): void {
    try {
      const { accountId, conversationId, e } = JSON.parse(raw) as { accountId: string; conversationId: string; e: StreamEvent };
      this.local.publish(accountId, conversationId, e);
    } catch (err) {
      this.log.warn({ err }, 'unreadable reply stream message');
    }
  }
}
