// Runs in: node. `omnistation ble-decode [--adv|--manufacturer|--service UUID] HEX`: one advertisement
// to one JSON object (CONTRACT.md "ble-decode output"). Broken input exits 2 with one line; a sound
// advertisement that is simply not a beacon prints {"kind":"other",…} and exits 0.
import { CliError, parseCommandArgs } from '../args.js';
import {
  decodeAdvertisingData,
  decodeManufacturerData,
  decodeServiceData,
  isBeacon,
  normaliseServiceUuid,
  parseHex,
  type BleFrame,
} from '../../protocol/ble/index.js';

export const summary = 'decode one BLE advertisement (iBeacon, AltBeacon, Eddystone) to JSON';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      adv: { type: 'boolean' },
      manufacturer: { type: 'boolean' },
      service: { type: 'string' },
    },
    true,
  );
  const modes = [values.adv, values.manufacturer, values.service !== undefined].filter(Boolean).length;
  if (modes > 1) throw new CliError('choose one of --adv, --manufacturer and --service UUID');
  if (positionals.length === 0) throw new CliError('HEX is required: the advertisement bytes in hex');
  // Sniffers print bytes with spaces; a shell splits those into several arguments.
  const parsed = parseHex(positionals.join(''));
  if (!parsed.ok) throw new CliError(`HEX: ${parsed.error}`);
  const bytes = parsed.bytes;

  let frame: BleFrame;
  if (values.service !== undefined) {
    if (normaliseServiceUuid(values.service) === null) {
      throw new CliError(`--service: "${values.service}" is not a service UUID (e.g. feaa or a 128-bit UUID)`);
    }
    frame = decodeServiceData(values.service, bytes);
  } else if (values.manufacturer) {
    frame = decodeManufacturerData(bytes);
  } else if (values.adv) {
    frame = decodeAdvertisingData(bytes);
  } else {
    frame = guess(bytes);
  }
  if (frame.kind === 'other' && frame.malformed) throw new CliError(frame.reason);
  process.stdout.write(`${JSON.stringify(frame)}\n`);
  return 0;
}

/**
 * Without a flag the bytes are tried as raw advertising data and as manufacturer data; a beacon in
 * either wins (the two rarely both parse: a manufacturer payload's first byte is almost never a
 * length that fits). Otherwise whichever reading is sound says what it is.
 */
function guess(bytes: Uint8Array): BleFrame {
  const adv = decodeAdvertisingData(bytes);
  if (isBeacon(adv)) return adv;
  const manufacturer = decodeManufacturerData(bytes);
  if (isBeacon(manufacturer)) return manufacturer;
  if (!adv.malformed) return adv;
  return manufacturer;
}
