import type { AiAgentStatus } from '@switchboard/protocol';

import { AppError } from '../errors';
import type { Db } from '../storage/db';
import { ConversationsRepo } from '../storage/repos/conversations';
import type { CustomRoom, DomainEvent } from './domain-event';
import { logEvents } from './event-log';
import type { PresenceService } from './presence-service';
import type { Publisher } from './publisher';

/** Names Socket.IO keeps for itself; emitting them would confuse every client. */
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener', 'error']);

/**
 * The API backend code in the same process publishes with: the AI platform's
 * `emitToWorkspace` / `emitToConversation`, the help desk's `broadcastToAccount` /
 * `broadcastToConversation` / `isAgentOnline` / `getOnlineAgents`, and the typed
 * facts of the AI platform (handoff, AI agent status, credits). Everything sent is logged, so
 * a client that was away gets it on reconnect.
 *
 * @example
 * await switchboard.broadcast.emitToWorkspace('acme', 'report_ready', { id: 'r1' });
 * await switchboard.broadcast.creditsUpdated('acme', { balance: 90, delta: -10, reason: 'ai_reply' });
 */
export class BroadcastService {
  constructor(
    private readonly db: Db,
    private readonly publisher: Publisher,
    private readonly presence: PresenceService,
  ) {}

  async emit(accountId: string, room: CustomRoom, event: string, payload: unknown): Promise<void> {
    if (RESERVED.has(event)) throw new AppError('VALIDATION_FAILED', `"${event}" is reserved by Socket.IO`);
    if (room.kind === 'conversation') {
      const conversation = await new ConversationsRepo(this.db).get(accountId, room.id);
      if (!conversation) throw new AppError('ROOM_NOT_FOUND', 'No such conversation in this tenant');
    }
    await this.raise({ type: 'custom', accountId, room, event, payload });
  }

  emitToWorkspace(workspaceId: string, event: string, data: unknown): Promise<void> {
    return this.emit(workspaceId, { kind: 'tenant' }, event, data);
  }

  /** The caller may name only the conversation; its tenant is looked up so the room cannot be another tenant's. */
  async emitToConversation(conversationId: string, event: string, data: unknown, accountId?: string): Promise<void> {
    const tenant =
      accountId ??
      (await this.db.query<{ account_id: string }>('SELECT account_id FROM conversations WHERE id = $1', [conversationId]))[0]?.account_id;
    if (!tenant) throw new AppError('ROOM_NOT_FOUND', 'No such conversation');
    return this.emit(tenant, { kind: 'conversation', id: conversationId }, event, data);
  }

  broadcastToAccount(accountId: string, event: string, data: unknown): Promise<void> {
    return this.emitToWorkspace(accountId, event, data);
  }

  broadcastToConversation(conversationId: string, event: string, data: unknown, accountId?: string): Promise<void> {
    return this.emitToConversation(conversationId, event, data, accountId);
  }

  async isAgentOnline(accountId: string, agentId: string): Promise<boolean> {
    return this.presence.isOnline(accountId, agentId);
  }

  async getOnlineAgents(accountId: string): Promise<{ userId: string; status: string; lastSeen: string }[]> {
    return (await this.presence.online(accountId)).map(({ userId, status, lastSeen }) => ({ userId, status, lastSeen }));
  }

  handoffTriggered(accountId: string, h: Omit<Extract<DomainEvent, { type: 'handoff.triggered' }>, 'type' | 'accountId'>): Promise<void> {
    return this.raise({ type: 'handoff.triggered', accountId, ...h });
  }

  agentStatusChanged(accountId: string, agentId: string, status: AiAgentStatus): Promise<void> {
    return this.raise({ type: 'ai_agent.status_changed', accountId, agentId, status });
  }

  creditsUpdated(accountId: string, c: { balance: number; delta: number; reason: string }): Promise<void> {
    return this.raise({ type: 'credits.updated', accountId, ...c });
  }

  private async raise(e: DomainEvent): Promise<void> {
    const logged = await this.db.transaction((tx) => logEvents(tx, [e]));
    logged.forEach((l) => this.publisher.publish(l));
  }
}
