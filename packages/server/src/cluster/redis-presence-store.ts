import { isStaff, PresenceStatus, Role } from '@switchboard/protocol';
import { z } from 'zod';

import {
  DEFAULT_PRESENCE_OPTIONS,
  type PresenceConnection,
  type PresenceProfile,
  type PresenceRecord,
  type PresenceStore,
  type PresenceStoreOptions,
} from './presence-store';
import type { RedisClient } from './redis-connection';
import { RedisScript } from './redis-script';

// Keys per user: the record (hash: status, lastSeen, profile; TTL = recordTtlMs, one hour by default) and
// its connections (sorted set: connection id -> expiry). Per account: who is online (user -> latest
// expiry). Per cluster: users that may expire (account\nuser -> latest expiry), which sweep() walks.
// Every script takes KEYS = [record, connections, online, expiring].

// A member of `expiring` is online as everyone was told: live connections, expired ones no sweep
// reported yet, or leaving (last connection closed, score = the end of the grace).
const CONNECT = new RedisScript(`
local first = redis.call('ZSCORE', KEYS[4], ARGV[6]) == false
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if redis.call('HEXISTS', KEYS[1], 'status') == 0 then redis.call('HSET', KEYS[1], 'status', 'online') end
redis.call('HSET', KEYS[1], 'lastSeen', ARGV[1])
if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'profile', ARGV[7]) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[3], 'GT', ARGV[2], ARGV[5])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
redis.call('ZADD', KEYS[4], 'GT', ARGV[2], ARGV[6])
local r = redis.call('HMGET', KEYS[1], 'status', 'lastSeen', 'profile')
if ARGV[8] == '1' then
  redis.call('HSET', KEYS[5], ARGV[5], r[1])
  redis.call('PEXPIRE', KEYS[5], ARGV[4])
end
return {first and 1 or 0, redis.call('ZCARD', KEYS[2]), r[1], r[2], r[3] or ''}
`);

// The last connection going leaves the user online (leaving) until ARGV[6], the end of the grace.
const DISCONNECT = new RedisScript(`
if redis.call('ZREM', KEYS[2], ARGV[2]) == 0 then return {0} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
redis.call('HSET', KEYS[1], 'lastSeen', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local left = redis.call('ZCARD', KEYS[2])
if left == 0 then
  redis.call('ZADD', KEYS[3], ARGV[6], ARGV[4])
  redis.call('ZADD', KEYS[4], ARGV[6], ARGV[5])
end
local r = redis.call('HMGET', KEYS[1], 'status', 'lastSeen', 'profile')
return {left == 0 and 1 or 0, left, r[1] or 'online', r[2], r[3] or ''}
`);

const HEARTBEAT = new RedisScript(`
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if redis.call('HEXISTS', KEYS[1], 'status') == 0 then redis.call('HSET', KEYS[1], 'status', 'online') end
redis.call('HSET', KEYS[1], 'lastSeen', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[3], 'GT', ARGV[2], ARGV[5])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
redis.call('ZADD', KEYS[4], 'GT', ARGV[2], ARGV[6])
return 1
`);

// Hands out a user whose connections all expired, or whose grace ended: once, whoever asks.
const SWEEP_ONE = new RedisScript(`
local due = redis.call('ZSCORE', KEYS[4], ARGV[3])
if due == false or tonumber(due) > tonumber(ARGV[1]) then return {0} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
local top = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
if top[2] then
  redis.call('ZADD', KEYS[4], 'XX', top[2], ARGV[3])
  return {0}
end
if redis.call('ZREM', KEYS[4], ARGV[3]) == 0 then return {0} end
redis.call('ZREM', KEYS[3], ARGV[2])
local r = redis.call('HMGET', KEYS[1], 'status', 'lastSeen', 'profile')
return {1, 0, r[1] or 'online', r[2], r[3] or ''}
`);

const Profile = z.object({ role: Role, name: z.string().nullable() });
type Reply = [number, number?, string?, string?, string?];

/**
 * Presence across nodes in Redis, with the semantics of {@link MemoryPresenceStore} (the contract
 * test runs against both). Each change is one Lua script, so two nodes seeing the same user's last
 * connection go (a disconnect here, an expiry noticed there) cannot both announce it.
 */
