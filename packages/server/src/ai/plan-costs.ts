import { z } from 'zod';

export const ActionCosts = z.object({
  classification: z.number().int().min(0),
  draft: z.number().int().min(0),
  reply: z.number().int().min(0),
});
export type ActionCosts = z.infer<typeof ActionCosts>;
export type PlanCosts = Record<string, Partial<ActionCosts>>;

/** `AI_PLAN_COSTS`: JSON from plan name to the costs that differ from the defaults. */
export const PlanCostsFromEnv = z
  .string()
  .optional()
  .transform((raw, ctx): PlanCosts => {
    if (!raw || raw.trim() === '') return {};
    try {
      const parsed = z.record(z.string(), ActionCosts.partial()).safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data;
    } catch {
      // Reported below, under the variable's name.
    }
    ctx.addIssue({ code: 'custom', message: 'must be JSON like {"pro":{"classification":0,"draft":0,"reply":1}}' });
    return z.NEVER;
  });
