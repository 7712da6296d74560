// Runs in: node (approval worker). The Universal Sentence Encoder lite tokenizer: a unigram
// SentencePiece model given as a scored vocabulary, segmented by Viterbi over a trie. It follows
// Google's tfjs-models USE tokenizer so ids match what the model was trained with; the
// @energetic-ai packages ship only the vocabulary, not this code.

/** `[piece, log-probability]` rows, as in the model package's vocab.json. */
export type Vocabulary = readonly (readonly [string, number])[];

const SEPARATOR = '\u2581';
// <unk>, <s>, </s> and three spare ids lead the vocabulary and never come out of segmentation.
const RESERVED_SYMBOLS = 6;
export const UNKNOWN_ID = 0;

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Set when a piece ends here. */
  id: number;
  score: number;
}

const node = (): TrieNode => ({ children: new Map(), id: -1, score: 0 });

export class SentencePieceTokenizer {
  private readonly root = node();
  private readonly lengths: number[];

  constructor(private readonly vocabulary: Vocabulary) {
    this.lengths = vocabulary.map(([piece]) => [...piece].length);
    for (let id = RESERVED_SYMBOLS; id < vocabulary.length; id++) {
      const [piece, score] = vocabulary[id]!;
      let at = this.root;
      for (const symbol of piece) {
        let next = at.children.get(symbol);
        if (!next) at.children.set(symbol, (next = node()));
        at = next;
      }
      at.id = id;
      at.score = score;
    }
  }

  get size(): number {
    return this.vocabulary.length;
  }

  piece(id: number): string {
    return this.vocabulary[id]?.[0] ?? '';
  }

  score(id: number): number {
    return this.vocabulary[id]?.[1] ?? 0;
  }

  encode(text: string): number[] {
    const normalised = text.normalize('NFKC');
    if (normalised.length === 0) return [];
    const symbols = [...(SEPARATOR + normalised.replace(/ /g, SEPARATOR))];
    const n = symbols.length;
    // best[end] = best total score of a segmentation of symbols[0..end); 0 doubles as "unset",
    // exactly as in the reference implementation (scores are negative).
    const best = new Float64Array(n + 1);
    const words = new Int32Array(n + 1);
    const lattice: { start: number; id: number; score: number }[][] = Array.from({ length: n + 1 }, () => []);
    for (let start = 0; start < n; start++) {
      let at: TrieNode | undefined = this.root;
      for (let end = start; end < n && at; end++) {
        at = at.children.get(symbols[end]!);
        if (at && at.id >= 0) lattice[end + 1]!.push({ start, id: at.id, score: at.score });
      }
    }
    for (let end = 0; end <= n; end++) {
      for (const { start, id, score } of lattice[end]!) {
        const total = score + best[start]!;
        if (best[end] === 0 || total >= best[end]!) {
          best[end] = total;
          words[end] = id;
        }
      }
    }
    const ids: number[] = [];
    for (let at = n; at > 0; ) {
      const id = words[at]!;
      ids.push(id);
      // An unreachable position keeps id 0 (<unk>, one symbol long) and steps back one symbol.
      at -= id === UNKNOWN_ID ? 1 : this.lengths[id]!;
    }
    const merged: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (!(ids[i] === UNKNOWN_ID && i > 0 && ids[i - 1] === UNKNOWN_ID)) merged.push(ids[i]!);
    }
    return merged.reverse();
  }
}
