// Runs in: node (approval worker, CLI, calibration script). The shipped threshold and cosine
// weighting, read from resources/models/approval-calibration.json (written by calibrate.ts).
import { readFileSync } from 'node:fs';
import { calibrationFile } from './paths.js';
import type { ScoringParameters } from './scorer.js';

export interface CalibrationEntry extends ScoringParameters {
  /** Figures on the calibration data at these parameters, for people reading the file. */
  dev?: { rows: number; auc: number; frrAtFar1: number; far: number; frr: number };
}

export interface CalibrationFile {
  version: 1;
  method: string;
  data: { file: string; rows: number; sha256: string };
  createdAt: string;
  /** Keyed by encoder name: `use-lite`, `none`, `onnx:<folder>`. */
  encoders: Record<string, CalibrationEntry>;
}

export class CalibrationError extends Error {}

export function readCalibration(file = calibrationFile()): CalibrationFile {
  let parsed: CalibrationFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as CalibrationFile;
  } catch (error) {
    throw new CalibrationError(`cannot read the approval calibration ${file}: ${(error as Error).message}`);
  }
  if (parsed.version !== 1 || typeof parsed.encoders !== 'object' || parsed.encoders === null) {
    throw new CalibrationError(`${file} is not an approval calibration (version 1)`);
  }
  return parsed;
}

/**
 * Parameters for an encoder. An encoder nobody calibrated (a newly bundled ONNX model) gets the
 * lexical-only parameters: its cosines have an unknown scale, so they must not move scores.
 */
export function parametersFor(calibration: CalibrationFile, encoder: string): { params: ScoringParameters; calibrated: boolean } {
  const entry = calibration.encoders[encoder];
  const fallback = calibration.encoders.none;
  const chosen = entry ?? fallback;
  if (!chosen || !Number.isFinite(chosen.threshold)) {
    throw new CalibrationError(`the approval calibration has no entry for "${encoder}" and no "none" entry`);
  }
  const params = { threshold: chosen.threshold, cosineWeight: entry ? chosen.cosineWeight : 0, cosineCentre: chosen.cosineCentre };
  return { params, calibrated: entry !== undefined };
}
