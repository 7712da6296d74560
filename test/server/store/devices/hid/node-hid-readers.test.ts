// Runs in: node (vitest). Real-reader hub against a fake node-hid: a device list the test
// changes, and device objects that emit 'data' and 'error' like node-hid's HID.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../../server/store/clock.js';
import { rawReportFor, reportsForText } from '../../../../../server/protocol/hid/index.js';
import {
  NodeHidReaderHub,
  loadNodeHid,
  type HidReaderMatcher,
  type NodeHidDeviceInfo,
  type NodeHidModule,
} from '../../../../../server/store/devices/hid/node-hid-readers.js';
import type { HidIssue, HidReaderInfo, HidTap } from '../../../../../server/store/devices/hid/types.js';

class FakeDevice extends EventEmitter {
  closed = false;
  constructor(readonly path: string) {
    super();
  }
  close(): void {
    this.closed = true;
    this.removeAllListeners();
  }
  send(reports: Uint8Array[]): void {
    for (const report of reports) this.emit('data', Buffer.from(report));
  }
}

class FakeHid {
  list: NodeHidDeviceInfo[] = [];
  opened: FakeDevice[] = [];
  refuse = new Set<string>();
  module(): NodeHidModule {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const fake = this;
    return {
      devices: () => this.list.map((d) => ({ ...d })),
      HID: class {
        constructor(path: string) {
          if (fake.refuse.has(path)) throw new Error(`cannot open device with path ${path}`);
          const device = new FakeDevice(path);
          fake.opened.push(device);
          return device;
        }
      } as unknown as NodeHidModule['HID'],
    };
  }
  device(path: string): FakeDevice {
    const open = this.opened.filter((d) => d.path === path && !d.closed);
    expect(open).toHaveLength(1);
    return open[0]!;
  }
}

const WEDGE: HidReaderMatcher = { vendorId: 0x08ff, productId: 0x0009, mode: 'keyboard-wedge', format: 'hex' };
const DECIMAL: HidReaderMatcher = { vendorId: 0x1a86, productId: 0xdd01, mode: 'keyboard-wedge', format: 'decimal' };
const RAW: HidReaderMatcher = { vendorId: 0x0483, productId: 0x5750, mode: 'raw' };
const wedgeAt = (path: string, extra: Partial<NodeHidDeviceInfo> = {}): NodeHidDeviceInfo => ({
  vendorId: 0x08ff, productId: 0x0009, path, product: 'RFID Reader', ...extra,
});

let hub: NodeHidReaderHub | null = null;
afterEach(async () => {
  await hub?.stop();
  hub = null;
});

function setup(matchers: HidReaderMatcher[] = [WEDGE, DECIMAL, RAW]) {
  const fake = new FakeHid();
  const clock = new ManualClock();
  hub = new NodeHidReaderHub({ matchers, clock, load: () => fake.module(), pollMs: 60_000 });
  const taps: HidTap[] = [];
  const issues: HidIssue[] = [];
  const changes: HidReaderInfo[][] = [];
  hub.onTap((tap) => taps.push(tap));
  hub.onIssue((issue) => issues.push(issue));
  hub.onReaders((readers) => changes.push(readers));
  return { fake, clock, hub, taps, issues, changes };
}

