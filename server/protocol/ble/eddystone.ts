// Runs in: node and std (no I/O). Eddystone frames (github.com/google/eddystone), carried as service
// data of the 16-bit service 0xFEAA: UID 0x00, URL 0x10, TLM 0x20 (version 0 plain, 1 encrypted),
// EID 0x30. Multi-byte fields are big-endian; Tx power is calibrated at 0 m.
import { checkInteger, fixedBytes, int16be, int8, toHex, uint16be, uint32be } from './bytes.js';
import {
  malformed,
  other,
  type EddystoneEidFrame,
  type EddystoneTlmFrame,
  type EddystoneUidFrame,
  type EddystoneUrlFrame,
  type OtherFrame,
} from './types.js';

export const EDDYSTONE_SERVICE_UUID = 'feaa';
export const EDDYSTONE_UID = 0x00;
export const EDDYSTONE_URL = 0x10;
export const EDDYSTONE_TLM = 0x20;
export const EDDYSTONE_EID = 0x30;

const UID_LENGTH = 18; // without the two RFU bytes, which early implementations left out
const UID_FULL_LENGTH = 20;
const TLM_LENGTH = 14;
const ETLM_LENGTH = 18;
const EID_LENGTH = 10;
const URL_MAX_ENCODED = 17;

export const URL_SCHEMES = ['http://www.', 'https://www.', 'http://', 'https://'] as const;
export const URL_EXPANSIONS = [
  '.com/', '.org/', '.edu/', '.net/', '.info/', '.biz/', '.gov/',
  '.com', '.org', '.edu', '.net', '.info', '.biz', '.gov',
] as const;

export type EddystoneFrame = EddystoneUidFrame | EddystoneUrlFrame | EddystoneTlmFrame | EddystoneEidFrame;

/** Decodes the service data of 0xFEAA (the bytes after the UUID). */
export function decodeEddystone(data: Uint8Array): EddystoneFrame | OtherFrame {
  const serviceUuid = EDDYSTONE_SERVICE_UUID;
  if (data.length === 0) return malformed('empty Eddystone service data', { serviceUuid });
  const frameType = data[0]!;
  const truncated = (name: string, need: number) =>
    malformed(`truncated ${name} frame: ${data.length} bytes, ${need} needed`, { serviceUuid, messageType: frameType });
  switch (frameType) {
    case EDDYSTONE_UID:
      if (data.length < UID_LENGTH) return truncated('Eddystone-UID', UID_LENGTH);
      return { kind: 'eddystone-uid', namespace: toHex(data, 2, 12), instance: toHex(data, 12, 18), txPower: int8(data, 1) };
    case EDDYSTONE_URL:
      return decodeUrlFrame(data);
    case EDDYSTONE_TLM:
      return decodeTlmFrame(data);
    case EDDYSTONE_EID:
      if (data.length < EID_LENGTH) return truncated('Eddystone-EID', EID_LENGTH);
      return { kind: 'eddystone-eid', eid: toHex(data, 2, 10), txPower: int8(data, 1) };
    default:
      return other(`unknown Eddystone frame type 0x${hex2(frameType)}`, { serviceUuid, messageType: frameType });
  }
}

function decodeUrlFrame(data: Uint8Array): EddystoneUrlFrame | OtherFrame {
  const serviceUuid = EDDYSTONE_SERVICE_UUID;
  const messageType = EDDYSTONE_URL;
  if (data.length < 3) return malformed(`truncated Eddystone-URL frame: ${data.length} bytes, 3 needed`, { serviceUuid, messageType });
  const scheme = URL_SCHEMES[data[2]!];
  if (scheme === undefined) return malformed(`Eddystone-URL scheme 0x${hex2(data[2]!)} is reserved`, { serviceUuid, messageType });
  let url = scheme;
  for (let i = 3; i < data.length; i++) {
    const byte = data[i]!;
    const expansion = URL_EXPANSIONS[byte];
    if (expansion !== undefined) url += expansion;
    else if (byte > 0x20 && byte < 0x7f) url += String.fromCharCode(byte);
    else return malformed(`Eddystone-URL byte 0x${hex2(byte)} at offset ${i} is reserved`, { serviceUuid, messageType });
  }
  return { kind: 'eddystone-url', url, txPower: int8(data, 1) };
}

