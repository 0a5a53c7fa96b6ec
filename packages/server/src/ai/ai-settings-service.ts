import type { AiSettings, AiSettingsPatch } from '@switchboard/protocol';
import { can, type Actor } from '../access/policy';
import { forbidden } from '../errors';
import type { Db } from '../storage/db';
import { AiSettingsRepo } from '../storage/repos/ai-settings';
import { patchSettings, resolveSettings } from './default-settings';

/** A tenant's AI switch, triage rules and handoff rules. */
export class AiSettingsService {
  constructor(private readonly db: Db) {}

  async get(accountId: string): Promise<AiSettings> {
    return resolveSettings(accountId, await new AiSettingsRepo(this.db).get(accountId));
  }

  async read(actor: Actor): Promise<AiSettings> {
    if (actor.role === 'customer') throw forbidden('AI settings are for staff');
    return this.get(actor.accountId);
  }

  async update(actor: Actor, patch: AiSettingsPatch): Promise<AiSettings> {
    if (!can.manageAi(actor)) throw forbidden('Only admins change AI settings');
    return this.db.transaction(async (tx) => {
      const repo = new AiSettingsRepo(tx);
      const next = patchSettings(resolveSettings(actor.accountId, await repo.get(actor.accountId)), patch);
      const saved = await repo.put({ accountId: actor.accountId, enabled: next.enabled, rules: next.rules, handoff: next.handoff });
      return { ...next, updatedAt: saved.updatedAt };
    });
  }
}
