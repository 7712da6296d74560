// Runs in: node (bench process). The approval engine (issue 5 item 7): model load to warmed and
// ready, per-answer scoring latency p50/p95 and the process RSS with the model loaded. Every
// round runs in a freshly forked child, so no module, file or JIT state carries over between
// rounds or from the bench process; load rounds alternate with baseline rounds.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EngineResult, TfResult } from './approval-child.js';
import { BenchAborted } from './load.js';
import { percentiles, ratio, roundSignificant } from './stats.js';
import type { BenchContext, BenchRow, Benchmark } from './types.js';

const TSX_LOADER = import.meta.resolve('tsx');
const CHILD = fileURLToPath(new URL('./approval-child.ts', import.meta.url));
const live = new Set<ChildProcess>();

function runChild<T>(ctx: BenchContext, args: string[]): Promise<T> {
  if (ctx.signal.aborted) return Promise.reject(new BenchAborted());
  const child = fork(CHILD, args, { execArgv: ['--import', TSX_LOADER], stdio: ['ignore', 2, 2, 'ipc'] });
  live.add(child);
  const onAbort = () => child.kill('SIGKILL');
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('message', (message) => {
      const reply = message as T | { error: string };
      if (typeof reply === 'object' && reply !== null && 'error' in reply) reject(new Error(`approval bench child: ${reply.error}`));
      else resolve(reply as T);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      ctx.signal.removeEventListener('abort', onAbort);
      if (ctx.signal.aborted) reject(new BenchAborted());
      else reject(new Error(`approval bench child exited (${signal ?? code}) without a result`));
    });
  });
}

process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

const median = (xs: number[]) => percentiles(xs, [50])[0]!;

function row(name: string, unit: string, value: number, baseline: number): BenchRow {
  const v = roundSignificant(value, 4);
  const b = roundSignificant(baseline, 4);
  return { name, unit, value: v, baseline: b, ratio: roundSignificant(ratio(v, b), 4) };
}

export const benchmark: Benchmark = {
  group: 'approval',
  baseline:
    'score latency: the lexical and entity checks alone (an encoder-less engine, same worker path); model load: ' +
    'a worker starting tfjs-core + the WASM backend without the model; RSS: the same fresh child before the engine ' +
    'starts. Each round is a fresh child process.',
  rows: [
    { name: 'approval_score_p50_ms', unit: 'ms', better: 'lower' },
    { name: 'approval_score_p95_ms', unit: 'ms', better: 'lower', goal: { text: 'p95 ≤ 25 ms per answer', met: (r) => r.value <= 25 } },
    { name: 'approval_model_load_ms', unit: 'ms', better: 'lower', goal: { text: '≤ 1500 ms to warmed and ready', met: (r) => r.value <= 1500 } },
    { name: 'approval_rss_mb', unit: 'MB', better: 'lower', goal: { text: 'RSS ≤ 300 MB with the model loaded', met: (r) => r.value <= 300 } },
  ],
  async run(ctx) {
    const rounds = ctx.quick ? 1 : 3;
    const samples = ctx.quick ? 60 : 300;
    const tf: TfResult[] = [];
    const engine: EngineResult[] = [];
    for (let round = 0; round < rounds; round++) {
      ctx.log(`approval: round ${round + 1}/${rounds}: tfjs + WASM only, then the engine (${samples} answers each way)`);
      tf.push(await runChild<TfResult>(ctx, ['tf']));
      engine.push(await runChild<EngineResult>(ctx, ['engine', String(samples)]));
    }
    const model = engine.flatMap((e) => e.modelMs);
    const lexical = engine.flatMap((e) => e.lexicalMs);
    const [m50, m95] = percentiles(model, [50, 95]) as [number, number];
    const [l50, l95] = percentiles(lexical, [50, 95]) as [number, number];
    const load = median(engine.map((e) => e.loadMs));
    const loadBase = median(tf.map((t) => t.loadMs));
    const rss = Math.max(...engine.map((e) => e.rssMb));
    const rssBase = median(engine.map((e) => e.rssBeforeMb));
    ctx.log(`  load ${engine.map((e) => Math.round(e.loadMs)).join('/')} ms (tf only ${tf.map((t) => Math.round(t.loadMs)).join('/')} ms)`);
    ctx.log(`  score p50/p95 ${m50.toFixed(1)}/${m95.toFixed(1)} ms (lexical ${l50.toFixed(2)}/${l95.toFixed(2)} ms), RSS ${Math.round(rss)} MB`);
    return [
      row('approval_score_p50_ms', 'ms', m50, l50),
      row('approval_score_p95_ms', 'ms', m95, l95),
      row('approval_model_load_ms', 'ms', load, loadBase),
      row('approval_rss_mb', 'MB', rss, rssBase),
    ];
  },
};