describe('NodeHidReaderHub', () => {
  it('opens a reader when it is plugged in, passes its taps, forgets it on unplug, and reopens it', async () => {
    const { fake, clock, hub, taps, changes } = setup();
    await hub.start();
    expect(hub.readers()).toEqual([]);

    fake.list = [wedgeAt('/dev/hidraw3')];
    await hub.poll();
    expect(hub.readers()).toEqual([{ id: '/dev/hidraw3', vendorId: 0x08ff, productId: 0x0009, product: 'RFID Reader', mode: 'keyboard-wedge' }]);
    expect(changes.at(-1)!.map((r) => r.id)).toEqual(['/dev/hidraw3']);

    fake.device('/dev/hidraw3').send(reportsForText('04a2b3c4d5e680'));
    expect(taps).toEqual([{ readerId: '/dev/hidraw3', text: '04a2b3c4d5e680', tag: '04A2B3C4D5E680', at: clock.now() }]);

    // Unplugged: the device errors, then disappears from the list.
    const first = fake.device('/dev/hidraw3');
    first.emit('error', new Error('could not read from HID device'));
    expect(first.closed).toBe(true);
    expect(hub.readers()).toEqual([]);
    expect(changes.at(-1)).toEqual([]);
    fake.list = [];
    await hub.poll();
    expect(fake.opened).toHaveLength(1);

    fake.list = [wedgeAt('/dev/hidraw3')];
    await hub.poll();
    expect(hub.readers().map((r) => r.id)).toEqual(['/dev/hidraw3']);
    clock.advance(5000);
    fake.device('/dev/hidraw3').send(reportsForText('04A2B3C4D5E680'));
    expect(taps).toHaveLength(2);
    expect(taps[1]!.at).toBe(clock.now());
  });

  it('notices an unplug from the device list alone', async () => {
    const { fake, hub } = setup();
    fake.list = [wedgeAt('/dev/hidraw1')];
    await hub.start();
    const device = fake.device('/dev/hidraw1');
    fake.list = [];
    await hub.poll();
    expect(device.closed).toBe(true);
    expect(hub.readers()).toEqual([]);
  });

  it('reads several readers at once, each with its own decoder and format', async () => {
    const { fake, hub, taps } = setup();
    fake.list = [
      wedgeAt('/dev/hidraw1'),
      wedgeAt('/dev/hidraw2'),
      { vendorId: 0x1a86, productId: 0xdd01, path: '/dev/hidraw5' },
      { vendorId: 0x0483, productId: 0x5750, path: '/dev/hidraw7' },
      { vendorId: 0x046d, productId: 0xc52b, path: '/dev/hidraw0' }, // a real keyboard: not ours
    ];
    await hub.start();
    expect(hub.readers().map((r) => `${r.id} ${r.mode}`).sort()).toEqual([
      '/dev/hidraw1 keyboard-wedge', '/dev/hidraw2 keyboard-wedge', '/dev/hidraw5 keyboard-wedge', '/dev/hidraw7 raw',
    ]);
    // Interleaved reports from two wedge readers must not mix their half-typed reads.
    const a = reportsForText('AAAA0001');
    const b = reportsForText('BBBB0002');
    for (let i = 0; i < a.length; i++) {
      fake.device('/dev/hidraw1').send([a[i]!]);
      fake.device('/dev/hidraw2').send([b[i]!]);
    }
    fake.device('/dev/hidraw5').send(reportsForText('0012345678'));
    fake.device('/dev/hidraw7').send([rawReportFor('04A2B3C4'), rawReportFor('04A2B3C4')]);
    expect(taps.map((t) => `${t.readerId} ${t.tag}`)).toEqual([
      '/dev/hidraw1 AAAA0001', '/dev/hidraw2 BBBB0002', '/dev/hidraw5 00BC614E', '/dev/hidraw7 04A2B3C4',
    ]);
  });

  it('counts a card re-read while it lies on the reader as one tap', async () => {
    const { fake, clock, hub, taps } = setup();
    fake.list = [wedgeAt('/dev/hidraw1')];
    await hub.start();
    const device = fake.device('/dev/hidraw1');
    for (let i = 0; i < 4; i++) {
      device.send(reportsForText('DEADBEEF'));
      clock.advance(400);
    }
    expect(taps).toHaveLength(1);
    clock.advance(1500);
    device.send(reportsForText('DEADBEEF'));
    device.send(reportsForText('CAFEF00D'));
    expect(taps.map((t) => t.tag)).toEqual(['DEADBEEF', 'DEADBEEF', 'CAFEF00D']);
  });

  it('reports unreadable cards and a failing tap listener without closing the reader', async () => {
    const { fake, hub, issues, taps } = setup();
    fake.list = [wedgeAt('/dev/hidraw1')];
    await hub.start();
    fake.device('/dev/hidraw1').send(reportsForText('NOT-A-TAG'));
    expect(issues).toMatchObject([{ readerId: '/dev/hidraw1', text: 'NOT-A-TAG', message: expect.stringMatching(/not hexadecimal/) }]);
    hub.onTap(() => {
      throw new Error('listener bug');
    });
    fake.device('/dev/hidraw1').send(reportsForText('DEADBEEF'));
    expect(taps).toHaveLength(1);
    expect(issues.at(-1)!.message).toMatch(/listener bug/);
    expect(hub.readers()).toHaveLength(1);
  });

  it('reports a reader it cannot open once, retries it later, and keeps the others', async () => {
    const { fake, clock, hub, issues } = setup();
    fake.refuse.add('/dev/hidraw2');
    fake.list = [wedgeAt('/dev/hidraw1'), wedgeAt('/dev/hidraw2')];
    await hub.start();
    expect(hub.readers().map((r) => r.id)).toEqual(['/dev/hidraw1']);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.readerId).toBe('/dev/hidraw2');
    expect(issues[0]!.message).toMatch(/^cannot open reader \/dev\/hidraw2/);
    const attempts = () => fake.opened.length;
    const before = attempts();
    await hub.poll();
    clock.advance(11_000);
    await hub.poll();
    expect(issues).toHaveLength(1);
    fake.refuse.clear();
    clock.advance(11_000);
    await hub.poll();
    expect(hub.readers().map((r) => r.id).sort()).toEqual(['/dev/hidraw1', '/dev/hidraw2']);
    expect(attempts()).toBe(before + 1);
  });

  it('reopens a reader that errored but is still plugged in', async () => {
    const { fake, hub, issues } = setup();
    fake.list = [wedgeAt('/dev/hidraw1')];
    await hub.start();
    fake.device('/dev/hidraw1').emit('error', new Error('transient'));
    expect(hub.readers()).toEqual([]);
    expect(issues.at(-1)!.message).toMatch(/reader \/dev\/hidraw1 stopped: transient/);
    await hub.poll();
    expect(hub.readers().map((r) => r.id)).toEqual(['/dev/hidraw1']);
    // A late error from the closed handle is ignored, not thrown.
    expect(() => fake.opened[0]!.emit('error', new Error('late'))).not.toThrow();
  });

  it('opens only the keyboard interface of a composite wedge reader', async () => {
    const { fake, hub } = setup();
    fake.list = [
      wedgeAt('/dev/hidraw1', { usagePage: 1, usage: 6, interface: 0 }),
      wedgeAt('/dev/hidraw2', { usagePage: 0x0c, usage: 1, interface: 1 }),
    ];
    await hub.start();
    expect(hub.readers().map((r) => r.id)).toEqual(['/dev/hidraw1']);
  });

  it('reports no readers and an error when node-hid does not load, and does not throw', async () => {
    hub = new NodeHidReaderHub({
      matchers: [WEDGE],
      load: () => {
        throw new Error("Cannot find module 'node-hid'");
      },
    });
    const issues: HidIssue[] = [];
    hub.onIssue((issue) => issues.push(issue));
    await expect(hub.start()).resolves.toBeUndefined();
    expect(hub.readers()).toEqual([]);
    expect(hub.unavailable()).toMatch(/node-hid did not load \(Cannot find module 'node-hid'\)/);
    expect(issues).toMatchObject([{ readerId: null }]);
  });

  it('closes every reader on stop', async () => {
    const { fake, hub, changes } = setup();
    fake.list = [wedgeAt('/dev/hidraw1'), wedgeAt('/dev/hidraw2')];
    await hub.start();
    await hub.stop();
    expect(fake.opened.every((d) => d.closed)).toBe(true);
    expect(hub.readers()).toEqual([]);
    expect(changes.at(-1)).toEqual([]);
  });

  it('polls the device list on its own timer', async () => {
    const fake = new FakeHid();
    hub = new NodeHidReaderHub({ matchers: [WEDGE], load: () => fake.module(), pollMs: 20 });
    const seen = new Promise<HidReaderInfo[]>((resolve) => hub!.onReaders(resolve));
    await hub.start();
    fake.list = [wedgeAt('/dev/hidraw9')];
    expect((await seen).map((r) => r.id)).toEqual(['/dev/hidraw9']);
  });

  it('loads the real node-hid module, which lists devices here without crashing', () => {
    const hid = loadNodeHid();
    expect(Array.isArray(hid.devices())).toBe(true);
  });
});
