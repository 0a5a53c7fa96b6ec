import type { AiSettings, AiSettingsPatch } from '@switchboard/protocol';

import { type Actor, can } from '../access/policy';
import { forbidden } from '../errors';
import type { Db } from '../storage/db';
import { AiSettingsRepo } from '../storage/repos/ai-settings';
import { patchSettings, resolveSettings } from './default-settings';

/** A tenant's AI switch, triage rules and handoff rules. */
export class AiSettingsService {
  /** Recent reads for {@link getRecent}, by tenant. */
  private readonly recent = new Map<string, { at: number; settings: Promise<AiSettings> }>();

  constructor(private readonly db: Db) {}

  async get(accountId: string): Promise<AiSettings> {
    return resolveSettings(accountId, await new AiSettingsRepo(this.db).get(accountId));
  }

  /**
   * The settings as read at most `maxAgeMs` ago: for the hook every customer message passes
   * through, so a message costs no read (docs/decisions.md, "The write pipeline"). A change made
   * on this node applies at once; one made on another node within `maxAgeMs`.
   */
  getRecent(accountId: string, maxAgeMs = 1_000): Promise<AiSettings> {
    const now = Date.now();
    const hit = this.recent.get(accountId);
    if (hit && now - hit.at <= maxAgeMs) return hit.settings;
    if (this.recent.size > 10_000) this.recent.clear();
    const settings = this.get(accountId);
    this.recent.set(accountId, { at: now, settings });
    settings.catch(() => this.recent.delete(accountId));
    return settings;
  }

  async read(actor: Actor): Promise<AiSettings> {
    if (actor.role === 'customer') throw forbidden('AI settings are for staff');
    return this.get(actor.accountId);
  }

  async update(actor: Actor, patch: AiSettingsPatch): Promise<AiSettings> {
    if (!can.manageAi(actor)) throw forbidden('Only admins change AI settings');
    return this.db
      .transaction(async (tx) => {
        const repo = new AiSettingsRepo(tx);
        const next = patchSettings(resolveSettings(actor.accountId, await repo.get(actor.accountId)), patch);
        const saved = await repo.put({ accountId: actor.accountId, enabled: next.enabled, rules: next.rules, handoff: next.handoff });
        return { ...next, updatedAt: saved.updatedAt };
      })
      .finally(() => this.recent.delete(actor.accountId));
  }
}
