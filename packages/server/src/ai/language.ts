/**
 * Language hints from function words. The NLP model is English-only; this only
 * has to tell agents (and the reply prompt) which language a customer writes in.
 */
const MARKERS: Record<string, readonly string[]> = {
  en: ['the', 'is', 'and', 'i', 'you', 'my', 'to', 'it', 'not', 'what', 'how', 'do', 'was', 'with', 'have', 'this', 'please'],
  es: ['el', 'la', 'los', 'las', 'es', 'y', 'que', 'mi', 'no', 'por', 'para', 'con', 'una', 'un', 'quiero', 'hola', 'gracias'],
  fr: ['le', 'la', 'les', 'est', 'et', 'je', 'mon', 'ma', 'pas', 'pour', 'avec', 'une', 'un', 'bonjour', 'merci', 'vous', 'ne'],
  de: ['der', 'die', 'das', 'ist', 'und', 'ich', 'mein', 'nicht', 'mit', 'für', 'ein', 'eine', 'hallo', 'danke', 'sie', 'wie'],
  pt: ['o', 'os', 'as', 'é', 'e', 'que', 'meu', 'minha', 'não', 'para', 'com', 'uma', 'um', 'olá', 'obrigado', 'você'],
  it: ['il', 'lo', 'gli', 'è', 'e', 'che', 'mio', 'mia', 'non', 'per', 'con', 'una', 'un', 'ciao', 'grazie', 'sono'],
  nl: ['de', 'het', 'een', 'is', 'en', 'ik', 'mijn', 'niet', 'voor', 'met', 'hallo', 'bedankt', 'je', 'wat', 'hoe'],
};

/** The language whose function words occur most (English wins ties); `und` when none occur. */
export function guessLanguage(words: readonly string[]): string {
  let best = 'und';
  let bestHits = 0;
  for (const [code, markers] of Object.entries(MARKERS)) {
    const set = new Set(markers);
    const hits = words.reduce((n, w) => n + (set.has(w) ? 1 : 0), 0);
    if (hits > bestHits) {
      best = code;
      bestHits = hits;
    }
  }
  return best;
}
