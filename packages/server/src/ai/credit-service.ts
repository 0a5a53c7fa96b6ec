import { randomUUID } from 'node:crypto';

import type { CreditLedgerEntry, CreditReason } from '@switchboard/protocol';

import { type Actor, can } from '../access/policy';
import type { DomainEvent } from '../domain/domain-event';
import { logEvents } from '../domain/event-log';
import type { Publisher } from '../domain/publisher';
import { forbidden, notFound } from '../errors';
import type { Db, Queryable } from '../storage/db';
import { AccountsRepo } from '../storage/repos/accounts';
import { CreditLedgerRepo } from '../storage/repos/credit-ledger';
import type { ActionCosts, PlanCosts } from './plan-costs';

const PlanName = (plan: Record<string, unknown>): string | null => (typeof plan.name === 'string' ? plan.name : null);

/**
 * Credits: a ledger per tenant. AI work checks the balance before it
 * starts and pays when it has produced something, each charge naming what it
 * pays for (`ref`), so a retried job pays once. Every movement is announced as
 * `credits_updated { balance, delta, reason }`.
 */
export class CreditService {
  constructor(
    private readonly db: Db,
    private readonly publisher: Publisher,
    private readonly prices: { defaults: ActionCosts; plans: PlanCosts },
  ) {}

  async balance(accountId: string): Promise<number> {
    return (await new AccountsRepo(this.db).get(accountId))?.creditBalance ?? 0;
  }

  /** What each AI action costs this tenant: its plan's own `aiCosts`, else AI_PLAN_COSTS for its plan name, else the defaults. */
  async costs(accountId: string): Promise<ActionCosts> {
    const plan = (await new AccountsRepo(this.db).get(accountId))?.plan ?? {};
    const name = PlanName(plan);
    const own = typeof plan.aiCosts === 'object' && plan.aiCosts !== null ? (plan.aiCosts as Partial<ActionCosts>) : {};
    return { ...this.prices.defaults, ...(name ? this.prices.plans[name] : {}), ...pickCosts(own) };
  }

  /** Charges inside the caller's transaction; returns the event to log with it (none for a free action or a repeat). */
  async chargeIn(tx: Queryable, accountId: string, reason: CreditReason, ref: string, cost: number): Promise<DomainEvent[]> {
    if (cost <= 0) return [];
    const result = await new CreditLedgerRepo(tx).apply({ accountId, delta: -cost, reason, ref: `${reason}:${ref}` });
    if (result.kind !== 'applied') return [];
    return [{ type: 'credits.updated', accountId, balance: result.entry.balanceAfter, delta: result.entry.delta, reason }];
  }

  async charge(accountId: string, reason: CreditReason, ref: string, cost: number): Promise<void> {
    const logged = await this.db.transaction(async (tx) => logEvents(tx, await this.chargeIn(tx, accountId, reason, ref, cost)));
    logged.forEach((e) => this.publisher.publish(e));
  }

  /** Admins add credits; the same `ref` (a payment id) adds them once. */
  async topup(
    actor: Actor,
    input: { amount: number; ref?: string | undefined },
  ): Promise<{ balance: number; entry: CreditLedgerEntry; created: boolean }> {
    if (!can.manageAi(actor)) throw forbidden('Only admins top up credits');
    const ref = `topup:${input.ref ?? randomUUID()}`;
    const { result, logged } = await this.db.transaction(async (tx) => {
      const result = await new CreditLedgerRepo(tx).apply({ accountId: actor.accountId, delta: input.amount, reason: 'topup', ref });
      if (result.kind === 'no_account') throw notFound('Account');
      const events: DomainEvent[] =
        result.kind === 'applied'
          ? [
              {
                type: 'credits.updated',
                accountId: actor.accountId,
                balance: result.entry.balanceAfter,
                delta: result.entry.delta,
                reason: 'topup',
              },
            ]
          : [];
      return { result, logged: await logEvents(tx, events) };
    });
    logged.forEach((e) => this.publisher.publish(e));
    return { balance: await this.balance(actor.accountId), entry: result.entry, created: result.kind === 'applied' };
  }

  async statement(actor: Actor, limit?: number): Promise<{ balance: number; costs: ActionCosts; ledger: CreditLedgerEntry[] }> {
    if (actor.role === 'customer') throw forbidden('Credits are for staff');
    const [balance, costs, ledger] = [
      await this.balance(actor.accountId),
      await this.costs(actor.accountId),
      await new CreditLedgerRepo(this.db).list(actor.accountId, limit),
    ];
    return { balance, costs, ledger };
  }
}

function pickCosts(raw: Partial<ActionCosts>): Partial<ActionCosts> {
  const out: Partial<ActionCosts> = {};
  for (const key of ['classification', 'draft', 'reply'] as const) {
    const v = raw[key];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) out[key] = v;
  }
  return out;
}
