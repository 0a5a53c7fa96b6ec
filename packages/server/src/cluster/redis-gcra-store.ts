import type { GcraCharge, GcraStore, GcraVerdict } from './gcra-store';
import type { RedisClient } from './redis-connection';
import { RedisScript } from './redis-script';

// The same steps as gcraStep/gcraDecide (gcra-store.ts), for every key at once, with Redis's clock so
// that nodes with skewed clocks agree. KEYS: one per charge; ARGV: intervalMs, burst, cost per charge.
const TAKE = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local newTats = {}
local worstWait, worstIndex = 0, -1
for i = 1, #KEYS do
  local interval = tonumber(ARGV[3 * i - 2])
  local burst = tonumber(ARGV[3 * i - 1])
  local cost = math.min(tonumber(ARGV[3 * i]), burst)
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  local newTat = tat + cost * interval
  newTats[i] = newTat
  local wait = newTat - now - burst * interval
  if wait > 0 and wait > worstWait then worstWait = wait; worstIndex = i - 1 end
end
if worstIndex >= 0 then return {0, math.ceil(worstWait), worstIndex} end
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], string.format('%.3f', newTats[i]), 'PX', math.max(1, math.ceil(newTats[i] - now)))
end
return {1, 0, -1}
`);

/**
 * Budgets in Redis, shared by every node: one script per event checks and charges the socket's,
 * the user's and the tenant's budget in one round trip, atomically. A key lives only until its
 * budget is full again (PX), so idle sockets and users leave nothing behind.
 */
export class RedisGcraStore implements GcraStore {
  constructor(
    private readonly redis: RedisClient,
    /** e.g. `switchboard:rl`. */
    private readonly prefix: string,
  ) {}

  async take(charges: GcraCharge[]): Promise<GcraVerdict> {
    const keys = charges.map((c) => `${this.prefix}:${c.key}`);
    const args = charges.flatMap((c) => [c.intervalMs, c.burst, c.cost]);
    const [ok, retryAfterMs, index] = (await TAKE.run(this.redis, keys, args)) as [number, number, number];
    return ok === 1 ? { ok: true } : { ok: false, retryAfterMs: Number(retryAfterMs), index: Number(index) };
  }
}
