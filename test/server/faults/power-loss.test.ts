// Runs in: node (vitest). Issue 8, item 3: power-loss images of a live station. During a burst
// of checkouts against a real `omnistation serve` process, the station is frozen at seeded random
// moments and its database files are copied; each copy must open, pass integrity_check, and hold
// every payment a shopper had been told was paid before the freeze — with its outbox event,
// since both commit in one transaction.
//
// Why freeze: copying station.db, -wal and -shm one after the other while the station writes
// (or checkpoints WAL frames back into station.db) could combine files from different instants,
// an image no crash can produce, and the test would then fail for its own sake or pass by luck.
// SIGSTOP stops every thread of the process between two system calls, so the files in the page
// cache are what SIGKILL or a kernel panic would leave at that instant; a power cut can lose
// more than that only for writes that were never fsynced, and a payment is acknowledged after
// its commit was fsynced (synchronous=FULL, server/store/db.ts), so it is in the image either
// way. (What this does not cover: a disk that lies about fsync, or losing unsynced non-payment
// writes; SQLite's own crash tests cover torn unsynced pages.)
//
// A checkpointer beside the station (this process, as SQLite allows any connection to)
// makes images include WAL files that have been checkpointed and restarted, not only a WAL that
// only grows. It runs on this thread, so it never overlaps a copy.
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  faultSeed,
  Gate,
  newLog,
  newShopper,
  Sandbox,
  seededRandom,
  shop,
  SKUS,
  sleep,
  startCentral,
  startStation,
  type CentralProcess,
  type StationProcess,
} from './harness.js';

const IMAGES = 12;
const SHOPPERS = 4;

const sandbox = new Sandbox();
let central: CentralProcess;
let station: StationProcess;

beforeAll(async () => {
  central = await startCentral(sandbox);
  station = await startStation(sandbox, central.url);
}, 60_000);

afterAll(async () => {
  await sandbox.cleanup();
});

/** Every thread of the process is stopped ('T'): only then is nothing of it mid-write. */
async function frozen(pid: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const states = readdirSync(`/proc/${pid}/task`).map((task) => {
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    });
    if (states.every((s) => s === 'T' || s === 't')) return;
    await sleep(1);
  }
  throw new Error(`process ${pid} did not stop`);
}

interface Image {
  dir: string;
  /** Checkouts acknowledged to shoppers when the process was frozen. */
  acknowledged: number;
  walBytes: number;
}

