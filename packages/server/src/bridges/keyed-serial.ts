/**
 * Runs tasks one after another per key and concurrently across keys: one conversation's messages
 * are stored in the order the queue delivered them, while other conversations go on in parallel
 * up to the channel's prefetch.
 */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<void>>();

  /** Queues `task` behind the earlier tasks of `key`. Its rejection is swallowed: tasks handle their own errors. */
  run(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task).catch(() => undefined);
    this.tails.set(key, next);
    void next.then(() => {
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
    return next;
  }

  get size(): number {
    return this.tails.size;
  }
}
