// Runs in: node. `serve --radio noble --reader VID:PID[:mode[:format]]`: the real devices of a
// headless station (the desktop station's main process owns them instead). Bad values are a clear
// error before anything starts.
import { CliError } from './args.js';
import type { StationDevices } from '../store/app.js';
import type { HidReaderMatcher } from '../store/devices/hid/node-hid-readers.js';

const READER = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{4})(?::(keyboard-wedge|raw))?(?::(hex|decimal|auto))?$/;

export function parseReaderMatcher(text: string): HidReaderMatcher {
  const match = READER.exec(text);
  if (!match) {
    throw new CliError(`--reader is VID:PID[:keyboard-wedge|raw[:hex|decimal|auto]] in hex (e.g. 08ff:0009), not "${text}"`);
  }
  return {
    vendorId: parseInt(match[1]!, 16),
    productId: parseInt(match[2]!, 16),
    mode: (match[3] as HidReaderMatcher['mode'] | undefined) ?? 'keyboard-wedge',
    format: (match[4] as HidReaderMatcher['format'] | undefined) ?? 'auto',
  };
}

export async function realDevices(radio: string | undefined, readers: string[]): Promise<StationDevices> {
  if (radio !== undefined && radio !== 'noble' && radio !== 'off') throw new CliError(`--radio is noble or off, not "${radio}"`);
  const matchers = readers.map(parseReaderMatcher);
  const devices: StationDevices = {};
  // Loaded only when asked for: both carry native bindings a plain server never needs.
  if (radio === 'noble') devices.radio = new (await import('../store/devices/radio/noble-radio.js')).NobleRadio();
  if (matchers.length > 0) {
    devices.readers = new (await import('../store/devices/hid/node-hid-readers.js')).NodeHidReaderHub({ matchers });
  }
  return devices;
}
