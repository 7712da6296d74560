// Runs in: node (bench process and the soak test). The soak's simulated store day (issue 8,
// item 4): phones that open a session and their live feed, advertise presence codes on the
// virtual radio, scan labels, change their carts, check out and pay through central's test
// acquirer; kiosk shoppers who pair with a kiosk's code, tap tags on its reader and pay; one
// staff monitor watching. Every request's latency and every scan's scan → monitor time is
// recorded; whatever the scenario does not allow is an error. The same code drives the child
// station of soak.bench.ts and the in-process station of test/server/scale/store-soak.test.ts.
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HttpClient, type HttpResult, type MonitorConnection } from './http.js';
import { monotonicMs, seededRandom, sleep } from './load.js';

/** The soak station's store id and staff PIN (server/bench/soak-station.ts sets it up). */
export const SOAK_STORE_ID = 'SOAK-0001';
export const SOAK_PIN = '593172';

/** The station's simulated devices, driven from outside as phones and cards would. */
export interface SoakDevices {
  /** A phone starts advertising its rolling presence codes (DESIGN.md "Presence"). */
  beacon(address: string, secret: string, uuid: string): Promise<void>;
  stopBeacon(address: string): Promise<void>;
  /** A tag held to a kiosk's reader. */
  tap(readerId: string, tag: string): Promise<void>;
}

export interface SoakOptions {
  url: string;
  pin: string;
  labels: readonly string[];
  skus: readonly string[];
  /** RFID tags of catalogue products, for kiosk taps. */
  tags: readonly string[];
  shoppers: number;
  /** Kiosks enrolled at the start; reader `reader-<n>` belongs to kiosk n. */
  kiosks: number;
  warmupMs: number;
  durationMs: number;
  /** Think time between one shopper's actions, ms (uniform): the compression lives here. */
  thinkMs: readonly [number, number];
  /** Scans per phone visit (uniform). */
  scansPerVisit: readonly [number, number];
  devices: SoakDevices;
  signal: AbortSignal;
  seed?: number;
  log?(message: string): void;
  /**
   * Follows the staff monitor's stream and reports each frame with its arrival on monotonicMs().
   * The bench opens it in a process of its own (server/bench/remote-monitor.ts); by default it
   * shares this process's event loop with the phones.
   */
  openMonitor?: StaffMonitorOpener;
}

export type StaffMonitorOpener = (
  url: string,
  path: string,
  headers: Record<string, string>,
  onEvent: (type: string, data: string, receivedAt: number) => void,
) => Promise<{ close(): unknown }>;

const monitorInProcess: StaffMonitorOpener = async (url, path, headers, onEvent) => {
  const client = new HttpClient(url, 1);
  const stream = await client.openEvents(path, headers, (type, data) => onEvent(type, data, monotonicMs()));
  return {
    close() {
      stream.close();
      client.close();
    },
  };
};

export interface AcknowledgedOrder {
  orderId: string;
  total: number;
  paymentState: string;
  via: 'phone' | 'kiosk';
}

export interface SoakResult {
  /** Requests answered as the scenario expects, after warm-up. */
  ops: number;
  /** Everything the scenario does not allow, whole run (warm-up included). */
  errors: number;
  firstErrors: string[];
  /** ms from a scan's send to its cart.activity frame on the monitor, after warm-up. */
  scanToMonitor: number[];
  /**
   * The same, seen by a second monitor in this process, when the first is elsewhere (`openMonitor`):
   * the difference is what the generator's own event loop adds.
   */
  scanToMonitorInProcess: number[];
  /** ms per shopper and kiosk request, after warm-up. */
  api: number[];
  /** The same, by what the request was for ('scan', 'checkout', …): where the API p99 comes from. */
  apiByKind: Record<string, number[]>;
  /** ms from a tag held to the reader to the kiosk screen's `tap` frame, after warm-up. */
  tapToKiosk: number[];
  /** Scans whose monitor frame never arrived. */
  unseenScans: number;
  acknowledged: AcknowledgedOrder[];
  /** Checkouts acknowledged `paid_offline` (central did not answer in time). */
  paidOffline: number;
  /** Every request sent, warm-up included (for server CPU per request). */
  requests: number;
  phoneVisits: number;
  kioskVisits: number;
  elapsedMs: number;
  /** The load generator's own event-loop delay, ms: its stalls land in every latency it measures. */
  generatorDelayP99Ms: number;
  /** Frames the staff monitor received, by type. */
  monitorFrames: Record<string, number>;
}