describe.runIf(process.platform === 'linux')('power-loss images of the station database', () => {
  it(`keep every acknowledged payment and pass integrity_check in ${IMAGES} images taken mid-burst`, async ({ onTestFailed }) => {
    const seed = faultSeed();
    onTestFailed(() => console.error(`power-loss: seed ${seed} (replay with OMNI_FAULT_SEED=${seed})`));
    const random = seededRandom(seed);
    const pid = station.pid!;
    const shoppers = await Promise.all(Array.from({ length: SHOPPERS }, (_, i) => newShopper(station.url, i + 1)));
    const log = newLog();
    const gate = new Gate();
    let shopping = true;
    const loops = shoppers.map((shopper, i) =>
      shop({ stationUrl: station.url, shopper, gate, log, skus: SKUS, random: seededRandom(seed + i + 1), keepGoing: () => shopping, allowedStates: ['paid'] }),
    );
    const checkpointer = new Database(station.dbFile, { fileMustExist: true });
    const images: Image[] = [];
    try {
      // From the first answer on: images of a station nobody has been answered by prove nothing.
      for (let waited = 0; log.acknowledged.length === 0 && waited < 15_000; waited += 20) await sleep(20);
      for (let n = 0; n < IMAGES; n++) {
        // Random moments, a few checkpoints in between: a checkpoint every ~60 ms of the wait.
        const waitMs = Math.round(80 + random() * 320);
        for (let waited = 0; waited < waitMs; waited += 60) {
          await sleep(Math.min(60, waitMs - waited));
          // PASSIVE never takes the writer lock: RESTART would, and a station transaction that
          // read first and then writes is refused SQLITE_BUSY at once while another holds it.
          if (random() < 0.5) checkpointer.pragma('wal_checkpoint(PASSIVE)');
        }
        process.kill(pid, 'SIGSTOP');
        try {
          await frozen(pid);
          // Any answer read so far was sent after its commit, and the commit was before the freeze.
          const acknowledged = log.acknowledged.length;
          const dir = sandbox.tempDir('omni-power-image-');
          for (const suffix of ['', '-wal', '-shm']) {
            if (existsSync(station.dbFile + suffix)) copyFileSync(station.dbFile + suffix, join(dir, `station.db${suffix}`));
          }
          const wal = join(dir, 'station.db-wal');
          images.push({ dir, acknowledged, walBytes: existsSync(wal) ? statSync(wal).size : 0 });
        } finally {
          process.kill(pid, 'SIGCONT');
        }
      }
    } finally {
      shopping = false;
      checkpointer.close();
      await Promise.allSettled(loops);
    }
    expect(log.unexpected, log.unexpected.join('\n')).toEqual([]);

    const problems: string[] = [];
    let payments = 0;
    for (const [i, image] of images.entries()) {
      // The reboot: the first connection finds the WAL, rebuilds its index and recovers.
      const db = new Database(join(image.dir, 'station.db'), { fileMustExist: true });
      try {
        const integrity = db.pragma('integrity_check', { simple: true });
        if (integrity !== 'ok') problems.push(`image ${i}: integrity_check ${String(integrity)}`);
        if ((db.pragma('foreign_key_check') as unknown[]).length > 0) problems.push(`image ${i}: foreign keys broken`);
        const payment = db.prepare('SELECT p.state, p.amount, o.total FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.order_id = ?');
        for (const seen of log.acknowledged.slice(0, image.acknowledged)) {
          const row = payment.get(seen.orderId) as { state: string; amount: number; total: number } | undefined;
          if (!row || row.state !== 'paid' || row.amount !== seen.total) problems.push(`image ${i}: acknowledged ${seen.orderId} is ${JSON.stringify(row ?? null)}`);
        }
        // Atomicity: a payment the image holds as paid has its outbox event, and the reverse.
        const orphans = db
          .prepare(
            `SELECT count(*) AS n FROM payments p WHERE p.state = 'paid' AND NOT EXISTS
               (SELECT 1 FROM outbox e WHERE e.type = 'payment.captured' AND json_extract(e.payload, '$.orderId') = p.order_id)`,
          )
          .get() as { n: number };
        const ghosts = db
          .prepare(
            `SELECT count(*) AS n FROM outbox e WHERE e.type = 'payment.captured' AND NOT EXISTS
               (SELECT 1 FROM payments p WHERE p.order_id = json_extract(e.payload, '$.orderId') AND p.state = 'paid')`,
          )
          .get() as { n: number };
        if (orphans.n > 0 || ghosts.n > 0) problems.push(`image ${i}: ${orphans.n} paid without outbox event, ${ghosts.n} events without payment`);
        payments = (db.prepare("SELECT count(*) AS n FROM payments WHERE state = 'paid'").get() as { n: number }).n;
      } finally {
        db.close();
      }
    }
    console.log(
      `power-loss: seed ${seed}: ${images.length} images, acknowledged at each ${images.map((x) => x.acknowledged).join(',')}; ` +
        `WAL bytes ${images.map((x) => x.walBytes).join(',')}; last image holds ${payments} paid`,
    );
    expect(problems).toEqual([]);
    // The images were taken while it mattered: shoppers were being answered between them.
    expect(images.at(-1)!.acknowledged).toBeGreaterThan(images[0]!.acknowledged);
    expect(images.filter((x) => x.walBytes > 0).length).toBeGreaterThan(0);
  }, 60_000);
});
