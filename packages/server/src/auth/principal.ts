import { Id, Role } from '@switchboard/protocol';
import { z } from 'zod';

/**
 * The claims Switchboard reads from a token. The tenant may be named by any
 * of the names issuers use for it (`accountId`, `workspaceId`, `tenantId`, `orgId`); `accountId` wins when several are set.
 */
export const Claims = z
  .object({
    sub: Id,
    accountId: Id.optional(),
    workspaceId: Id.optional(),
    tenantId: Id.optional(),
    orgId: Id.optional(),
    // No default: a token that does not say who its bearer is gets no rights at all (AUTH_TOKEN_INVALID).
    role: Role,
    email: z.string().max(320).optional(),
    name: z.string().max(200).optional(),
    teamIds: z.array(Id).max(100).default([]),
    exp: z.number(),
  })
  .refine((c) => c.accountId ?? c.workspaceId ?? c.tenantId ?? c.orgId, { message: 'token names no tenant' });

/** Who is on the other end of a socket or an HTTP request. */
export interface Principal {
  userId: string;
  accountId: string;
  role: Role;
  email: string | null;
  name: string | null;
  teamIds: string[];
  /** Expiry, in seconds since the epoch. */
  exp: number;
}

export function principalFromClaims(raw: unknown): Principal | null {
  const parsed = Claims.safeParse(raw);
  if (!parsed.success) return null;
  const c = parsed.data;
  return {
    userId: c.sub,
    accountId: (c.accountId ?? c.workspaceId ?? c.tenantId ?? c.orgId) as string,
    role: c.role,
    email: c.email ?? null,
    name: c.name ?? null,
    teamIds: c.teamIds,
    exp: c.exp,
  };
}
