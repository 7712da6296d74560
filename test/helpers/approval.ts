// Runs in: node (tests). A deterministic stand-in for the approval engine: an answer matches
// when, stripped of case, spacing and punctuation, it contains the enrolled answer. Enough to
// drive the dialogue; the real scorer is tested in test/server/approval.
import { createHash } from 'node:crypto';
import type { AnswerJudge, JudgeItem, JudgeVerdict } from '../../server/store/modules/approval/judge.js';
import { seededRandom as mulberry32 } from '../../server/bench/load.js';

const bare = (text: string) => text.normalize('NFKC').toLowerCase().replace(/[\p{P}\p{S}\s]+/gu, '');

export class FakeJudge implements AnswerJudge {
  readonly name = 'fake';
  scored = 0;
  embedded = 0;
  failing = false;

  async score(items: JudgeItem[]): Promise<JudgeVerdict[]> {
    if (this.failing) throw new Error('engine crashed');
    this.scored += items.length;
    return items.map(({ enrolled, answer }) => {
      const e = bare(enrolled);
      const match = e.length > 0 && bare(answer).includes(e);
      return { score: match ? 0.91 : 0.12, match };
    });
  }

  async embed(text: string): Promise<Float32Array> {
    if (this.failing) throw new Error('engine crashed');
    this.embedded++;
    const digest = createHash('sha256').update(text).digest();
    return Float32Array.from(digest.subarray(0, 16), (b) => (b - 128) / 128);
  }
}

/** A seeded PRNG, so shuffles and decoys repeat from run to run (the load generator's). */
export function seededRandom(seed = 7): () => number {
  return mulberry32(seed);
}
