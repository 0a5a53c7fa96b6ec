import type { PresenceEntry, PresenceStatus } from '@switchboard/protocol';

import { SwitchboardError } from './api-error';
import type { NamespaceConnection } from './namespace-connection';
import { DefaultOut, NAMESPACE_PATHS, PresenceOut } from './protocol-constants';
import type { SwitchboardClient } from './switchboard-client';

export type PresenceMap = ReadonlyMap<string, PresenceEntry>;

/**
 * Staff presence from every source the server offers: the `/presence`
 * namespace (subscribe, list, update, and any status) when the server has it,
 * and `agent_online` / `agent_offline` on `/` always. Without `/presence`
 * only online and offline can be set; `setStatus` says so by rejecting.
 */
export class PresenceTracker {
  private readonly entries = new Map<string, PresenceEntry>();
  private readonly watched = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private snapshot: PresenceMap = new Map();
  private readonly offs: Array<() => void> = [];
  private readonly ns: NamespaceConnection<'/presence'>;

  constructor(private readonly client: SwitchboardClient) {
    this.ns = client.namespace(NAMESPACE_PATHS.presence);
  }

  start(): void {
    if (this.offs.length) return;
    this.offs.push(
      this.client.onFact((fact) => {
        if (fact.kind !== 'presence') return;
        this.entries.set(fact.userId, { userId: fact.userId, status: fact.status, lastSeen: fact.lastSeen });
        this.publish();
      }),
      // A (re)connected /presence forgets subscriptions: ask again for everyone watched.
      this.ns.onState((s) => {
        if (s.status === 'connected') void this.requestList([...this.watched]);
        else this.publish();
      }),
      // Our own status is worth knowing as soon as we know who we are.
      this.client.onState((s) => {
        if (s.session && !this.watched.has(s.session.userId)) this.watch([s.session.userId]);
      }),
    );
    const me = this.client.session?.userId;
    if (me) this.watch([me]);
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
  }

  /** Whether busy and away can be set: only through `/presence`. */
  get fullStatusAvailable(): boolean {
    return this.ns.state.status === 'connected';
  }

  get namespaceAvailable(): boolean {
    return this.ns.state.status !== 'unavailable';
  }

  watch(userIds: string[]): void {
    const fresh = userIds.filter((id) => !this.watched.has(id));
    for (const id of fresh) this.watched.add(id);
    if (fresh.length) void this.requestList(fresh);
  }

  async setStatus(status: PresenceStatus): Promise<void> {
    if (this.ns.connected) {
      await this.ns.request(PresenceOut['presence:status'], { status });
    } else if (status === 'online' || status === 'offline') {
      await this.client.request(status === 'online' ? DefaultOut.agent_online : DefaultOut.agent_offline, {});
    } else {
      throw new SwitchboardError('NOT_FOUND', `This server has no /presence namespace, so "${status}" cannot be set`);
    }
    const me = this.client.session?.userId;
    if (me) {
      this.entries.set(me, { userId: me, status, lastSeen: new Date().toISOString() });
      this.publish();
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getSnapshot(): PresenceMap {
    return this.snapshot;
  }

  private async requestList(userIds: string[]): Promise<void> {
    if (!userIds.length || !this.ns.connected) return;
    try {
      for (let i = 0; i < userIds.length; i += 200) {
        const list = (await this.ns.request(PresenceOut['presence:subscribe'], { userIds: userIds.slice(i, i + 200) })) as
          PresenceEntry[] | undefined;
        for (const e of list ?? []) this.entries.set(e.userId, e);
      }
      this.publish();
    } catch {
      // The list also arrives as presence:list; a failed ack only costs the initial state.
    }
  }

  private publish(): void {
    this.snapshot = new Map(this.entries);
    for (const l of [...this.listeners]) l();
  }
}