function decodeTlmFrame(data: Uint8Array): EddystoneTlmFrame | OtherFrame {
  const serviceUuid = EDDYSTONE_SERVICE_UUID;
  const messageType = EDDYSTONE_TLM;
  if (data.length < 2) return malformed('truncated Eddystone-TLM frame: no version byte', { serviceUuid, messageType });
  const version = data[1]!;
  if (version === 0x01) {
    if (data.length < ETLM_LENGTH) return malformed(`truncated encrypted Eddystone-TLM frame: ${data.length} bytes, ${ETLM_LENGTH} needed`, { serviceUuid, messageType });
    // Only the beacon's EID owner holds the key: nothing here is readable.
    return other('encrypted Eddystone-TLM (version 1): readable only with the beacon identity key', { serviceUuid, messageType, encrypted: true });
  }
  if (version !== 0x00) return other(`unknown Eddystone-TLM version 0x${hex2(version)}`, { serviceUuid, messageType });
  if (data.length < TLM_LENGTH) return malformed(`truncated Eddystone-TLM frame: ${data.length} bytes, ${TLM_LENGTH} needed`, { serviceUuid, messageType });
  return {
    kind: 'eddystone-tlm',
    batteryMv: uint16be(data, 2),
    temperatureC: int16be(data, 4) / 256,
    advCount: uint32be(data, 6),
    uptimeS: uint32be(data, 10) / 10,
  };
}

function hex2(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

/** Service data bytes (for 0xFEAA) of a frame; throws RangeError for values the frame cannot carry. */
export function encodeEddystone(frame: EddystoneFrame): Uint8Array {
  switch (frame.kind) {
    case 'eddystone-uid': {
      checkInteger('txPower', frame.txPower, -128, 127);
      const out = new Uint8Array(UID_FULL_LENGTH);
      out[0] = EDDYSTONE_UID;
      out[1] = frame.txPower & 0xff;
      out.set(fixedBytes('namespace', frame.namespace, 10), 2);
      out.set(fixedBytes('instance', frame.instance, 6), 12);
      return out;
    }
    case 'eddystone-url': {
      checkInteger('txPower', frame.txPower, -128, 127);
      const encoded = encodeEddystoneUrl(frame.url);
      const out = new Uint8Array(2 + encoded.length);
      out[0] = EDDYSTONE_URL;
      out[1] = frame.txPower & 0xff;
      out.set(encoded, 2);
      return out;
    }
    case 'eddystone-tlm': {
      const temperature = Math.round(frame.temperatureC * 256);
      const tenths = Math.round(frame.uptimeS * 10);
      checkInteger('batteryMv', frame.batteryMv, 0, 0xffff);
      checkInteger('temperatureC × 256', temperature, -0x8000, 0x7fff);
      checkInteger('advCount', frame.advCount, 0, 0xffffffff);
      checkInteger('uptimeS × 10', tenths, 0, 0xffffffff);
      const out = new Uint8Array(TLM_LENGTH);
      const view = new DataView(out.buffer);
      out[0] = EDDYSTONE_TLM;
      out[1] = 0x00;
      view.setUint16(2, frame.batteryMv);
      view.setInt16(4, temperature);
      view.setUint32(6, frame.advCount);
      view.setUint32(10, tenths);
      return out;
    }
    case 'eddystone-eid': {
      checkInteger('txPower', frame.txPower, -128, 127);
      const out = new Uint8Array(EID_LENGTH);
      out[0] = EDDYSTONE_EID;
      out[1] = frame.txPower & 0xff;
      out.set(fixedBytes('eid', frame.eid, 8), 2);
      return out;
    }
  }
}

/** The scheme byte and compressed body of a URL (longest expansion first); throws when it cannot fit. */
export function encodeEddystoneUrl(url: string): Uint8Array {
  const schemeIndex = [1, 0, 3, 2].find((i) => url.startsWith(URL_SCHEMES[i]!));
  if (schemeIndex === undefined) throw new RangeError('an Eddystone-URL starts with http:// or https://');
  const bytes = [schemeIndex];
  const byLength = URL_EXPANSIONS.map((text, code) => ({ text, code })).sort((a, b) => b.text.length - a.text.length);
  for (let i = URL_SCHEMES[schemeIndex]!.length; i < url.length; ) {
    const expansion = byLength.find(({ text }) => url.startsWith(text, i));
    if (expansion) {
      bytes.push(expansion.code);
      i += expansion.text.length;
      continue;
    }
    const code = url.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f) throw new RangeError(`an Eddystone-URL holds printable US-ASCII only, not "${url[i]}"`);
    bytes.push(code);
    i++;
  }
  if (bytes.length - 1 > URL_MAX_ENCODED) {
    throw new RangeError(`"${url}" needs ${bytes.length - 1} encoded bytes; an Eddystone-URL holds ${URL_MAX_ENCODED}`);
  }
  return Uint8Array.from(bytes);
}
