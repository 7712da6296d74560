// Runs in: node (bench process). Kill -9 trials (issue 3, items 8a and 9: "100 in the bench"): the
// real `omnistation central` (SQLite) and a registered `omnistation serve` run as child processes;
// four shoppers check out over HTTP; in each trial the store server is killed with SIGKILL at a
// random moment, restarted on the same data and port, the shoppers resend what got no answer, and
// once sync has settled every checkout acknowledged so far must be at central exactly once
// (server/bench/faults.ts, the check the fault tests use). The row counts the trials that found
// nothing new wrong; the baseline is the number of trials. Moments come from a seeded PRNG:
// OMNI_FAULT_SEED=<seed in the log> replays them. 100 trials (10 with --quick), ~2.5 s each.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { initStation } from '../store/station.js';
import { registerWithCentral } from '../store/registration.js';
import { CatalogueRepository } from '../store/modules/catalogue/repository.js';
import {
  centralView,
  exactlyOnceProblems,
  Gate,
  newLog,
  newShopper,
  seededRandom,
  shop,
  sleep,
  staffSignIn,
  stationView,
  waitForDrain,
  type Acknowledged,
} from './faults.js';
import { ratio, roundSignificant } from './stats.js';
import type { Benchmark } from './types.js';
import { freePort } from './ports.js';

const BIN = fileURLToPath(new URL('../../bin/omnistation.js', import.meta.url));
const ADMIN_TOKEN = randomBytes(24).toString('base64url');
const STORE_ID = 'KILL9-0001';
const PIN = '731946';
const SHOPPERS = 4;
const PRODUCTS = [
  { sku: 'MILK-1', name: '바나나우유', price: 1500 },
  { sku: 'SNK-2', name: '새우깡', price: 1800 },
  { sku: 'RAMEN-3', name: '신라면', price: 950 },
  { sku: 'GUM-4', name: '자일리톨껌', price: 500 },
];

// Every service still alive; the exit hook kills them even when the bench throws or is interrupted.
const live = new Set<ChildProcessWithoutNullStreams>();
let hooked = false;
function killAll(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  live.clear();
}

/** An `omnistation` service on a fixed port that can be killed and started again. */
class Service {
  private child: ChildProcessWithoutNullStreams | undefined;

  constructor(
    private readonly args: string[],
    private readonly ready: RegExp,
  ) {}

  async start(): Promise<void> {
    if (!hooked) {
      hooked = true;
      process.on('exit', killAll);
    }
    const child = spawn(process.execPath, [BIN, ...this.args], { stdio: 'pipe', env: { ...process.env, NO_COLOR: '1' } });
    live.add(child);
    child.once('exit', () => live.delete(child));
    this.child = child;
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`omnistation ${this.args[0]} did not start within 30 s: ${output}`)), 30_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (!this.ready.test(output)) return;
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve();
      };
      function fail(error: Error) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(error);
      }
      child.stdout.on('data', onData);
      child.once('exit', (code, signal) => fail(new Error(`omnistation ${this.args[0]} exited (${signal ?? code}) before it was ready: ${output}`)));
    });
  }

  kill9(): Promise<void> {
    return this.signal('SIGKILL');
  }

  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

function faultSeed(): number {
  const fromEnv = Number(process.env.OMNI_FAULT_SEED);
  return process.env.OMNI_FAULT_SEED && Number.isInteger(fromEnv) ? fromEnv >>> 0 : Math.floor(Math.random() * 2 ** 32);
}

