import type { Message } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';

import { Bm25Index } from '../../src/ai/bm25';
import { summarizeForHandoff } from '../../src/ai/conversation-summary';
import { DEFAULT_HANDOFF, DEFAULT_RULES, patchSettings, resolveSettings } from '../../src/ai/default-settings';
import { guessLanguage } from '../../src/ai/language';
import { classifyByRules, handoffBeforeReply } from '../../src/ai/rules';
import { analyse, containsPhrase } from '../../src/ai/text-analysis';

describe('BM25', () => {
  const index = new Bm25Index([
    { id: 'password', terms: analyse('Reset your password from the security settings').terms },
    { id: 'billing', terms: analyse('Update the card used for billing in the settings').terms },
    { id: 'shipping', terms: analyse('Track a package with the tracking number of your order').terms },
  ]);

  it('ranks the document sharing the rarest words first and leaves out those sharing none', () => {
    const hits = index.search(analyse('how do I reset my password in settings').terms);
    expect(hits.map((h) => h.id)).toEqual(['password', 'billing']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(index.search(analyse('what is the weather like').terms)).toEqual([]);
  });

  it('scores how much of the question a document covers, counting words no document has at half weight', () => {
    expect(index.search(analyse('reset password').terms)[0]!.coverage).toBe(1);
    const partial = index.search(analyse('reset password, this is ridiculous').terms)[0]!.coverage;
    expect(partial).toBeGreaterThan(0.4);
    expect(partial).toBeLessThan(1);
  });
});

describe('triage rules', () => {
  it('matches whole words and phrases, ignoring case and word endings', () => {
    expect(containsPhrase(analyse('Refunds, please!'), 'refund')).toBe(true);
    expect(containsPhrase(analyse('That is inhumane'), 'human')).toBe(false);
    expect(containsPhrase(analyse("I can't log in"), 'cannot log in')).toBe(true);
    expect(containsPhrase(analyse('Let me talk to an agent'), 'talk to an agent')).toBe(true);
  });

  it('takes the first matching priority rule and the category with most matching keywords', () => {
    expect(classifyByRules(analyse('The site is down, urgent! I also need a refund for the invoice'), DEFAULT_RULES)).toMatchObject({
      priority: 'urgent',
      category: 'billing',
      language: 'en',
    });
    expect(classifyByRules(analyse('Just wondering about a feature request'), DEFAULT_RULES)).toMatchObject({
      priority: 'low',
      category: 'general',
    });
  });

  it('raises a strongly negative message to at least high priority', () => {
    expect(classifyByRules(analyse('This is the worst, I hate it, awful and terrible'), DEFAULT_RULES)).toMatchObject({
      priority: 'high',
      sentiment: 'negative',
    });
  });

  it('decides a handoff before any reply: a request for a person first, then a keyword, then repeated negativity', () => {
    const rules = { ...DEFAULT_HANDOFF, keywords: ['lawyer'] };
    expect(handoffBeforeReply(analyse('my lawyer wants a human'), 0, rules)).toMatchObject({ trigger: 'human_requested' });
    expect(handoffBeforeReply(analyse('my lawyer will call'), 0, rules)).toMatchObject({ trigger: 'keyword', detail: 'lawyer' });
    expect(handoffBeforeReply(analyse('this is bad'), 2, rules)).toMatchObject({ trigger: 'negative_sentiment' });
    expect(handoffBeforeReply(analyse('this is bad'), 1, rules)).toBeNull();
    expect(handoffBeforeReply(analyse('this is bad'), 5, { ...rules, negativeSentimentCount: 0 })).toBeNull();
  });

  it('guesses the language from function words', () => {
    expect(guessLanguage(analyse('Hola, quiero cambiar la contraseña de mi cuenta').words)).toBe('es');
    expect(guessLanguage(analyse('Bonjour, je ne peux pas me connecter à mon compte').words)).toBe('fr');
    expect(guessLanguage(analyse('Hallo, ich kann mich nicht anmelden').words)).toBe('de');
    expect(guessLanguage(analyse('12345').words)).toBe('und');
  });
});

describe('AI settings', () => {
  it('fills defaults, keeps AI off until turned on, and replaces only the keys a patch names', () => {
    const fresh = resolveSettings('acme', null);
    expect(fresh).toMatchObject({ enabled: false, handoff: { confidenceThreshold: 0.4, negativeSentimentCount: 2 } });
    const next = patchSettings(fresh, { enabled: true, handoff: { keywords: ['lawyer'] } });
    expect(next).toMatchObject({ enabled: true, handoff: { keywords: ['lawyer'], confidenceThreshold: 0.4 }, rules: DEFAULT_RULES });
  });
});

describe('handoff summary', () => {
  const msg = (role: Message['role'], content: string): Message => ({
    id: content,
    conversationId: 'c',
    accountId: 'a',
    role,
    senderId: null,
    content,
    contentType: 'text',
    clientMessageId: null,
    status: 'sent',
    createdAt: '',
  });

  it('says why, what the customer first asked and said last, and the triage', () => {
    const summary = summarizeForHandoff({
      history: [
        msg('USER', 'My order never arrived'),
        msg('ASSISTANT', 'Here is how to track it'),
        msg('USER', 'Still nothing, this is awful'),
      ],
      trigger: 'negative_sentiment',
      classification: { priority: 'high', sentiment: 'negative', category: 'shipping', language: 'en' },
    });
    expect(summary).toBe(
      'Handed off because the customer is unhappy. Customer asked: "My order never arrived". Latest: "Still nothing, this is awful". ' +
        'Triage: shipping, high priority, negative sentiment, language en. 2 customer messages, 1 AI reply.',
    );
  });
});
