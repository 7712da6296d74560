// Runs in: node (vitest). The station's judge seam: the real approval engine (worker thread,
// bundled model) behind AnswerJudge, loaded lazily, and the exact-match fallback that judges
// while no engine can be loaded. The scorer's own quality is tested in test/server/approval.
import { afterAll, describe, expect, it } from 'vitest';
import { engineJudge, ExactJudge, JudgeUnavailable, LazyEngineJudge } from '../../../../../server/store/modules/approval/judge.js';

describe('LazyEngineJudge', () => {
  it('falls back to exact matching when the engine cannot load, and says so', async () => {
    const errors: unknown[] = [];
    const judge = new LazyEngineJudge(async () => {
      throw new Error('no model');
    });
    judge.onError = (error) => errors.push(error);
    expect(await judge.warm()).toBe(false);
    expect(judge.name).toBe('exact (engine not loaded)');
    expect(await judge.score([
      { question: 'q', enrolled: 'busan', answer: ' Busan! ' },
      { question: 'q', enrolled: 'busan', answer: 'pusan' },
      { question: 'q', enrolled: '', answer: '' },
    ])).toEqual([
      { score: 1, match: true },
      { score: 0, match: false },
      { score: 0, match: false },
    ]);
    await expect(judge.embed('busan')).rejects.toBeInstanceOf(JudgeUnavailable);
    expect(errors).toHaveLength(1);
  });

  it('loads once, however many callers race for it', async () => {
    let loads = 0;
    const judge = new LazyEngineJudge(async () => {
      loads++;
      return { info: { encoder: 'fake' }, score: async (items) => items.map(() => ({ score: 0.5, match: true })), embed: async () => new Float32Array(2), close: async () => undefined };
    });
    await Promise.all([judge.warm(), judge.score([{ question: 'q', enrolled: 'a', answer: 'b' }]), judge.embed('x')]);
    expect(loads).toBe(1);
    expect(judge.name).toBe('engine:fake');
    expect(await new ExactJudge().score([])).toEqual([]);
  });
});

describe('the real approval engine behind the seam', () => {
  const judge = engineJudge();
  const progress: string[] = [];
  judge.onProgress = (message) => progress.push(message);
  afterAll(() => judge.close());

  it('warms with progress, embeds for enrolment and judges a romanised answer and a near-miss', async () => {
    expect(await judge.warm()).toBe(true);
    expect(progress.at(-1)).toMatch(/ready/);
    expect(judge.name).toMatch(/^engine:/);
    const vector = await judge.embed('busan');
    expect(vector.length).toBeGreaterThan(100);
    const [romanised, nearMiss] = await judge.score([
      { question: 'In which city were you born?', enrolled: 'busan', answer: 'I was born in Pusan' },
      { question: 'In which city were you born?', enrolled: 'busan', answer: 'Seoul' },
    ]);
    expect(romanised).toMatchObject({ match: true });
    expect(nearMiss).toMatchObject({ match: false });
  }, 60_000);
});
