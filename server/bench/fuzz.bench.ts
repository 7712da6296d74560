// Runs in: node (bench process). The full hostile-input fuzzer (issue 8): at least 10,000
// schema-derived malformed, oversized, unicode-edge and injection requests across every
// documented route of both servers, with and without valid credentials, in-process (app.inject).
// The short run is test/server/hostile/fuzz.test.ts; both share test/helpers/fuzz.ts.
import { createHostileWorld } from '../../test/helpers/hostile-world.js';
import { formatViolations, fuzzServer, openApi, routesOf, type FuzzReport } from '../../test/helpers/fuzz.js';
import { BenchAborted, throwIfAborted } from './load.js';
import { ratio, roundSignificant } from './stats.js';
import type { Benchmark, BenchRow } from './types.js';

const FULL_REQUESTS = 10_000;

export const benchmark: Benchmark = {
  group: 'fuzz',
  baseline:
    'requests/s: the same number of plain GET /health requests in the same process; 5xx and violations: out of all requests sent; requests: the issue’s 10,000',
  rows: [
    { name: 'fuzz_requests', unit: 'requests', better: 'higher', goal: { text: '≥ 10,000 across both servers (issue 8)', met: (row) => row.value >= row.baseline } },
    { name: 'fuzz_requests_per_s', unit: 'req/s', better: 'higher' },
    { name: 'fuzz_5xx', unit: 'responses', better: 'lower', goal: { text: '0 responses 5xx (CONTRACT.md "HTTP")', met: (row) => row.value === 0 } },
    {
      name: 'fuzz_violations',
      unit: 'responses',
      better: 'lower',
      goal: { text: '0 refusals out of the error shape, 0 database changes from a refused request, 0 hangs', met: (row) => row.value === 0 },
    },
  ],
  async run(ctx) {
    const envSeed = process.env.OMNI_FUZZ_SEED;
    const seed = envSeed !== undefined ? Number(envSeed) : (Math.random() * 2 ** 31) | 0;
    const world = await createHostileWorld();
    try {
      const routes = {
        store: routesOf(await openApi(world.t.app)).length,
        central: routesOf(await openApi(world.central.app)).length,
      };
      const total = routes.store + routes.central;
      const perRoute = ctx.quick ? 20 : Math.ceil(FULL_REQUESTS / total) + 5;
      ctx.log(`fuzz: seed ${seed} (replay with OMNI_FUZZ_SEED=${seed}), ${perRoute} requests per route on ${routes.store} store + ${routes.central} central routes`);
      const reports: FuzzReport[] = [];
      // The store first: central's phase may rotate store Y's key, never the station's own (X).
      for (const server of ['store', 'central'] as const) {
        throwIfAborted(ctx.signal);
        const report = await fuzzServer(world, server, { seed, perRoute, signal: ctx.signal });
        ctx.log(`  ${server}: ${report.requests} requests in ${(report.ms / 1000).toFixed(1)} s, statuses ${JSON.stringify(report.byStatus)}`);
        for (const [issue, count] of Object.entries(report.knownOpen)) ctx.log(`  ${server}: ${count} × known open issue: ${issue}`);
        if (report.violations.length > 0) ctx.log(formatViolations(report, seed, 10));
        reports.push(report);
      }
      throwIfAborted(ctx.signal);
      const requests = reports.reduce((n, r) => n + r.requests, 0);
      const fuzzMs = reports.reduce((n, r) => n + r.ms, 0);
      // Same count, same process, the cheapest route there is: what inject itself costs.
      const started = performance.now();
      for (let i = 0; i < requests; i++) {
        const app = i % 2 === 0 ? world.t.app : world.central.app;
        await app.inject({ method: 'GET', url: '/health' });
      }
      const healthMs = performance.now() - started;
      const all = reports.flatMap((r) => r.violations);
      const fivexx = reports.reduce((n, r) => n + Object.entries(r.byStatus).filter(([s]) => Number(s) >= 500).reduce((m, [, c]) => m + c, 0), 0);
      const violations = all.filter((v) => v.kind !== '5xx').length;
      const perSecond = roundSignificant(requests / (fuzzMs / 1000), 4);
      const healthPerSecond = roundSignificant(requests / (healthMs / 1000), 4);
      const rows: BenchRow[] = [
        { name: 'fuzz_requests', value: requests, unit: 'requests', baseline: FULL_REQUESTS, ratio: roundSignificant(ratio(requests, FULL_REQUESTS), 4) },
        { name: 'fuzz_requests_per_s', value: perSecond, unit: 'req/s', baseline: healthPerSecond, ratio: roundSignificant(ratio(perSecond, healthPerSecond), 4) },
        { name: 'fuzz_5xx', value: fivexx, unit: 'responses', baseline: requests, ratio: roundSignificant(ratio(fivexx, requests), 4) },
        { name: 'fuzz_violations', value: violations, unit: 'responses', baseline: requests, ratio: roundSignificant(ratio(violations, requests), 4) },
      ];
      return rows;
    } catch (error) {
      if (ctx.signal.aborted) throw new BenchAborted();
      throw error;
    } finally {
      await world.close();
    }
  },
};
