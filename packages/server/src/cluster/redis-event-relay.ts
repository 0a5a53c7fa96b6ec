import type { Logger } from '../log';
import { decodeFact, encodeFact, type EventRelay, type Fact, newNodeId } from './event-relay';
import { closeRedis, connectRedis, type RedisClient } from './redis-connection';

/**
 * Facts over Redis pub/sub, one channel per cluster (`{prefix}:facts`). Publishing fails fast while
 * Redis is away: the outbox tailer carries logged events meanwhile, and a queue would only replay
 * them late. node-redis subscribes again by itself after a reconnect.
 */
export class RedisEventRelay implements EventRelay {
  readonly clustered = true;
  readonly nodeId = newNodeId();
  private handler: ((fact: Fact) => void) | null = null;

  private constructor(
    private readonly pub: RedisClient,
    private readonly sub: RedisClient,
    private readonly channel: string,
    private readonly log: Logger,
  ) {}

  static async open(url: string, prefix: string, log: Logger): Promise<RedisEventRelay> {
    const pub = await connectRedis(url, { name: 'relay-publish', log, failFast: true });
    const sub = await connectRedis(url, { name: 'relay-subscribe', log });
    const relay = new RedisEventRelay(pub, sub, `${prefix}:facts`, log);
    await sub.subscribe(relay.channel, (message: string) => relay.receive(message));
    return relay;
  }

  async send(fact: Fact): Promise<void> {
    await this.pub.publish(this.channel, encodeFact(this.nodeId, fact));
  }

  onFact(handler: (fact: Fact) => void): void {
    this.handler = handler;
  }

  private receive(message: string): void {
    const decoded = decodeFact(message);
    if (!decoded) {
      this.log.warn({ channel: this.channel }, 'ignored a malformed relayed fact');
      return;
    }
    if (decoded.from !== this.nodeId) this.handler?.(decoded.fact);
  }

  async close(): Promise<void> {
    this.handler = null;
    await Promise.allSettled([closeRedis(this.sub), closeRedis(this.pub)]);
  }
}
