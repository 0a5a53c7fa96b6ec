import { type Channel, type ChannelModel, type ConfirmChannel, connect, type ConsumeMessage, type Options } from 'amqplib';

export interface AmqpSessionOptions {
  url: string;
  prefetch: number;
  queues: readonly string[];
  connectTimeoutMs: number;
  onDelivery(queue: string, msg: ConsumeMessage, session: AmqpSession): void;
  onWarning(message: string, err?: unknown): void;
}

/** Where the bridge sets aside what it cannot process: `<queue>.dlq`, durable. */
export const deadLetterQueueOf = (queue: string): string => `${queue}.dlq`;

/** Headers a dead-lettered message carries besides its own. */
export const DEAD_LETTER_HEADERS = {
  reason: 'x-switchboard-reason',
  queue: 'x-switchboard-queue',
  at: 'x-switchboard-dead-lettered-at',
} as const;

const noop = (): void => undefined;

/** Runs a close-like call whose failure (already closed, some throwing synchronously) changes nothing. */
const quietly = async (op: () => Promise<unknown>): Promise<void> => {
  try {
    await op();
  } catch {
    // Already gone.
  }
};

/**
 * One connection and one confirm channel consuming the bridge's queues. When either closes, for
 * whatever reason, the session is over (`ended`) and the bridge opens a new one: channels,
 * prefetch and consumers do not survive a connection, so rebuilding them all is the only
 * recovery that cannot miss a piece.
 */
export class AmqpSession {
  readonly ended: Promise<Error | undefined>;
  private finish!: (err: Error | undefined) => void;
  private live = true;
  private readonly consumerTags: string[] = [];

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
  ) {
    this.ended = new Promise((resolve) => {
      this.finish = (err) => {
        this.live = false;
        resolve(err);
      };
    });
    // 'close' follows 'error' on both; listening to 'error' keeps it from being thrown as unhandled.
    connection.on('error', (err: Error) => this.finish(err));
    connection.on('close', (err?: Error) => this.finish(err ?? new Error('connection closed')));
    channel.on('error', (err: Error) => this.finish(err));
    channel.on('close', () => this.finish(new Error('channel closed')));
  }

  static async open(opts: AmqpSessionOptions): Promise<AmqpSession> {
    const connection = await connect(opts.url, {
      timeout: opts.connectTimeoutMs,
      clientProperties: { connection_name: 'switchboard-bridge' },
    });
    const early = (err: Error) => opts.onWarning('connection failed while setting up', err);
    connection.on('error', early);
    try {
      await declareQueues(connection, opts.queues, (message, err) => opts.onWarning(message, err));
      const session = new AmqpSession(connection, await connection.createConfirmChannel());
      connection.off('error', early);
      // Per consumer: each queue holds at most `prefetch` unacknowledged deliveries.
      await session.channel.prefetch(opts.prefetch, false);
      for (const queue of opts.queues) {
        const { consumerTag } = await session.channel.consume(
          queue,
          (msg) => {
            // null: the broker cancelled the consumer (queue deleted); a new session re-declares it.
            if (msg) opts.onDelivery(queue, msg, session);
            else session.finish(new Error(`the broker cancelled the consumer of ${queue}`));
          },
          { noAck: false },
        );
        session.consumerTags.push(consumerTag);
      }
      return session;
    } catch (err) {
      await quietly(() => connection.close());
      throw err;
    }
  }

  /** False once the connection or channel is gone; unacknowledged deliveries are then back in their queue. */
  get isLive(): boolean {
    return this.live;
  }

  /** True when the broker was told; false when the channel is gone (the delivery will come again). */
  ack(msg: ConsumeMessage): boolean {
    return this.attempt(() => this.channel.ack(msg));
  }

  /** Returns the delivery to its queue for another try. */
  requeue(msg: ConsumeMessage): boolean {
    return this.attempt(() => this.channel.nack(msg, false, true));
  }

  /** Copies the delivery to `<queue>.dlq` with the reason in its headers; resolves once the broker confirmed it. */
  deadLetter(queue: string, msg: ConsumeMessage, reason: string): Promise<void> {
    const p = msg.properties;
    const options: Options.Publish = {
      persistent: true,
      headers: {
        ...(p.headers ?? {}),
        [DEAD_LETTER_HEADERS.reason]: reason,
        [DEAD_LETTER_HEADERS.queue]: queue,
        [DEAD_LETTER_HEADERS.at]: new Date().toISOString(),
      },
    };
    for (const key of ['contentType', 'contentEncoding', 'messageId', 'correlationId', 'timestamp', 'type', 'appId'] as const) {
      if (p[key] !== undefined) (options as Record<string, unknown>)[key] = p[key];
    }
    return new Promise((resolve, reject) => {
      // Throws at once on a closed channel; the executor turns that into a rejection.
      this.channel.sendToQueue(deadLetterQueueOf(queue), msg.content, options, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Stops new deliveries; those already received can still be acknowledged. */
  async stopConsuming(): Promise<void> {
    for (const tag of this.consumerTags.splice(0)) await quietly(() => this.channel.cancel(tag));
  }

  /** Closes channel and connection; the broker requeues whatever was not acknowledged. */
  async close(): Promise<void> {
    this.live = false;
    await quietly(() => this.channel.close());
    await quietly(() => this.connection.close());
    this.finish(undefined);
  }

  private attempt(op: () => void): boolean {
    if (!this.live) return false;
    try {
      op();
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Declares each queue and its dead-letter queue as durable. A queue some producer already
 * declared with other arguments (a quorum queue, its own dead-letter exchange) refuses the
 * declaration with 406 and closes the channel; it is then consumed as it is, after a passive check.
 */
async function declareQueues(
  connection: ChannelModel,
  queues: readonly string[],
  warn: (message: string, err?: unknown) => void,
): Promise<void> {
  let channel = await openQuietChannel(connection);
  try {
    for (const name of queues.flatMap((q) => [q, deadLetterQueueOf(q)])) {
      try {
        await channel.assertQueue(name, { durable: true });
      } catch (err) {
        if ((err as { code?: unknown }).code !== 406) throw err;
        warn(`queue ${name} exists with other arguments; using it as declared`, err);
        channel = await openQuietChannel(connection);
        await channel.checkQueue(name);
      }
    }
  } finally {
    await quietly(() => channel.close());
  }
}

async function openQuietChannel(connection: ChannelModel): Promise<Channel> {
  const channel = await connection.createChannel();
  // A refused declaration is reported through the rejected call; the channel's 'error' only repeats it.
  channel.on('error', noop);
  return channel;
}
