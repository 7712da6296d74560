// Runs in: main. The real drivers the shell's device bridge owns; a separate module so the bridge
// itself depends only on the device interfaces and tests hand it fakes. Both drivers load their
// native module lazily at start(), so a missing or mis-built one is reported, not thrown here.
import { NodeHidReaderHub } from '../../server/store/devices/hid/node-hid-readers.js';
import { NobleRadio } from '../../server/store/devices/radio/noble-radio.js';
import type { ShellConfig } from './config.js';
import type { DeviceFactories } from './device-bridge.js';

/** The drivers for these settings: at start, and again whenever the wizard changes them. With the
 * radio turned off there is no radio factory (the device panel says it was turned off). */
export function realDeviceFactories(config: Pick<ShellConfig, 'radio' | 'readers'>): DeviceFactories {
  const matchers = config.readers.map((reader) => ({ ...reader }));
  return {
    ...(config.radio === 'off' ? {} : { radio: () => new NobleRadio() }),
    readers: () => new NodeHidReaderHub({ matchers }),
  };
}
