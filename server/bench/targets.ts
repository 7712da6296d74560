// Runs in: node (bench process). The two servers a benchmark compares, behind one shape: the
// real store server and the bare floor, each in its own child process on a fresh data folder.
import { randomUUID } from 'node:crypto';
import { startChildServer } from './child.js';
import { HttpClient, type HttpResult, type MonitorConnection } from './http.js';
import { LeanHttpClient } from './lean-http.js';

export interface Shopper {
  /** What a monitor event's `session` field carries for this shopper (first 8 chars). */
  key: string;
  headers: Record<string, string>;
}

export interface Target {
  name: 'store' | 'floor';
  url: string;
  /** A monitor connection that reports every cart activity event as (session, count). */
  openMonitor(onActivity: (session: string, count: number) => void): Promise<MonitorConnection>;
  newShopper(): Promise<Shopper>;
  /** Scans the label of product `product` (any integer; taken modulo the catalogue). */
  scan(shopper: Shopper, product: number): Promise<HttpResult>;
  /** The server process's CPU time so far, in microseconds. */
  cpuUsage(): Promise<number>;
  stop(): Promise<void>;
}

export interface StoreTarget extends Target {
  skus: string[];
  /** Any shopper call, for cart operations beyond scanning. */
  call(shopper: Shopper, method: string, path: string, json?: unknown): Promise<HttpResult>;
}

function activityHandler(onActivity: (session: string, count: number) => void) {
  return (type: string, data: string) => {
    if (type !== 'cart.activity') return;
    const event = JSON.parse(data) as { session: string; count: number };
    onActivity(event.session, event.count);
  };
}

export async function startFloor(options: { cpuProfDir?: string } = {}): Promise<Target> {
  const child = await startChildServer<object>(new URL('./floor-server.ts', import.meta.url), [], {
    name: 'floor',
    cpuProfDir: options.cpuProfDir,
  });
  const http = new HttpClient(child.info.url);
  const scans = new LeanHttpClient(child.info.url);
  // Codes as long as real label paths, so parsing and storing them costs the same.
  const codes = Array.from({ length: 200 }, (_, i) => `/q/BENCH-001/BENCH-${String(i + 1).padStart(4, '0')}?s=${'x'.repeat(16)}`);
  return {
    name: 'floor',
    url: child.info.url,
    openMonitor: (onActivity) => http.openEvents('/events', {}, activityHandler(onActivity)),
    async newShopper() {
      const session = randomUUID();
      return { key: session.slice(0, 8), headers: { authorization: `Bearer ${session}`, 'x-device-id': `dev-${session}` } };
    },
    cpuUsage: () => child.cpuUsage(),
    scan: (shopper, product) => scans.post('/scan', shopper.headers, { code: codes[product % codes.length] }),
    async stop() {
      http.close();
      scans.close();
      await child.stop();
    },
  };
}

export async function startStore(options: { cpuProfDir?: string; products?: number } = {}): Promise<StoreTarget> {
  const child = await startChildServer<{ pin: string; skus: string[]; labels: string[] }>(
    new URL('./store-server.ts', import.meta.url),
    [String(options.products ?? 200)],
    { name: 'store', cpuProfDir: options.cpuProfDir },
  );
  const { url, pin, skus, labels } = child.info;
  const http = new HttpClient(url);
  const scans = new LeanHttpClient(url);
  const stop = async () => {
    http.close();
    scans.close();
    await child.stop();
  };
  try {
    const health = await http.request('/health');
    if (health.status !== 200) throw new Error(`store /health answered ${health.status}`);
  } catch (error) {
    await stop();
    throw error;
  }
  const call = (shopper: Shopper, method: string, path: string, json?: unknown) =>
    http.request(path, { method, headers: shopper.headers, json });
  return {
    name: 'store',
    url,
    skus,
    async openMonitor(onActivity) {
      const signIn = await http.request('/api/staff/session', { method: 'POST', json: { pin } });
      const cookie = (signIn.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!).find((c) => c.startsWith('omni_staff='));
      if (signIn.status !== 200 || !cookie) throw new Error(`staff sign-in answered ${signIn.status}: ${signIn.body}`);
      return http.openEvents('/api/staff/events', { cookie }, activityHandler(onActivity));
    },
    async newShopper() {
      const deviceId = `bench-${randomUUID()}`;
      const response = await http.request('/api/sessions', { method: 'POST', json: { deviceId } });
      if (response.status !== 201) throw new Error(`session answered ${response.status}: ${response.body}`);
      const { sessionId, token } = JSON.parse(response.body) as { sessionId: string; token: string };
      return { key: sessionId.slice(0, 8), headers: { authorization: `Bearer ${token}`, 'x-device-id': deviceId } };
    },
    scan: (shopper, product) => scans.post('/api/cart/scan', shopper.headers, { code: labels[product % labels.length] }),
    call,
    cpuUsage: () => child.cpuUsage(),
    stop,
  };
}