export class RedisPresenceStore implements PresenceStore {
  private readonly opts: Required<PresenceStoreOptions>;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    opts: Partial<PresenceStoreOptions> = {},
  ) {
    this.opts = { ...DEFAULT_PRESENCE_OPTIONS, now: Date.now, ...opts };
  }

  async connect(accountId: string, userId: string, connectionId: string, profile?: PresenceProfile) {
    const now = this.opts.now();
    const staff = profile && isStaff(profile.role) ? '1' : '0';
    const args = [
      now,
      now + this.opts.connectionTtlMs,
      connectionId,
      this.opts.recordTtlMs,
      userId,
      member(accountId, userId),
      profile ? JSON.stringify(profile) : '',
      staff,
    ];
    const r = (await CONNECT.run(this.redis, [...this.keys(accountId, userId), this.statusesKey(accountId)], args)) as Reply;
    return { first: r[0] === 1, record: this.record(accountId, userId, r) };
  }

  async disconnect(accountId: string, userId: string, connectionId: string) {
    const now = this.opts.now();
    const args = [now, connectionId, this.opts.recordTtlMs, userId, member(accountId, userId), now + this.opts.graceMs];
    const r = (await DISCONNECT.run(this.redis, [...this.keys(accountId, userId)], args)) as Reply;
    if (r[0] !== 1 && r[1] === undefined) return { last: false, record: null };
    return { last: r[0] === 1, record: this.record(accountId, userId, r) };
  }

  async settle(accountId: string, userId: string) {
    const r = (await SWEEP_ONE.run(
      this.redis,
      [...this.keys(accountId, userId)],
      [this.opts.now(), userId, member(accountId, userId)],
    )) as Reply;
    return r[0] === 1 ? this.record(accountId, userId, r) : null;
  }

  async setStatus(accountId: string, userId: string, status: PresenceStatus) {
    const now = this.opts.now();
    const [rec] = this.keys(accountId, userId);
    const statuses = this.statusesKey(accountId);
    const [previous] = await this.redis
      .multi()
      .hGet(rec, 'status')
      .hSet(rec, { status, lastSeen: String(now) })
      .pExpire(rec, this.opts.recordTtlMs)
      .hSet(statuses, userId, status)
      .pExpire(statuses, this.opts.recordTtlMs)
      .exec();
    const was = PresenceStatus.safeParse(previous);
    return { previous: was.success ? was.data : 'online', record: await this.get(accountId, userId) };
  }

  async get(accountId: string, userId: string) {
    const [rec, conns, online] = this.keys(accountId, userId);
    const now = this.opts.now();
    const [live, until, fields] = await Promise.all([
      this.redis.zCount(conns, `(${now}`, '+inf'),
      this.redis.zScore(online, userId),
      this.redis.hmGet(rec, ['status', 'lastSeen', 'profile']),
    ]);
    // No live connection: online still while leaving (the score is the end of the grace).
    if (live === 0 && !(until !== null && until > now)) return null;
    return this.record(accountId, userId, [1, live, fields[0] ?? 'online', fields[1] ?? String(now), fields[2] ?? ''] as Reply);
  }

  async list(accountId: string) {
    const now = this.opts.now();
    const userIds = await this.redis.zRangeByScore(this.onlineKey(accountId), `(${now}`, '+inf');
    const records = await Promise.all(userIds.map((u) => this.get(accountId, u)));
    return records.filter((r): r is PresenceRecord => r !== null);
  }

  async statuses(accountId: string) {
    const userIds = await this.redis.zRangeByScore(this.onlineKey(accountId), `(${this.opts.now()}`, '+inf');
    const out: Record<string, PresenceStatus> = {};
    if (!userIds.length) return out;
    const chosen = await this.redis.hmGet(this.statusesKey(accountId), userIds);
    userIds.forEach((userId, i) => {
      const status = PresenceStatus.safeParse(chosen[i]);
      if (status.success) out[userId] = status.data;
    });
    return out;
  }

  async heartbeat(connections: readonly PresenceConnection[]) {
    const now = this.opts.now();
    const expiry = now + this.opts.connectionTtlMs;
    await Promise.all(
      connections.map((c) =>
        HEARTBEAT.run(
          this.redis,
          [...this.keys(c.accountId, c.userId)],
          [now, expiry, c.connectionId, this.opts.recordTtlMs, c.userId, member(c.accountId, c.userId)],
        ),
      ),
    );
  }

  async sweep() {
    const now = this.opts.now();
    const due = await this.redis.zRangeByScore(this.expiringKey(), '-inf', String(now), { LIMIT: { offset: 0, count: 200 } });
    const gone: PresenceRecord[] = [];
    for (const m of due) {
      const [accountId, userId] = m.split('\n') as [string, string];
      const r = (await SWEEP_ONE.run(this.redis, [...this.keys(accountId, userId)], [now, userId, m])) as Reply;
      if (r[0] === 1) gone.push(this.record(accountId, userId, r));
    }
    return gone;
  }

  async close() {}

  private keys(accountId: string, userId: string): [record: string, connections: string, online: string, expiring: string] {
    const user = `${this.prefix}:presence:${enc(accountId)}:user:${enc(userId)}`;
    return [user, `${user}:connections`, this.onlineKey(accountId), this.expiringKey()];
  }

  private onlineKey(accountId: string): string {
    return `${this.prefix}:presence:${enc(accountId)}:online`;
  }

  /** Per account: each staff member's chosen status (hash), so a snapshot costs two commands. */
  private statusesKey(accountId: string): string {
    return `${this.prefix}:presence:${enc(accountId)}:statuses`;
  }

  private expiringKey(): string {
    return `${this.prefix}:presence:expiring`;
  }

  private record(accountId: string, userId: string, r: Reply): PresenceRecord {
    const status = PresenceStatus.safeParse(r[2]);
    const lastSeen = Number(r[3]);
    const rec: PresenceRecord = {
      accountId,
      userId,
      status: status.success ? status.data : 'online',
      connections: r[1] ?? 0,
      lastSeen: new Date(Number.isFinite(lastSeen) ? lastSeen : this.opts.now()).toISOString(),
    };
    if (r[4]) {
      try {
        const profile = Profile.safeParse(JSON.parse(r[4]));
        if (profile.success) Object.assign(rec, profile.data);
      } catch {
        // A profile written by a different version: the record stands without it.
      }
    }
    return rec;
  }
}

const enc = encodeURIComponent;
const member = (accountId: string, userId: string) => `${accountId}\n${userId}`;
