// Runs in: node. `omnistation approval-score [--encoder use-lite|none|onnx:NAME]`: JSON lines
// {"question","enrolled","answer"} on stdin → one line {"score":0..1,"match":bool} per input
// line, in order, with the bundled model and the shipped threshold, offline. Lines are answered
// as they arrive (batched while input is waiting), so a pipe gets its first answers before EOF.
// Blank lines are skipped. A line that is not a JSON object with string question, enrolled and
// answer stops the command with exit 2 and one error line naming it; lines before it keep
// their answers.
import { createInterface } from 'node:readline';
import { CliError, parseCommandArgs } from '../args.js';
import { CalibrationError, parametersFor, readCalibration } from '../../approval/calibration.js';
import type { SentenceEncoder } from '../../approval/encoder.js';
import { loadEncoder, parseEncoderChoice, scoreBatch } from '../../approval/judge-core.js';
import type { ApprovalItem, ScoringParameters } from '../../approval/scorer.js';

export const summary = 'score answers (JSON lines on stdin) with the local approval model';

const MAX_BATCH = 64;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { encoder: { type: 'string', default: 'use-lite' } }, true);
  if (positionals.length > 0) throw new CliError('approval-score reads JSON lines on stdin and takes no file arguments');
  const { encoder, params } = await loadJudge(values.encoder!);
  try {
    return await serve(encoder, params);
  } finally {
    await encoder?.dispose();
  }
}

export async function loadJudge(choice: string): Promise<{ encoder: SentenceEncoder | undefined; params: ScoringParameters }> {
  let parsed;
  try {
    parsed = parseEncoderChoice(choice);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  let params: ScoringParameters;
  try {
    params = parametersFor(readCalibration(), parsed).params;
  } catch (error) {
    if (error instanceof CalibrationError) throw new CliError(error.message, 1);
    throw error;
  }
  try {
    return { encoder: await loadEncoder({ encoder: parsed }), params };
  } catch (error) {
    throw new CliError(`cannot load the ${parsed} model: ${(error as Error).message}`, 1);
  }
}

/** One input line as an item, or the reason it is malformed. */
export function parseLine(line: string): ApprovalItem | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object';
  const v = value as Record<string, unknown>;
  for (const field of ['question', 'enrolled', 'answer']) {
    if (typeof v[field] !== 'string') return `"${field}" must be a string`;
  }
  return { question: v.question as string, enrolled: v.enrolled as string, answer: v.answer as string };
}

async function serve(encoder: SentenceEncoder | undefined, params: ScoringParameters): Promise<number> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const waiting: { item: ApprovalItem; number: number }[] = [];
  let lineNumber = 0;
  let malformed: string | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  lines.on('line', (line) => {
    lineNumber++;
    if (malformed || line.trim() === '') return;
    const parsed = parseLine(line);
    if (typeof parsed === 'string') {
      malformed = `line ${lineNumber}: ${parsed}`;
      lines.close();
    } else waiting.push({ item: parsed, number: lineNumber });
    signal();
  });
  lines.on('close', () => {
    ended = true;
    signal();
  });

  for (;;) {
    if (waiting.length === 0) {
      if (ended || malformed) break;
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    const batch = waiting.splice(0, MAX_BATCH);
    const results = await scoreBatch(encoder, params, batch.map((b) => b.item));
    process.stdout.write(results.map((r) => `${JSON.stringify({ score: r.score, match: r.match })}\n`).join(''));
  }
  if (malformed) throw new CliError(malformed, 2);
  return 0;
}
