// Runs in: node (tests). Fault tests on real processes (issue 3, item 8): central and a registered
// store server run as `omnistation` child processes on loopback, shoppers drive them over HTTP
// (server/bench/faults.ts, shared with the kill -9 trials of the bench), and the test reads both
// SQLite files afterwards to count what each side really holds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { collectOutput, exitOf, freePort, runCli, startCli } from '../../helpers/cli.js';
import { initStation } from '../../../server/store/station.js';
import { CatalogueRepository } from '../../../server/store/modules/catalogue/repository.js';
import * as kit from '../../../server/bench/faults.js';

export {
  call,
  checkout,
  duplicates,
  exactlyOnceProblems,
  Gate,
  newLog,
  newShopper,
  readDb,
  seededRandom,
  shop,
  sleep,
  type Acknowledged,
  type CentralView,
  type Shopper,
  type ShoppingLog,
  type StaffStatus,
  type StationView,
} from '../../../server/bench/faults.js';

export const ADMIN_TOKEN = 'fault-tests-admin-token-0123456789';
export const PIN = '592817';
export const STORE_ID = 'FAULT-0001';

/** Cheap products: a burst of them stays far inside the offline limits (docs/store-api.md). */
export const PRODUCTS = [
  { sku: 'MILK-1', name: '바나나우유', price: 1500 },
  { sku: 'SNK-2', name: '새우깡', price: 1800 },
  { sku: 'RAMEN-3', name: '신라면', price: 950 },
  { sku: 'GUM-4', name: '자일리톨껌', price: 500 },
] as const;
export const SKUS = PRODUCTS.map((p) => p.sku);
/** Above `offline_max_per_payment` (50,000 KRW): refused while central is away. */
export const EXPENSIVE = { sku: 'TV-9', name: '텔레비전', price: 60_000 } as const;

/** OMNI_FAULT_SEED=N replays a run; otherwise a fresh seed, which the test prints on failure. */
export function faultSeed(): number {
  const fromEnv = process.env.OMNI_FAULT_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const seed = Number(fromEnv);
    if (!Number.isInteger(seed)) throw new Error(`OMNI_FAULT_SEED must be an integer, not "${fromEnv}"`);
    return seed >>> 0;
  }
  return Math.floor(Math.random() * 2 ** 32);
}

/** Every child and temp folder a test file made, so afterAll (and a failure) leaves nothing behind. */
export class Sandbox {
  private readonly dirs: string[] = [];
  private readonly children = new Set<ChildProcessWithoutNullStreams>();

  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  track(child: ChildProcessWithoutNullStreams): ChildProcessWithoutNullStreams {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  async cleanup(): Promise<void> {
    const children = [...this.children];
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(children.map((child) => exitOf(child)));
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/** A child `omnistation` command that listens on a fixed port and can be stopped and started again. */
export class ServiceProcess {
  private child: ChildProcessWithoutNullStreams | undefined;
  private output: ReturnType<typeof collectOutput> | undefined;
  starts = 0;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly args: () => string[],
    private readonly ready: RegExp,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.running) throw new Error('already running');
    const child = this.sandbox.track(startCli(this.args()));
    this.child = child;
    this.output = collectOutput(child);
    try {
      await this.output.waitFor(this.ready, 20_000);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    this.starts++;
  }

  /** SIGKILL: no handler runs, nothing is flushed, connections are cut mid-request. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: the service finishes what is in flight and closes its database. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exitOf(child);
    clearTimeout(timer);
  }
}

export interface CentralProcess extends ServiceProcess {
  url: string;
  dbFile: string;
}

export async function startCentral(sandbox: Sandbox, options: { acquirerLatencyMs?: number } = {}): Promise<CentralProcess> {
  const dataDir = join(sandbox.tempDir('omni-fault-central-'), 'central');
  const port = await freePort();
  const args = () => [
    'central',
    '--data', dataDir,
    '--port', String(port),
    '--admin-token', ADMIN_TOKEN,
    '--acquirer-latency', String(options.acquirerLatencyMs ?? 0),
    '--log-level', 'warn',
  ];
  const central = Object.assign(new ServiceProcess(sandbox, args, /central listening on/), {
    url: `http://127.0.0.1:${port}`,
    dbFile: join(dataDir, 'central.db'),
  });
  await central.start();
  return central;
}

export interface StationProcess extends ServiceProcess {
  url: string;
  dataDir: string;
  dbFile: string;
}

function cli(args: string[]): string {
  const result = runCli(args);
  if (result.code !== 0) throw new Error(`omnistation ${args[0]} exited ${result.code}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/**
 * A store set up as IT does it — a data folder with a catalogue, registered with central by the
 * real `omnistation register` — then served by `omnistation serve`. The folder and catalogue are
 * written in this process: two more CLI starts would cost seconds and test nothing here.
 */
export async function startStation(sandbox: Sandbox, centralUrl: string, products: readonly { sku: string; name: string; price: number }[] = PRODUCTS): Promise<StationProcess> {
  const dataDir = join(sandbox.tempDir('omni-fault-station-'), 'station');
  const { station: created } = initStation({ dataDir, storeId: STORE_ID, name: 'Fault store', pin: PIN });
  try {
    new CatalogueRepository(created.db).importRows(products.map((p) => ({ ...p, currency: 'KRW', rfid: [], extra: {} })));
  } finally {
    created.close();
  }
  cli(['register', '--data', dataDir, '--central', centralUrl, '--admin-token', ADMIN_TOKEN, '--address', '서울 강남구 테헤란로 1']);
  const port = await freePort();
  // These trials are about durability of payments, not presence: the gate stays out of the way.
  const args = () => ['serve', '--data', dataDir, '--port', String(port), '--log-level', 'fatal', '--presence-gate', 'off'];
  const station = Object.assign(new ServiceProcess(sandbox, args, /listening on/), {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    dbFile: join(dataDir, 'station.db'),
  });
  await station.start();
  return station;
}

export function staffSignIn(station: StationProcess): Promise<string> {
  return kit.staffSignIn(station.url, PIN);
}

export function waitForDrain(station: StationProcess, cookie: string, timeoutMs: number): Promise<kit.StaffStatus> {
  return kit.waitForDrain(station.url, station.dbFile, cookie, timeoutMs);
}

export function centralView(central: CentralProcess): kit.CentralView {
  return kit.centralView(central.dbFile, STORE_ID);
}

export function stationView(station: StationProcess): kit.StationView {
  return kit.stationView(station.dbFile);
}
