import model from 'wink-eng-lite-web-model';
import winkNLP, { type ItemToken, type ItsFunction, type WinkMethods } from 'wink-nlp';

import { guessLanguage } from './language';

/** What the AI reads from a text: words to match rules on, terms to rank by, sentences, sentiment. */
export interface TextAnalysis {
  /** Every word, lower-cased and stemmed (contractions expanded: "can't" is "can not"), in order. */
  words: string[];
  /** Words that carry meaning (no stop words, no punctuation), stemmed: what retrieval ranks on. */
  terms: string[];
  sentences: string[];
  /** wink-nlp's sentiment, from -1 (negative) to 1 (positive). */
  sentiment: number;
  /** ISO 639-1 code, or `und` when the text gives no hint. */
  language: string;
}

let nlp: WinkMethods | null = null;

/** The English model is loaded on first use (about 250 ms), not when the server starts without AI. */
function engine(): WinkMethods {
  nlp ??= winkNLP(model, ['sbd', 'negation', 'sentiment']);
  return nlp;
}

/* eslint-disable @typescript-eslint/unbound-method -- wink-nlp's `its.*` are plain functions made to be passed to out() */
export function analyse(text: string): TextAnalysis {
  const doc = engine().readDoc(text);
  const its = engine().its;
  const words: string[] = [];
  const terms: string[] = [];
  const normals: string[] = [];
  doc.tokens().each((t: ItemToken) => {
    const type = t.out(its.type);
    if (type !== 'word' && type !== 'number') return;
    const normal = String(t.out(its.normal));
    normals.push(normal);
    // A contraction's stem is a fragment ("ca", "n't"); its normal form ("can", "not") matches phrases.
    const word = t.out(its.contractionFlag) === true ? normal : String(t.out(its.stem as unknown as ItsFunction<string>));
    words.push(word);
    if (t.out(its.stopWordFlag) !== true && word.length > 1) terms.push(word);
  });
  return {
    words,
    terms,
    sentences: doc.sentences().out(),
    sentiment: Number(doc.out(its.sentiment)) || 0,
    language: guessLanguage(normals),
  };
}
/* eslint-enable @typescript-eslint/unbound-method */

const phraseCache = new Map<string, string>();

/** A phrase as the padded word sequence {@link containsPhrase} looks for. */
function phraseKey(phrase: string): string {
  let key = phraseCache.get(phrase);
  if (key === undefined) {
    key = ` ${analyse(phrase).words.join(' ')} `;
    if (phraseCache.size > 10_000) phraseCache.clear();
    phraseCache.set(phrase, key);
  }
  return key;
}

/** Whole words, in order, ignoring case and word endings: "refund" matches "Refunds?" but "human" not "inhumane". */
export function containsPhrase(text: TextAnalysis, phrase: string): boolean {
  const key = phraseKey(phrase);
  return key.trim() !== '' && ` ${text.words.join(' ')} `.includes(key);
}

/** The phrases of `phrases` that occur in the text. */
export function matchingPhrases(text: TextAnalysis, phrases: readonly string[]): string[] {
  return phrases.filter((p) => containsPhrase(text, p));
}
