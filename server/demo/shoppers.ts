// Runs in: node. Simulated shoppers for the demo: phones that scan labels, adjust their carts and
// check out against a running store server over HTTP, exactly as the shopper app does.
import { randomInt, randomUUID } from 'node:crypto';

export interface ShopperSimulationOptions {
  baseUrl: string;
  /** Label paths (`/q/...?s=...`) the simulated phones can scan. */
  labels: readonly string[];
  shoppers: number;
  /** Pause between one shopper's visits, in ms (random within the range). */
  visitEveryMs: readonly [number, number];
  onOrder?: (summary: { number: number; total: number; currency: string; paymentState: string; hold?: string }) => void;
  /**
   * A phone that can advertise starts its presence beacon (the demo's virtual radio hears it);
   * the returned function stops it when the visit ends. Without it no phone advertises.
   */
  onPresence?: (presence: { proximityUuid: string; secret: string }, deviceId: string) => (() => void) | undefined;
  onError?: (error: Error) => void;
}

const NAMES = ['김민지', '이서준', '박지우', '최하윤', '정도윤', 'Alex Kim', 'Sophie Park', '강예린', '윤시우', 'Daniel Lee'];
const ADDRESSES = ['서울특별시 강남구 테헤란로 152', '서울특별시 마포구 월드컵북로 396', '부산광역시 해운대구 센텀중앙로 79'];

/** The test acquirer's tokens: most approve, some decline, as real cards do. */
const APPROVING = ['tok_visa', 'tok_mastercard'];
const DECLINING = ['tok_decline_insufficient_funds', 'tok_decline_expired_card'];
function testToken(): string {
  const pool = randomInt(0, 6) === 0 ? DECLINING : APPROVING;
  return pool[randomInt(0, pool.length)]!;
}

export class ShopperSimulation {
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly sleepers = new Map<NodeJS.Timeout, () => void>();
  private readonly running: Promise<void>[] = [];

  constructor(private readonly options: ShopperSimulationOptions) {}

  start(): void {
    if (this.options.labels.length === 0) throw new Error('no labels to scan');
    for (let i = 0; i < this.options.shoppers; i++) {
      this.running.push(this.live(i));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    // Wake every sleeping shopper so its loop sees the stop at once.
    for (const [timer, wake] of this.sleepers) {
      clearTimeout(timer);
      wake();
    }
    this.sleepers.clear();
    await Promise.allSettled(this.running);
  }

  private async live(index: number): Promise<void> {
    // Stagger the first visits so orders trickle in rather than arrive in a burst.
    await this.sleep(1500 + index * 2500);
    while (!this.stopped) {
      try {
        await this.visit();
      } catch (error) {
        if (!this.stopped) this.options.onError?.(error as Error);
      }
      const [min, max] = this.options.visitEveryMs;
      await this.sleep(randomInt(min, max + 1));
    }
  }

  private async visit(): Promise<void> {
    const deviceId = `sim-${randomUUID()}`;
    const session = (await this.call('POST', '/api/sessions', { deviceId })) as { token: string };
    const headers = { authorization: `Bearer ${session.token}`, 'x-device-id': deviceId };
    const presence = (await this.call('GET', '/api/presence', undefined, headers)) as { proximityUuid: string; secret: string };
    const stopBeacon = this.options.onPresence?.(presence, deviceId);
    try {
      await this.shop(headers);
    } finally {
      stopBeacon?.();
    }
  }

  private async shop(headers: Record<string, string>): Promise<void> {
    const scans = randomInt(1, 5);
    for (let i = 0; i < scans && !this.stopped; i++) {
      const label = this.options.labels[randomInt(0, this.options.labels.length)]!;
      await this.call('POST', '/api/cart/scan', { code: label }, headers);
      await this.sleep(randomInt(400, 1500));
    }
    if (this.stopped) return;
    const delivery = randomInt(0, 4) === 0;
    const order = (await this.call(
      'POST',
      '/api/orders',
      {
        orderId: randomUUID(),
        orderer: { name: NAMES[randomInt(0, NAMES.length)], contact: `010-${randomInt(1000, 10000)}-${randomInt(1000, 10000)}` },
        fulfilment: delivery ? { type: 'delivery', address: ADDRESSES[randomInt(0, ADDRESSES.length)] } : { type: 'pickup' },
        payment: { method: randomInt(0, 2) === 0 ? 'card' : 'easy_pay', token: testToken() },
      },
      headers,
    )) as { number: number; total: number; currency: string; paymentState: string; hold?: string };
    this.options.onOrder?.(order);
  }

  private async call(method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    const response = await fetch(new URL(path, this.options.baseUrl), {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(10_000)]),
    });
    const payload = (await response.json()) as unknown;
    if (!response.ok) {
      const error = (payload as { error?: { code?: string; message?: string } }).error;
      throw new Error(`${method} ${path}: ${response.status} ${error?.code ?? ''} ${error?.message ?? ''}`.trim());
    }
    return payload;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const timer = setTimeout(() => {
        this.sleepers.delete(timer);
        resolve();
      }, ms);
      this.sleepers.set(timer, resolve);
    });
  }
}
