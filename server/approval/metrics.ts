// Runs in: node (CLI, calibration). Verification metrics over labelled answers: AUC, the
// false-reject rate at a false-accept ceiling, and FAR/FRR at a threshold. FAR is impostors
// accepted over all impostors (label 0), FRR genuine answers refused over all genuine ones.

export interface Scored {
  score: number;
  label: 0 | 1;
}

/** Area under the ROC curve: the chance a random genuine answer outscores a random impostor (ties ½). */
export function auc(rows: readonly Scored[]): number {
  const pos = rows.filter((r) => r.label === 1).map((r) => r.score);
  const neg = rows.filter((r) => r.label === 0).map((r) => r.score);
  if (pos.length === 0 || neg.length === 0) return Number.NaN;
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

export interface Rates {
  far: number;
  frr: number;
}

/** Accepting means score ≥ threshold, as the engine does. */
export function ratesAt(rows: readonly Scored[], threshold: number): Rates {
  const pos = rows.filter((r) => r.label === 1);
  const neg = rows.filter((r) => r.label === 0);
  const falseAccepts = neg.filter((r) => r.score >= threshold).length;
  const falseRejects = pos.filter((r) => r.score < threshold).length;
  return {
    far: neg.length > 0 ? falseAccepts / neg.length : Number.NaN,
    frr: pos.length > 0 ? falseRejects / pos.length : Number.NaN,
  };
}

/**
 * The lowest FRR over thresholds whose FAR stays within `maxFar`, and the lowest such threshold.
 * Candidate thresholds are the observed scores and one just above the highest.
 */
export function frrAtFar(rows: readonly Scored[], maxFar: number): { frr: number; threshold: number; far: number } {
  const candidates = [...new Set(rows.map((r) => r.score))].sort((a, b) => a - b);
  candidates.push((candidates[candidates.length - 1] ?? 0) + 1e-9);
  for (const threshold of candidates) {
    const rates = ratesAt(rows, threshold);
    if (rates.far <= maxFar + 1e-12) return { frr: rates.frr, threshold, far: rates.far };
  }
  return { frr: 1, threshold: Number.POSITIVE_INFINITY, far: 0 };
}
