import type { Classification, HandoffRules, HandoffTrigger, TriageRules } from '@switchboard/protocol';

import { matchingPhrases, type TextAnalysis } from './text-analysis';

/** wink-nlp scores from -1 to 1; small scores are noise, not a mood. */
const NEGATIVE_BELOW = -0.1;
const POSITIVE_ABOVE = 0.1;

export function sentimentOf(score: number): Classification['sentiment'] {
  if (score < NEGATIVE_BELOW) return 'negative';
  if (score > POSITIVE_ABOVE) return 'positive';
  return 'neutral';
}

/**
 * Priority and category from the tenant's keyword rules: the first priority
 * rule that matches wins (rules are listed most urgent first); the category
 * with the most matching keywords wins. A strongly negative message is at least
 * high priority. Confidence grows with the evidence found.
 */
export function classifyByRules(text: TextAnalysis, rules: TriageRules): Required<Classification> {
  const sentiment = sentimentOf(text.sentiment);
  let priority = rules.defaultPriority;
  for (const rule of rules.priorities) {
    if (matchingPhrases(text, rule.keywords).length > 0) {
      priority = rule.priority;
      break;
    }
  }
  if (text.sentiment <= -0.5 && (priority === 'low' || priority === 'medium')) priority = 'high';

  let category = rules.defaultCategory;
  let bestHits = 0;
  for (const rule of rules.categories) {
    const hits = matchingPhrases(text, rule.keywords).length;
    if (hits > bestHits) {
      category = rule.category;
      bestHits = hits;
    }
  }
  const confidence = bestHits === 0 ? 0.3 : Math.min(0.95, 0.6 + 0.1 * bestHits);
  return { priority, sentiment, category, language: text.language, confidence };
}

export interface HandoffDecision {
  trigger: HandoffTrigger;
  /** What matched, for the summary: the phrase, the keyword, or the count. */
  detail: string;
}

/**
 * The rules that need no reply to decide, in order of how clearly the customer
 * said it: asked for a person, used a handoff keyword, was unhappy too often.
 * `negativeCount` includes this message when it is negative.
 */
export function handoffBeforeReply(text: TextAnalysis, negativeCount: number, rules: HandoffRules): HandoffDecision | null {
  const asked = matchingPhrases(text, rules.humanRequestPhrases)[0];
  if (asked) return { trigger: 'human_requested', detail: asked };
  const keyword = matchingPhrases(text, rules.keywords)[0];
  if (keyword) return { trigger: 'keyword', detail: keyword };
  if (rules.negativeSentimentCount > 0 && negativeCount >= rules.negativeSentimentCount) {
    return { trigger: 'negative_sentiment', detail: `${negativeCount} negative messages` };
  }
  return null;
}
