// Runs in: node. What the dialogue needs from the approval engine (server/approval/), kept this
// small so the engine (a worker thread with the model) and the deterministic fakes of tests are
// interchangeable, and the store server never waits for a model it does not use.
import { normaliseAnswer } from '../../../protocol/approval.js';

export interface JudgeItem {
  question: string;
  /** The normalised enrolled answer, opened from the profile in memory. */
  enrolled: string;
  answer: string;
}

export interface JudgeVerdict {
  /** 0..1 */
  score: number;
  /** At the engine's shipped, calibrated threshold. */
  match: boolean;
  /** Short explanations that never quote the answer (the engine's contract), for staff. */
  reasons?: string[];
}

export interface AnswerJudge {
  /** For staff and logs: which judge decided (e.g. `engine:use-lite`, `exact`). */
  readonly name: string;
  score(items: JudgeItem[]): Promise<JudgeVerdict[]>;
  embed(text: string): Promise<Float32Array>;
  close?(): Promise<void>;
}

export class JudgeUnavailable extends Error {}

function bare(text: string): string {
  return normaliseAnswer(text).replace(/[\p{P}\p{S}\s]+/gu, '');
}

/**
 * The judge of last resort while no engine can be loaded: only the same answer (ignoring case,
 * spacing and punctuation) matches. It never approves a near-miss; it does turn away shoppers
 * who answer loosely, who then show ID at the counter. It has no model, so it cannot enrol.
 */
export class ExactJudge implements AnswerJudge {
  readonly name = 'exact';

  async score(items: JudgeItem[]): Promise<JudgeVerdict[]> {
    return items.map(({ enrolled, answer }) => {
      const match = bare(enrolled).length > 0 && bare(enrolled) === bare(answer);
      return { score: match ? 1 : 0, match };
    });
  }

  async embed(): Promise<Float32Array> {
    throw new JudgeUnavailable('the approval model is not loaded, so answers cannot be enrolled');
  }
}

/** What LazyEngineJudge needs of server/approval/engine.ts's ApprovalEngine. */
interface EngineLike {
  readonly info?: { encoder: string };
  score(items: JudgeItem[]): Promise<JudgeVerdict[]>;
  embed(text: string): Promise<Float32Array>;
  close(): Promise<void>;
}

/**
 * Loads the engine on first use (or when warmed at start-up) and adapts it. Until it loads, or
 * if it cannot, `fallback` judges (ExactJudge by default), so a missing model never stops sales.
 */
export class LazyEngineJudge implements AnswerJudge {
  /** Start-up steps of the engine, for the log (set by whoever warms it). */
  onProgress: (message: string) => void = () => undefined;
  /** Why the engine could not load; the fallback judges from then on. */
  onError: (error: unknown) => void = () => undefined;
  private engine: Promise<EngineLike | null> | null = null;
  private loaded: EngineLike | null = null;

  constructor(
    private readonly load: (onProgress: (message: string) => void) => Promise<EngineLike>,
    private readonly fallback: AnswerJudge = new ExactJudge(),
  ) {}

  get name(): string {
    if (!this.loaded) return `${this.fallback.name} (engine not loaded)`;
    return this.loaded.info ? `engine:${this.loaded.info.encoder}` : 'engine';
  }

  /** Starts loading now; resolves true once the engine answers. */
  async warm(): Promise<boolean> {
    return (await this.get()) !== null;
  }

  async score(items: JudgeItem[]): Promise<JudgeVerdict[]> {
    const engine = await this.get();
    return engine ? engine.score(items) : this.fallback.score(items);
  }

  async embed(text: string): Promise<Float32Array> {
    const engine = await this.get();
    return engine ? engine.embed(text) : this.fallback.embed(text);
  }

  async close(): Promise<void> {
    const engine = await this.engine?.catch(() => null);
    await engine?.close();
  }

  private get(): Promise<EngineLike | null> {
    this.engine ??= this.load((message) => this.onProgress(message)).then(
      (engine) => (this.loaded = engine),
      (error: unknown) => {
        this.onError(error);
        return null;
      },
    );
    return this.engine;
  }
}

/**
 * The real engine (server/approval/engine.ts): a worker thread with the bundled model. Imported
 * on first use, so a station that never scores (approval off, tests) never loads the model.
 */
export function engineJudge(): LazyEngineJudge {
  return new LazyEngineJudge(async (onProgress) => {
    const { ApprovalEngine } = await import('../../../approval/engine.js');
    return ApprovalEngine.start({ onProgress });
  });
}
