// Runs in: node (vitest). The simulated reader hub used by tests and the demo.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../../server/store/clock.js';
import { reportsForText } from '../../../../../server/protocol/hid/index.js';
import { VirtualHidHub } from '../../../../../server/store/devices/hid/virtual-reader.js';
import type { HidIssue, HidReaderHub, HidReaderInfo, HidTap } from '../../../../../server/store/devices/hid/types.js';

async function setup(options: ConstructorParameters<typeof VirtualHidHub>[0] = {}) {
  const clock = new ManualClock();
  const hub = new VirtualHidHub({ clock, ...options });
  const taps: HidTap[] = [];
  const issues: HidIssue[] = [];
  const changes: HidReaderInfo[][] = [];
  hub.onTap((tap) => taps.push(tap));
  hub.onIssue((issue) => issues.push(issue));
  hub.onReaders((readers) => changes.push(readers));
  await hub.start();
  return { clock, hub, taps, issues, changes };
}

describe('VirtualHidHub', () => {
  it('is a HidReaderHub: plug, tap through the real decoder, unplug', async () => {
    const { clock, hub, taps, changes } = await setup();
    const seam: HidReaderHub = hub;
    expect(hub.plug({ id: 'kiosk-1' })).toEqual({ id: 'kiosk-1', vendorId: 0xffff, productId: 1, mode: 'keyboard-wedge' });
    expect(changes).toEqual([seam.readers()]);
    clock.advance(1234);
    expect(hub.tap('kiosk-1', '04A2B3C4D5E680')).toEqual({ readerId: 'kiosk-1', text: '04A2B3C4D5E680', tag: '04A2B3C4D5E680', at: clock.now() });
    expect(taps).toHaveLength(1);
    expect(hub.unplug('kiosk-1')).toBe(true);
    expect(hub.unplug('kiosk-1')).toBe(false);
    expect(changes.at(-1)).toEqual([]);
    expect(hub.tap('kiosk-1', 'DEADBEEF')).toBeNull();
    expect(taps).toHaveLength(1);
  });

  it('prints decimal for a decimal reader and reads it back to the same tag', async () => {
    const { hub } = await setup();
    hub.plug({ id: 'door' }, { format: 'decimal' });
    expect(hub.tap('door', '00BC614E')).toMatchObject({ text: '0012345678', tag: '00BC614E' });
  });

  it('taps raw readers, one tap per tap even for the same card', async () => {
    const { hub, taps } = await setup();
    hub.plug({ id: 'raw-1', mode: 'raw' });
    hub.tap('raw-1', 'DEADBEEF');
    hub.tap('raw-1', 'DEADBEEF');
    expect(taps.map((t) => t.tag)).toEqual(['DEADBEEF', 'DEADBEEF']);
  });

  it('keeps several readers apart and feeds arbitrary reports', async () => {
    const { hub, taps, issues } = await setup();
    hub.plug({ id: 'a' });
    hub.plug({ id: 'b' });
    const partial = reportsForText('AAAA', { enter: false });
    hub.feed('a', partial);
    hub.type('b', 'BBBBBBBB');
    hub.feed('a', reportsForText('0001'));
    expect(taps.map((t) => `${t.readerId} ${t.tag}`)).toEqual(['b BBBBBBBB', 'a AAAA0001']);
    expect(hub.type('a', 'hello')).toEqual([]);
    expect(issues).toMatchObject([{ readerId: 'a', text: 'hello' }]);
  });

  it('emits nothing while stopped, and can skip the decoder', async () => {
    const { hub, taps } = await setup({ viaReports: false });
    hub.plug({ id: 'a' });
    expect(hub.tap('a', 'ABCD1234')).toMatchObject({ text: 'ABCD1234' });
    await hub.stop();
    expect(hub.tap('a', 'ABCD1234')).toBeNull();
    expect(taps).toHaveLength(1);
    expect(hub.unavailable()).toBeNull();
  });
});
