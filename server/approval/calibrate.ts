// Runs in: node (developer tool, not shipped behaviour). Writes the shipped calibration,
// resources/models/approval-calibration.json, from a labelled answer file:
//
//   node --import tsx server/approval/calibrate.ts --data ../shared/data/approval-dev.jsonl \
//     [--encoders use-lite,none] [--out resources/models/approval-calibration.json]
//
// How (the same for every encoder, nothing per row or per kind):
// 1. Score every row once with the word and entity checks, and take the encoder's cosine.
// 2. Cosine weighting: centred on the median cosine of the data (so the nudge is zero on
//    average); the weight comes from a small grid (0.05–0.2): lowest FRR at FAR ≤ 1 %, then
//    highest AUC, then the smallest weight. The floor of 0.05 keeps the model as a tie-breaker
//    (±0.02 or so); it never gets more say than the data shows it earns. Wider gaps are not a
//    criterion: a bigger weight lifts every English answer and widens gaps for no real gain.
// 3. Threshold: the lowest score that keeps FAR ≤ 1 %, moved down to the middle of the gap
//    below it, so a small shift in unseen scores does not flip verdicts.
// 4. Honesty check: the same procedure in 4-fold cross-validation (each fold calibrated on the
//    other three, judged on itself); the pooled FAR/FRR are stored beside the in-sample figures.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { CalibrationEntry, CalibrationFile } from './calibration.js';
import { readLabelled, type LabelledRow } from './dataset.js';
import { cosines, loadEncoder, parseEncoderChoice } from './judge-core.js';
import { auc, frrAtFar, ratesAt, type Scored } from './metrics.js';
import { calibrationFile } from './paths.js';
import { analyse, combine, type ScoringParameters } from './scorer.js';

const MAX_FAR = 0.01;
const WEIGHTS = [0.05, 0.1, 0.15, 0.2];
const FOLDS = 4;

export interface Prepared {
  row: LabelledRow;
  analysis: ReturnType<typeof analyse>;
  cosine: number | undefined;
}

function scoresAt(rows: readonly Prepared[], weight: number, centre: number): Scored[] {
  const params: ScoringParameters = { threshold: 0.5, cosineWeight: weight, cosineCentre: centre };
  return rows.map((r) => ({ score: combine(r.analysis, params, r.cosine).score, label: r.row.label }));
}

/** The threshold of step 3 and the gap it sits in. */
export function chooseThreshold(scored: readonly Scored[]): { threshold: number; gap: number } {
  const { threshold: lowest } = frrAtFar(scored, MAX_FAR);
  const below = scored.filter((s) => s.score < lowest).map((s) => s.score);
  const lower = below.length > 0 ? Math.max(...below) : 0;
  const upper = Number.isFinite(lowest) ? lowest : 1;
  return { threshold: Math.round(((lower + upper) / 2) * 1000) / 1000, gap: upper - lower };
}

export function calibrate(rows: readonly Prepared[]): ScoringParameters {
  let best: { params: ScoringParameters; frr: number; auc: number } | undefined;
  const observed = rows.map((r) => r.cosine).filter((c): c is number => c !== undefined).sort((a, b) => a - b);
  const centre = observed.length > 0 ? Math.round(observed[Math.floor(observed.length / 2)]! * 100) / 100 : 0;
  // Weights in ascending order, replaced only when strictly better: ties keep the smaller one.
  for (const weight of observed.length > 0 ? WEIGHTS : [0]) {
    const scored = scoresAt(rows, weight, centre);
    const { frr } = frrAtFar(scored, MAX_FAR);
    const area = auc(scored);
    const { threshold } = chooseThreshold(scored);
    const candidate = { params: { threshold, cosineWeight: weight, cosineCentre: centre }, frr, auc: area };
    const better = !best || candidate.frr < best.frr - 1e-9 || (Math.abs(candidate.frr - best.frr) < 1e-9 && candidate.auc > best.auc + 1e-9);
    if (better) best = candidate;
  }
  return best!.params;
}

function figures(rows: readonly Prepared[], params: ScoringParameters): NonNullable<CalibrationEntry['dev']> {
  const scored = scoresAt(rows, params.cosineWeight, params.cosineCentre);
  const at = ratesAt(scored, params.threshold);
  return { rows: rows.length, auc: round(auc(scored)), frrAtFar1: round(frrAtFar(scored, MAX_FAR).frr), far: round(at.far), frr: round(at.frr) };
}

/** Stratified folds: within each label, rows in file order are dealt round-robin. */
export function crossValidate(rows: readonly Prepared[]): { far: number; frr: number } {
  const fold = new Map<Prepared, number>();
  for (const label of [0, 1]) rows.filter((r) => r.row.label === label).forEach((r, i) => fold.set(r, i % FOLDS));
  const held: Scored[] = [];
  for (let k = 0; k < FOLDS; k++) {
    const train = rows.filter((r) => fold.get(r) !== k);
    const test = rows.filter((r) => fold.get(r) === k);
    const params = calibrate(train);
    for (const s of scoresAt(test, params.cosineWeight, params.cosineCentre)) held.push({ score: s.score >= params.threshold ? 1 : 0, label: s.label });
  }
  const at = ratesAt(held, 1);
  return { far: round(at.far), frr: round(at.frr) };
}

const round = (x: number) => Math.round(x * 10000) / 10000;

export async function prepare(rows: readonly LabelledRow[], encoder: string, log: (m: string) => void): Promise<Prepared[]> {
  const loaded = await loadEncoder({ encoder: parseEncoderChoice(encoder), onProgress: log });
  try {
    const analyses = rows.map((row) => analyse(row));
    const cos = await cosines(loaded, rows, analyses.map((a) => a.features.refusal !== undefined));
    return rows.map((row, i) => ({ row, analysis: analyses[i]!, cosine: cos[i] }));
  } finally {
    await loaded?.dispose();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, encoders: { type: 'string', default: 'use-lite,none' }, out: { type: 'string' } },
  });
  if (!values.data) throw new Error('--data FILE.jsonl is required');
  const out = values.out ?? calibrationFile();
  const rows = readLabelled(values.data);
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const encoders: Record<string, CalibrationEntry> = {};
  const validation: Record<string, { far: number; frr: number }> = {};
  for (const encoder of values.encoders!.split(',').map((e) => e.trim()).filter(Boolean)) {
    log(`calibrating ${encoder} on ${rows.length} rows`);
    const prepared = await prepare(rows, encoder, log);
    const params = calibrate(prepared);
    encoders[encoder] = { ...params, dev: figures(prepared, params) };
    validation[encoder] = crossValidate(prepared);
    log(`  ${JSON.stringify(encoders[encoder])}  ${FOLDS}-fold held-out: ${JSON.stringify(validation[encoder])}`);
  }
  const file: CalibrationFile & { crossValidation: typeof validation } = {
    version: 1,
    method:
      'server/approval/calibrate.ts: cosine centred on its median; weight 0.05-0.2 by lowest FRR at FAR <= 1 %, then AUC, then smaller weight; ' +
      'threshold in the middle of the gap below the lowest FAR <= 1 % threshold. No per-row or per-kind rules.',
    data: {
      file: relative(process.cwd(), values.data),
      rows: rows.length,
      sha256: createHash('sha256').update(readFileSync(values.data)).digest('hex'),
    },
    createdAt: new Date().toISOString(),
    encoders,
    crossValidation: validation,
  };
  writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
  log(`wrote ${out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`calibrate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
