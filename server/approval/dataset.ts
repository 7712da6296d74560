// Runs in: node (CLI, calibration). Labelled answer files as in ../shared/data/approval-dev.jsonl:
// one JSON object per line with question, enrolled, answer, label (0|1) and optional kind, lang, id.
import { readFileSync } from 'node:fs';
import type { ApprovalItem } from './scorer.js';

export interface LabelledRow extends ApprovalItem {
  id: string;
  label: 0 | 1;
  kind: string;
  lang: string;
}

export class DatasetError extends Error {}

export function parseLabelled(text: string, source = 'input'): LabelledRow[] {
  const rows: LabelledRow[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${source}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new DatasetError(`${where}: not valid JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DatasetError(`${where}: expected a JSON object`);
    const v = value as Record<string, unknown>;
    for (const field of ['question', 'enrolled', 'answer'] as const) {
      if (typeof v[field] !== 'string') throw new DatasetError(`${where}: "${field}" must be a string`);
    }
    if (v.label !== 0 && v.label !== 1 && v.label !== true && v.label !== false) throw new DatasetError(`${where}: "label" must be 0 or 1`);
    rows.push({
      id: typeof v.id === 'string' ? v.id : `line ${i + 1}`,
      question: v.question as string,
      enrolled: v.enrolled as string,
      answer: v.answer as string,
      label: v.label === 1 || v.label === true ? 1 : 0,
      kind: typeof v.kind === 'string' && v.kind !== '' ? v.kind : '(none)',
      lang: typeof v.lang === 'string' ? v.lang : '',
    });
  });
  return rows;
}

export function readLabelled(file: string): LabelledRow[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DatasetError(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  return parseLabelled(text, file);
}
