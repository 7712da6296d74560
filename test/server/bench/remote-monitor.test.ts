// Runs in: node (vitest). The soak's staff monitor in a child process: every frame of the stream
// reaches the bench, in order, stamped on the clock the bench process reads too, and the last
// ones are handed over when it closes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { monotonicMs, sleep } from '../../../server/bench/load.js';
import { openRemoteMonitor } from '../../../server/bench/remote-monitor.js';

let server: http.Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A stream that sends what `send` is given; resolves with its URL and the first request's headers. */
async function eventStream(): Promise<{ url: string; headers: Promise<http.IncomingHttpHeaders>; send(type: string, data: string): void }> {
  let stream: http.ServerResponse | undefined;
  let gotHeaders: (h: http.IncomingHttpHeaders) => void = () => undefined;
  const headers = new Promise<http.IncomingHttpHeaders>((resolve) => (gotHeaders = resolve));
  server = http.createServer((req, res) => {
    gotHeaders(req.headers);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(': open\n\n');
    stream = res;
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    headers,
    send(type, data) {
      if (!stream) throw new Error('no one follows the stream yet');
      stream.write(`event: ${type}\ndata: ${data}\n\n`);
    },
  };
}

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

const activity = (count: number) => JSON.stringify({ session: 's', count });
const counts = (frames: [string, string, number][]) => frames.map(([type, data]) => [type, (JSON.parse(data) as { count: number }).count]);

describe('openRemoteMonitor', () => {
  it('hands over every frame in order, with its arrival time on monotonicMs()', { timeout: 30_000 }, async () => {
    const source = await eventStream();
    const frames: [string, string, number][] = [];
    const monitor = await openRemoteMonitor(source.url, '/api/staff/events', { cookie: 'omni_staff=abc' }, (type, data, at) => frames.push([type, data, at]));
    try {
      expect((await source.headers).cookie).toBe('omni_staff=abc');
      const sentAt: number[] = [];
      for (let i = 0; i < 20; i++) {
        sentAt.push(monotonicMs());
        source.send(i % 2 ? 'cart.activity' : 'order.created', activity(i));
        if (i === 9) await sleep(120);
      }
      await until(() => frames.length === 20);
      const handedAt = monotonicMs();
      expect(counts(frames)).toEqual(Array.from({ length: 20 }, (_, i) => [i % 2 ? 'cart.activity' : 'order.created', i]));
      frames.forEach(([, , at], i) => {
        expect(at).toBeGreaterThanOrEqual(sentAt[i]!);
        expect(at).toBeLessThanOrEqual(handedAt);
      });
    } finally {
      await monitor.close();
    }
  });

  it('hands over the frames of a batch not yet sent when it closes', { timeout: 30_000 }, async () => {
    const source = await eventStream();
    const frames: [string, string, number][] = [];
    const monitor = await openRemoteMonitor(source.url, '/events', {}, (type, data, at) => frames.push([type, data, at]), { batchEveryMs: 600_000 });
    await source.headers;
    for (let i = 0; i < 5; i++) source.send('cart.activity', activity(i));
    // Time for the child to read them; its batch is not due for ten minutes.
    await sleep(1_000);
    expect(frames).toEqual([]);
    await monitor.close();
    expect(counts(frames)).toEqual(Array.from({ length: 5 }, (_, i) => ['cart.activity', i]));
  });
});
