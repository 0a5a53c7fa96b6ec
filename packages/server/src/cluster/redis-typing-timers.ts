import type { RedisClient } from './redis-connection';
import { RedisScript } from './redis-script';
import type { TypingTimers } from './typing-timers';

// KEYS = [deadlines (zset key -> deadline ms), data (hash key -> data), owner's keys (set)].

const ARM = new RedisScript(`
local isNew = redis.call('ZSCORE', KEYS[1], ARGV[1]) == false
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return isNew and 1 or 0
`);

const DISARM = new RedisScript(`
redis.call('SREM', KEYS[3], ARGV[1])
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return false end
local data = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return data
`);

const DISARM_OWNER = new RedisScript(`
local out = {}
for _, key in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if redis.call('ZREM', KEYS[1], key) == 1 then
    local data = redis.call('HGET', KEYS[2], key)
    redis.call('HDEL', KEYS[2], key)
    if data then table.insert(out, data) end
  end
end
redis.call('DEL', KEYS[3])
return out
`);

const TAKE_EXPIRED = new RedisScript(`
local out = {}
for _, key in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])) do
  redis.call('ZREM', KEYS[1], key)
  local data = redis.call('HGET', KEYS[2], key)
  redis.call('HDEL', KEYS[2], key)
  if data then table.insert(out, data) end
end
return out
`);

/**
 * Typing timers in Redis: one sorted set of deadlines for the cluster, so any node's sweep finds a
 * timer armed by a node that has since died. Each operation is one script: a timer that two nodes
 * take at the same moment goes to one of them.
 */
export class RedisTypingTimers implements TypingTimers {
  constructor(
    private readonly redis: RedisClient,
    /** e.g. `switchboard:typing`; conversation and ticket typing use one each. */
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  async arm(key: string, owner: string, data: string, ttlMs: number): Promise<boolean> {
    // The owner's set outlives its timers a little, so a late disarmOwner still finds them.
    const reply = await ARM.run(this.redis, this.keys(owner), [key, this.now() + ttlMs, data, ttlMs * 4]);
    return reply === 1;
  }

  async disarm(key: string, owner: string): Promise<string | null> {
    const reply = await DISARM.run(this.redis, this.keys(owner), [key]);
    return typeof reply === 'string' ? reply : null;
  }

  async disarmOwner(owner: string): Promise<string[]> {
    return strings(await DISARM_OWNER.run(this.redis, this.keys(owner), []));
  }

  async takeExpired(limit = 500): Promise<string[]> {
    return strings(await TAKE_EXPIRED.run(this.redis, this.keys(''), [this.now(), limit]));
  }

  async close(): Promise<void> {}

  private keys(owner: string): string[] {
    return [`${this.prefix}:deadlines`, `${this.prefix}:data`, `${this.prefix}:owner:${encodeURIComponent(owner)}`];
  }
}

const strings = (reply: unknown): string[] => (Array.isArray(reply) ? reply.filter((x): x is string => typeof x === 'string') : []);