export const benchmark: Benchmark = {
  group: 'sync_kill9',
  baseline: 'the number of trials run (every one should keep exactly-once)',
  rows: [
    {
      name: 'sync_kill9_trials_ok',
      unit: 'trials',
      better: 'higher',
      goal: { text: 'every kill -9 trial keeps each acknowledged order and payment exactly once at central (issue 3)', met: (row) => row.value === row.baseline },
    },
  ],
  async run(ctx) {
    const trials = ctx.quick ? 10 : 100;
    const seed = faultSeed();
    const random = seededRandom(seed);
    ctx.log(`sync_kill9: ${trials} kill -9 trials of the store server during checkouts, seed ${seed} (replay with OMNI_FAULT_SEED=${seed})`);
    const root = mkdtempSync(join(tmpdir(), 'omni-bench-kill9-'));
    const centralPort = await freePort();
    const stationPort = await freePort();
    const centralDir = join(root, 'central');
    const stationDir = join(root, 'station');
    const centralUrl = `http://127.0.0.1:${centralPort}`;
    const stationUrl = `http://127.0.0.1:${stationPort}`;
    // A little acquirer latency keeps each charge in flight long enough for kills to land inside it.
    const central = new Service(
      ['central', '--data', centralDir, '--port', String(centralPort), '--admin-token', ADMIN_TOKEN, '--acquirer-latency', '15', '--log-level', 'warn'],
      /central listening on/,
    );
    const station = new Service(['serve', '--data', stationDir, '--port', String(stationPort), '--log-level', 'fatal', '--presence-gate', 'off'], /listening on/);
    const centralDb = join(centralDir, 'central.db');
    const stationDb = join(stationDir, 'station.db');
    try {
      await central.start();
      const { station: created } = initStation({ dataDir: stationDir, storeId: STORE_ID, name: 'Kill -9 bench', pin: PIN });
      try {
        new CatalogueRepository(created.db).importRows(PRODUCTS.map((p) => ({ ...p, currency: 'KRW', rfid: [], extra: {} })));
        await registerWithCentral(created, { centralUrl, adminToken: ADMIN_TOKEN, address: 'bench' });
      } finally {
        created.close();
      }
      await station.start();
      const cookie = await staffSignIn(stationUrl, PIN);
      const shoppers = await Promise.all(Array.from({ length: SHOPPERS }, (_, i) => newShopper(stationUrl, i + 1)));

      const acknowledged: Acknowledged[] = [];
      const known = new Set<string>();
      let ok = 0;
      let cutRequests = 0;
      const started = performance.now();
      for (let trial = 1; trial <= trials; trial++) {
        if (ctx.signal.aborted) return [];
        const gate = new Gate();
        const log = newLog();
        let shopping = true;
        const loops = shoppers.map((shopper, i) =>
          shop({
            stationUrl,
            shopper,
            gate,
            log,
            skus: PRODUCTS.map((p) => p.sku),
            random: seededRandom(seed + trial * SHOPPERS + i),
            keepGoing: () => shopping,
            allowedStates: ['paid', 'paid_offline'],
          }),
        );
        let problems: string[];
        try {
          try {
            await sleep(40 + random() * 260);
            gate.close();
            await station.kill9();
            await sleep(random() * 80);
            await station.start();
            gate.open();
            // Shoppers resend and carry on while the restarted station resumes what the kill cut.
            await sleep(random() * 200);
          } finally {
            shopping = false;
            gate.open();
            await Promise.all(loops);
          }
          acknowledged.push(...log.acknowledged);
          cutRequests += log.noAnswer;
          await waitForDrain(stationUrl, stationDb, cookie, 30_000);
          problems = [...log.unexpected, ...exactlyOnceProblems(acknowledged, centralView(centralDb, STORE_ID), stationView(stationDb))];
        } catch (error) {
          problems = [`trial ${trial}: ${error instanceof Error ? error.message : String(error)}`];
        }
        // A problem found once is not counted again against every later trial.
        const fresh = problems.filter((p) => !known.has(p));
        for (const p of fresh) known.add(p);
        if (fresh.length === 0) ok++;
        else ctx.log(`  trial ${trial} FAILED (seed ${seed}): ${fresh.slice(0, 5).join('; ')}${fresh.length > 5 ? ` … ${fresh.length} problems` : ''}`);
        if (trial % 10 === 0) ctx.log(`  ${trial}/${trials} trials, ${ok} ok, ${acknowledged.length} checkouts acknowledged`);
      }
      const c = centralView(centralDb, STORE_ID);
      ctx.log(
        `  ${ok}/${trials} trials ok in ${Math.round((performance.now() - started) / 1000)} s: ${acknowledged.length} checkouts acknowledged, ` +
          `${cutRequests} requests cut or refused by kills; central holds ${c.events} events and ${c.payments.size} payments`,
      );
      return [{ name: 'sync_kill9_trials_ok', value: ok, unit: 'trials', baseline: trials, ratio: roundSignificant(ratio(ok, trials), 4) }];
    } finally {
      await station.kill9();
      await central.stop();
      killAll();
      rmSync(root, { recursive: true, force: true });
    }
  },
};
