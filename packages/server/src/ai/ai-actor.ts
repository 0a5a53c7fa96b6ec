import type { Actor } from '../access/policy';

/**
 * Who AI work acts as when it writes through the ordinary services: an agent of
 * the tenant, named after the AI agent (or `ai`), with the same checks a person
 * would pass. Its id never matches a token's, since tokens name people.
 */
export function aiActor(accountId: string, aiAgentId?: string | null): Actor {
  return { userId: aiAgentId ?? 'ai', accountId, role: 'agent', teamIds: [] };
}
