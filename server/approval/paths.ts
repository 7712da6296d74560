// Runs in: node. Where the approval engine's shipped files live: resources/models/ in the
// checkout, or OMNISTATION_MODELS_DIR when a packaged app keeps resources elsewhere.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export function modelsDir(): string {
  return process.env.OMNISTATION_MODELS_DIR ?? fileURLToPath(new URL('../../resources/models/', import.meta.url));
}

export function calibrationFile(dir = modelsDir()): string {
  return join(dir, 'approval-calibration.json');
}