const PRESENCE_WAIT_MS = 10_000;

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const http = new HttpClient(o.url, Math.max(64, o.shoppers + o.kiosks * 2 + 8));
  const random = seededRandom(o.seed ?? 0x50a4);
  const start = performance.now();
  const measureFrom = start + o.warmupMs;
  const stopAt = measureFrom + o.durationMs;
  const running = () => performance.now() < stopAt && !o.signal.aborted;
  const think = () => sleep(o.thinkMs[0] + random() * (o.thinkMs[1] - o.thinkMs[0]));
  const between = (range: readonly [number, number]) => range[0] + Math.floor(random() * (range[1] - range[0] + 1));

  const result: SoakResult = {
    ops: 0,
    errors: 0,
    firstErrors: [],
    scanToMonitor: [],
    scanToMonitorInProcess: [],
    apiByKind: {},
    api: [],
    tapToKiosk: [],
    unseenScans: 0,
    acknowledged: [],
    paidOffline: 0,
    requests: 0,
    phoneVisits: 0,
    kioskVisits: 0,
    elapsedMs: 0,
    generatorDelayP99Ms: 0,
    monitorFrames: {},
  };
  const stalls = monitorEventLoopDelay({ resolution: 5 });
  stalls.enable();
  const fail = (what: string) => {
    result.errors++;
    if (result.firstErrors.length < 10) result.firstErrors.push(what);
  };

  /** One request; its latency counts after warm-up; `expect` says which statuses are right. */
  const request = async (
    what: string,
    path: string,
    init: { method?: string; headers?: Record<string, string>; json?: unknown },
    expect: readonly number[] = [200],
  ): Promise<HttpResult | null> => {
    const sent = performance.now();
    result.requests++;
    let answer: HttpResult;
    try {
      answer = await http.request(path, init);
    } catch (error) {
      fail(`${what}: no answer (${(error as Error).message})`);
      return null;
    }
    const took = performance.now() - sent;
    if (!expect.includes(answer.status)) {
      fail(`${what}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`);
      return null;
    }
    if (sent >= measureFrom) {
      result.api.push(took);
      (result.apiByKind[what.split(' ')[0]!] ??= []).push(took);
      result.ops++;
    }
    return answer;
  };

  const staff = await http.request('/api/staff/session', { method: 'POST', json: { pin: o.pin } });
  const staffCookie = cookieOf(staff, 'omni_staff');
  if (staff.status !== 200 || !staffCookie) throw new Error(`staff sign-in answered ${staff.status}: ${staff.body}`);
  const onMonitor = new ScanMatcher(result.scanToMonitor);
  const monitors = [
    await (o.openMonitor ?? monitorInProcess)(o.url, '/api/staff/events', { cookie: staffCookie }, (type, data, receivedAt) => {
      result.monitorFrames[type] = (result.monitorFrames[type] ?? 0) + 1;
      if (type === 'cart.activity') onMonitor.frame(data, receivedAt);
    }),
  ];
  const matchers = [onMonitor];
  if (o.openMonitor) {
    const inProcess = new ScanMatcher(result.scanToMonitorInProcess);
    matchers.push(inProcess);
    monitors.push(
      await monitorInProcess(o.url, '/api/staff/events', { cookie: staffCookie }, (type, data, receivedAt) => {
        if (type === 'cart.activity') inProcess.frame(data, receivedAt);
      }),
    );
  }

  const newSession = async () => {
    const deviceId = `soak-${randomUUID()}`;
    const created = await request('session', '/api/sessions', { method: 'POST', json: { deviceId } }, [201]);
    if (!created) return null;
    const { sessionId, token } = JSON.parse(created.body) as { sessionId: string; token: string };
    return { sessionId, deviceId, headers: { authorization: `Bearer ${token}`, 'x-device-id': deviceId } };
  };
  type Session = NonNullable<Awaited<ReturnType<typeof newSession>>>;

  const checkout = async (session: Session, via: AcknowledgedOrder['via']) => {
    const orderId = randomUUID();
    const placed = await request(
      'checkout',
      '/api/orders',
      {
        method: 'POST',
        headers: session.headers,
        json: {
          orderId,
          orderer: { name: '김민지', contact: '010-1234-5678' },
          fulfilment: { type: 'pickup' },
          payment: { method: 'card', token: 'tok_visa' },
        },
      },
      [201],
    );
    if (!placed) return;
    const order = JSON.parse(placed.body) as { id: string; total: number; paymentState: string; hold?: string };
    result.acknowledged.push({ orderId: order.id, total: order.total, paymentState: order.paymentState, via });
    // Offline acceptance is the station's designed answer to a central too slow to answer within
    // payment_timeout_ms (a saturated box): acknowledged, forwarded later, checked at the end.
    if (order.paymentState === 'paid_offline') result.paidOffline++;
    else if (order.paymentState !== 'paid') fail(`checkout ${orderId}: paymentState ${order.paymentState} ${order.hold ?? ''}`);
    await request('order', `/api/orders/${orderId}`, { headers: session.headers });
  };

  /** The phone app's live feed, open for the whole visit as the shopper app keeps it. */
  const openFeed = async (session: Session, onFrame: (type: string, data: string) => void = () => undefined): Promise<MonitorConnection | null> => {
    try {
      return await http.openEvents('/api/shopper/events', session.headers, onFrame);
    } catch (error) {
      fail(`shopper feed: ${(error as Error).message}`);
      return null;
    }
  };

  const phoneVisit = async (index: number) => {
    const session = await newSession();
    if (!session) return;
    // The app learns that the station heard the phone from its feed's presence frame; it never polls.
    let proven = false;
    let heard: () => void = () => undefined;
    const feed = await openFeed(session, (type, data) => {
      if (type === 'presence' && (JSON.parse(data) as { proven: boolean }).proven) {
        proven = true;
        heard();
      }
    });
    const address = `soak-phone-${index}-${session.sessionId.slice(0, 8)}`;
    let beaconOn = false;
    const key = session.sessionId.slice(0, 8);
    const lines: string[] = [];
    try {
      const presence = await request('presence', '/api/presence', { headers: session.headers });
      if (!presence) return;
      const { proximityUuid, secret } = JSON.parse(presence.body) as { proximityUuid: string; secret: string };
      await o.devices.beacon(address, secret, proximityUuid);
      beaconOn = true;
      const scans = between(o.scansPerVisit);
      for (let i = 0; i < scans && running(); i++) {
        await think();
        const label = o.labels[Math.floor(random() * o.labels.length)]!;
        const measured = performance.now() >= measureFrom;
        const sentAt = monotonicMs();
        const scanned = await request('scan', '/api/cart/scan', { method: 'POST', headers: session.headers, json: { code: label } });
        if (!scanned) continue;
        const { count, added } = JSON.parse(scanned.body) as { count: number; added: { sku: string } };
        if (!lines.includes(added.sku)) lines.push(added.sku);
        for (const matcher of matchers) matcher.scan(`${key}:${count}`, sentAt, measured);
        // Now and then the shopper looks at the cart, changes a quantity or takes a line out.
        const roll = random();
        if (roll < 0.15) await request('cart', '/api/cart', { headers: session.headers });
        else if (roll < 0.25 && lines.length > 1) {
          const sku = lines[Math.floor(random() * lines.length)]!;
          await request('quantity', `/api/cart/items/${encodeURIComponent(sku)}`, { method: 'PUT', headers: session.headers, json: { quantity: 2 } });
        } else if (roll < 0.3 && lines.length > 1) {
          const sku = lines.shift()!;
          await request('remove', `/api/cart/items/${encodeURIComponent(sku)}`, { method: 'DELETE', headers: session.headers });
        } else if (roll < 0.35) {
          await request('search', `/api/products?q=${encodeURIComponent(o.skus[Math.floor(random() * o.skus.length)]!)}&limit=5`, {
            headers: session.headers,
          });
        }
      }
      if (lines.length === 0 || o.signal.aborted) return;
      // The app waits for the station to have heard the phone before it offers to pay.
      if (!proven) {
        await new Promise<void>((resolve) => {
          const timeout = setTimeout(resolve, PRESENCE_WAIT_MS);
          heard = () => {
            clearTimeout(timeout);
            resolve();
          };
        });
        if (!proven) {
          fail(`presence not proven on the phone's feed within ${PRESENCE_WAIT_MS} ms of the last scan`);
          return;
        }
      }
      await checkout(session, 'phone');
      result.phoneVisits++;
    } finally {
      if (beaconOn) await o.devices.stopBeacon(address).catch((error: Error) => fail(`stop beacon: ${error.message}`));
      // Its last scans' frames may still be on their way from the monitor: the end of the run
      // counts what never came.
      feed?.close();
    }
  };

  // Kiosks: enrolled by staff, each screen signed in with its link and following its stream.
  interface KioskScreen {
    id: string;
    readerId: string;
    cookie: string;
    nonce: string | null;
    stream: MonitorConnection;
    taps: ((result: string) => void)[];
  }
  const kiosks: KioskScreen[] = [];
  for (let k = 1; k <= o.kiosks; k++) {
    const id = `SOAK-K${k}`;
    const readerId = `reader-${k}`;
    const enrolled = await http.request('/api/staff/kiosks', {
      method: 'POST',
      headers: { cookie: staffCookie },
      json: { id, name: `Kiosk ${k}`, readerIds: [readerId] },
    });
    if (enrolled.status !== 201) throw new Error(`enrolling kiosk ${id}: ${enrolled.status} ${enrolled.body}`);
    const token = new URL((JSON.parse(enrolled.body) as { link: string }).link).hash.replace(/^#token=/, '');
    const signedIn = await http.request('/api/kiosk/session', { method: 'POST', json: { token } });
    const cookie = cookieOf(signedIn, 'omni_kiosk');
    if (signedIn.status !== 200 || !cookie) throw new Error(`kiosk ${id} sign-in: ${signedIn.status} ${signedIn.body}`);
    const screen: KioskScreen = { id, readerId, cookie, nonce: null, stream: undefined as unknown as MonitorConnection, taps: [] };
    screen.stream = await http.openEvents('/api/kiosk/events', { cookie }, (type, data) => {
      if (type === 'pairing') screen.nonce = (JSON.parse(data) as { url: string }).url.split('/').pop() ?? null;
      else if (type === 'tap') screen.taps.shift()?.((JSON.parse(data) as { result: string }).result);
    });
    kiosks.push(screen);
  }

  const kioskVisit = async (screen: KioskScreen) => {
    const session = await newSession();
    if (!session) return;
    const feed = await openFeed(session);
    try {
      // The phone scans the code on the screen: it waits for the first one after a pairing.
      const until = performance.now() + 5_000;
      while (!screen.nonce && performance.now() < until) await sleep(20);
      const nonce = screen.nonce;
      screen.nonce = null;
      if (!nonce) {
        fail(`kiosk ${screen.id}: no pairing code on the screen`);
        return;
      }
      const paired = await request('pair', '/api/presence/pair', { method: 'POST', headers: session.headers, json: { kioskId: screen.id, nonce } });
      if (!paired) return;
      const taps = between([1, 4]);
      let added = 0;
      for (let i = 0; i < taps && running(); i++) {
        await think();
        let settle: (result: string) => void = () => undefined;
        const shown = new Promise<string>((resolve) => screen.taps.push((settle = resolve)));
        const held = performance.now();
        await o.devices.tap(screen.readerId, o.tags[Math.floor(random() * o.tags.length)]!);
        const outcome = await Promise.race([shown, sleep(5_000).then(() => 'no tap frame within 5 s')]);
        // A frame that never came must not be matched with the next tap's.
        screen.taps = screen.taps.filter((waiting) => waiting !== settle);
        if (outcome !== 'added') fail(`kiosk ${screen.id} tap: ${outcome}`);
        else {
          added++;
          if (held >= measureFrom) result.tapToKiosk.push(performance.now() - held);
        }
      }
      // The run ended before the first tap: the shopper walks away with nothing to pay for.
      if (added === 0) return;
      await checkout(session, 'kiosk');
      result.kioskVisits++;
    } finally {
      await request('kiosk done', '/api/kiosk/unpair', { method: 'POST', headers: { cookie: screen.cookie }, json: { reason: 'done' } }, [204]);
      feed?.close();
    }
  };

  const loops: Promise<void>[] = [];
  for (let i = 0; i < o.shoppers; i++) {
    loops.push(
      (async () => {
        // Arrivals spread over the first think times rather than all at once.
        await sleep(random() * o.thinkMs[1] * 2);
        while (running()) {
          await phoneVisit(i);
          await think();
        }
      })(),
    );
  }
  for (const screen of kiosks) {
    loops.push(
      (async () => {
        while (running()) {
          await kioskVisit(screen);
          await think();
        }
      })(),
    );
  }
  const progress = setInterval(() => {
    const at = Math.round((performance.now() - start) / 1000);
    o.log?.(`    ${at} s: ${result.acknowledged.length} orders, ${result.ops} requests measured, ${result.errors} errors`);
  }, 15_000);
  try {
    await Promise.all(loops);
  } finally {
    clearInterval(progress);
    // Frames still in flight for the last scans get a moment to arrive.
    const drainUntil = performance.now() + 2_000;
    while (matchers.some((m) => m.awaiting > 0) && performance.now() < drainUntil) await sleep(20);
    result.unseenScans += onMonitor.awaiting;
    result.elapsedMs = performance.now() - start;
    stalls.disable();
    result.generatorDelayP99Ms = stalls.percentile(99) / 1e6;
    for (const monitor of monitors) await monitor.close();
    for (const screen of kiosks) screen.stream.close();
    http.close();
  }
  return result;
}

