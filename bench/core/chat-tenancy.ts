import type { ServerTarget } from '../targets/server-target';

/**
 * How the chat scenarios place their conversations:
 * - `per-conversation`: each conversation in a tenant of its own, its sender and listeners agents of it
 *   (with seed 000's rooms every agent of a tenant hears all of its messages, so this keeps
 *   "N listeners" exact);
 * - `one`: every conversation in ONE tenant, each belonging to a customer of its own whose sockets are
 *   the sender and the listeners (customers hear only their own conversations, so the count still
 *   holds). This is the case of a help desk's biggest customer: every write is the same tenant's.
 */
export type ChatTenancy = 'per-conversation' | 'one';

/** Whether `target` can run `tenancy`: one tenant needs conversations its customers create (Switchboard's contract). */
export function supportsTenancy(target: ServerTarget, tenancy: ChatTenancy): boolean {
  return tenancy === 'per-conversation' || target.chat?.conversations === 'http';
}

/** The load generator's group specs: tenant and claims of each conversation's sockets. */
export function chatGroupSpecs(
  target: ServerTarget,
  count: number,
  tenancy: ChatTenancy,
): Array<{ tenantId: string; extraClaims: Record<string, unknown> }> {
  return Array.from({ length: count }, (_, g) => {
    if (tenancy === 'per-conversation') {
      const tenantId = `bench-chat-${g + 1}`;
      return { tenantId, extraClaims: target.extraClaims(tenantId) };
    }
    const tenantId = 'bench-chat-one';
    const sub = `bench-customer-${g + 1}`;
    return {
      tenantId,
      extraClaims: {
        ...target.extraClaims(tenantId),
        sub,
        role: 'customer',
        email: `${sub}@bench.invalid`,
        name: `Bench Customer ${g + 1}`,
      },
    };
  });
}
