import { AiSettings, type AiSettingsPatch, HandoffRules, TriageRules } from '@switchboard/protocol';

import type { StoredAiSettings } from '../storage/repos/ai-settings';

/** What a tenant starts from; every part is editable over `PATCH /api/ai/settings`. */
export const DEFAULT_RULES: TriageRules = {
  priorities: [
    { priority: 'urgent', keywords: ['urgent', 'asap', 'emergency', 'outage', 'is down', 'immediately', 'critical', 'security breach'] },
    { priority: 'high', keywords: ['refund', 'charged twice', 'not working', 'broken', 'cannot log in', 'locked out', 'error', 'failed'] },
    { priority: 'low', keywords: ['feature request', 'suggestion', 'just wondering', 'no rush', 'feedback'] },
  ],
  categories: [
    { category: 'billing', keywords: ['invoice', 'refund', 'charge', 'charged', 'payment', 'billing', 'subscription', 'price', 'card'] },
    { category: 'account', keywords: ['password', 'log in', 'login', 'account', 'sign in', 'locked out', 'two-factor', 'email address'] },
    { category: 'technical', keywords: ['error', 'bug', 'crash', 'not working', 'broken', 'slow', 'api', 'install'] },
    { category: 'shipping', keywords: ['shipping', 'delivery', 'package', 'tracking', 'order', 'arrived'] },
  ],
  defaultPriority: 'medium',
  defaultCategory: 'general',
};

export const DEFAULT_HANDOFF: HandoffRules = {
  confidenceThreshold: 0.4,
  humanRequestPhrases: [
    'human',
    'real person',
    'talk to someone',
    'speak to someone',
    'talk to an agent',
    'speak to an agent',
    'live agent',
    'representative',
    'operator',
    'customer service',
    'a person',
  ],
  negativeSentimentCount: 2,
  keywords: [],
  destination: null,
};

/**
 * A tenant's settings with defaults filled in. A stored section that no longer
 * parses (a schema change) falls back to the default rather than stopping AI work.
 */
export function resolveSettings(accountId: string, stored: StoredAiSettings | null): AiSettings {
  const rules = TriageRules.partial().safeParse(stored?.rules ?? {});
  const handoff = HandoffRules.partial().safeParse(stored?.handoff ?? {});
  return {
    accountId,
    enabled: stored?.enabled ?? false,
    rules: { ...DEFAULT_RULES, ...(rules.success ? rules.data : {}) },
    handoff: { ...DEFAULT_HANDOFF, ...(handoff.success ? handoff.data : {}) },
    updatedAt: stored?.updatedAt ?? null,
  };
}

/** Applies a patch: each section given replaces those keys of the current section. */
export function patchSettings(current: AiSettings, patch: AiSettingsPatch): AiSettings {
  return AiSettings.parse({
    ...current,
    enabled: patch.enabled ?? current.enabled,
    rules: { ...current.rules, ...patch.rules },
    handoff: { ...current.handoff, ...patch.handoff },
  });
}
