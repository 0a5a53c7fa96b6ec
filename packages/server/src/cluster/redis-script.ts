import { createHash } from 'node:crypto';

import type { RedisClient } from './redis-connection';

/**
 * A Lua script run by its SHA, so the text crosses the wire once per Redis start: a NOSCRIPT answer
 * (Redis restarted, or never saw it) falls back to EVAL, which also caches it again.
 */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: RedisClient, keys: string[], args: Array<string | number>): Promise<unknown> {
    const options = { keys, arguments: args.map(String) };
    try {
      return await client.evalSha(this.sha, options);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return client.eval(this.source, options);
    }
  }
}
