// Runs in: node. `omnistation approval-eval FILE.jsonl [--json] [--encoder …] [--errors]`: scores
// a labelled answer file (rows like ../shared/data/approval-dev.jsonl) as approval-score would
// and reports AUC, FRR at FAR ≤ 1 %, FAR and FRR at the shipped threshold, and a per-kind table.
// --errors lists the misjudged rows by id and kind (never the answers: they may be real ones).
import { CliError, parseCommandArgs } from '../args.js';
import { DatasetError, readLabelled, type LabelledRow } from '../../approval/dataset.js';
import { scoreBatch } from '../../approval/judge-core.js';
import { auc, frrAtFar, ratesAt } from '../../approval/metrics.js';
import { loadJudge } from './approval-score.js';

export const summary = 'evaluate the approval scorer on a labelled JSON-lines file';

export interface KindRow {
  kind: string;
  rows: number;
  genuine: number;
  impostor: number;
  falseAccepts: number;
  falseRejects: number;
  meanScore: number;
}

export interface EvalReport {
  file: string;
  rows: number;
  genuine: number;
  impostor: number;
  encoder: string;
  threshold: number;
  auc: number;
  frrAtFar1: { frr: number; threshold: number };
  atThreshold: { far: number; frr: number };
  kinds: KindRow[];
  errors: { id: string; kind: string; label: 0 | 1; score: number }[];
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { json: { type: 'boolean', default: false }, encoder: { type: 'string', default: 'use-lite' }, errors: { type: 'boolean', default: false } },
    true,
  );
  if (positionals.length !== 1) throw new CliError('expected exactly one FILE.jsonl: omnistation approval-eval FILE.jsonl');
  let rows: LabelledRow[];
  try {
    rows = readLabelled(positionals[0]!);
  } catch (error) {
    if (error instanceof DatasetError) throw new CliError(error.message, (error.message.endsWith('no such file') ? 1 : 2));
    throw error;
  }
  if (rows.length === 0) throw new CliError(`${positionals[0]} has no rows`, 1);
  const { encoder, params } = await loadJudge(values.encoder!);
  let report: EvalReport;
  try {
    const results = await scoreBatch(encoder, params, rows);
    report = evaluate(positionals[0]!, rows, results.map((r) => r.score), encoder?.name ?? 'none', params.threshold);
  } finally {
    await encoder?.dispose();
  }
  if (values.json) process.stdout.write(`${JSON.stringify(values.errors ? report : { ...report, errors: undefined })}\n`);
  else process.stdout.write(formatReport(report, values.errors ?? false));
  return 0;
}

export function evaluate(file: string, rows: readonly LabelledRow[], scores: readonly number[], encoder: string, threshold: number): EvalReport {
  const scored = rows.map((r, i) => ({ score: scores[i]!, label: r.label }));
  const operating = frrAtFar(scored, 0.01);
  const kinds = [...new Set(rows.map((r) => r.kind))].sort().map((kind): KindRow => {
    const mine = rows.map((r, i) => ({ r, s: scores[i]! })).filter(({ r }) => r.kind === kind);
    return {
      kind,
      rows: mine.length,
      genuine: mine.filter(({ r }) => r.label === 1).length,
      impostor: mine.filter(({ r }) => r.label === 0).length,
      falseAccepts: mine.filter(({ r, s }) => r.label === 0 && s >= threshold).length,
      falseRejects: mine.filter(({ r, s }) => r.label === 1 && s < threshold).length,
      meanScore: round(mine.reduce((n, { s }) => n + s, 0) / mine.length),
    };
  });
  const errors = rows
    .map((r, i) => ({ id: r.id, kind: r.kind, label: r.label, score: scores[i]! }))
    .filter((e) => (e.label === 1) !== e.score >= threshold);
  const at = ratesAt(scored, threshold);
  return {
    file,
    rows: rows.length,
    genuine: scored.filter((s) => s.label === 1).length,
    impostor: scored.filter((s) => s.label === 0).length,
    encoder,
    threshold,
    auc: round(auc(scored)),
    frrAtFar1: { frr: round(operating.frr), threshold: round(operating.threshold) },
    atThreshold: { far: round(at.far), frr: round(at.frr) },
    kinds,
    errors,
  };
}

const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 10000) / 10000 : x);
const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : `${(x * 100).toFixed(1)} %`);

export function formatReport(report: EvalReport, withErrors: boolean): string {
  const lines = [
    `${report.file}: ${report.rows} rows (${report.genuine} genuine, ${report.impostor} impostor), encoder ${report.encoder}`,
    `AUC                          ${Number.isNaN(report.auc) ? 'n/a' : report.auc.toFixed(4)}`,
    `FRR at FAR ≤ 1 %             ${pct(report.frrAtFar1.frr)}  (at threshold ${report.frrAtFar1.threshold.toFixed(3)})`,
    `at shipped threshold ${report.threshold.toFixed(3)}  FAR ${pct(report.atThreshold.far)}  FRR ${pct(report.atThreshold.frr)}`,
    '',
  ];
  const header = ['kind', 'rows', 'genuine', 'impostor', 'false acc.', 'false rej.', 'mean score'];
  const table = report.kinds.map((k) => [k.kind, k.rows, k.genuine, k.impostor, k.falseAccepts, k.falseRejects, k.meanScore.toFixed(3)].map(String));
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  lines.push(line(header), ...table.map(line));
  if (withErrors) {
    lines.push('', report.errors.length === 0 ? 'no misjudged rows' : 'misjudged rows:');
    for (const e of report.errors) lines.push(`  ${e.id}  ${e.kind}  label ${e.label}  score ${e.score.toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}