/**
 * Pairs each scan with its cart.activity frame, whichever arrives first (the frame can beat the
 * scan's answer, which tells the count); both times on monotonicMs().
 */
export class ScanMatcher {
  private readonly framesSeen = new Map<string, number>();
  private readonly scansAwaiting = new Map<string, { sentAt: number; measured: boolean }>();

  constructor(private readonly latencies: number[]) {}

  get awaiting(): number {
    return this.scansAwaiting.size;
  }

  frame(data: string, receivedAt: number): void {
    const { session, count } = JSON.parse(data) as { session: string; count: number };
    const key = `${session}:${count}`;
    const scan = this.scansAwaiting.get(key);
    if (scan === undefined) this.framesSeen.set(key, receivedAt);
    else {
      this.scansAwaiting.delete(key);
      if (scan.measured) this.latencies.push(receivedAt - scan.sentAt);
    }
  }

  scan(key: string, sentAt: number, measured: boolean): void {
    const seenAt = this.framesSeen.get(key);
    if (seenAt === undefined) this.scansAwaiting.set(key, { sentAt, measured });
    else {
      this.framesSeen.delete(key);
      if (measured) this.latencies.push(seenAt - sentAt);
    }
  }
}

function cookieOf(answer: HttpResult, name: string): string | undefined {
  const header = answer.headers['set-cookie'] ?? [];
  return header.map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${name}=`));
}
