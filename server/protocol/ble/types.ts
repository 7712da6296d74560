// Runs in: node and std (no I/O). The decoded shapes of CONTRACT.md "ble-decode output": the CLI
// prints them as they are, so every field here is part of the outside contract.

export interface IBeaconFrame {
  kind: 'ibeacon';
  /** Proximity UUID, lower-case and hyphenated. */
  uuid: string;
  major: number;
  minor: number;
  /** Measured power: signed dBm at 1 m. */
  txPower: number;
}

export interface AltBeaconFrame {
  kind: 'altbeacon';
  /** The first 16 bytes of the 20-byte beacon id, lower-case hex. */
  id1: string;
  id2: number;
  id3: number;
  /** Reference RSSI: signed dBm at 1 m. */
  txPower: number;
  mfgReserved: number;
}

export interface EddystoneUidFrame {
  kind: 'eddystone-uid';
  namespace: string;
  instance: string;
  /** Calibrated signed dBm at 0 m (Eddystone measures at 0 m, unlike iBeacon). */
  txPower: number;
}

export interface EddystoneUrlFrame {
  kind: 'eddystone-url';
  url: string;
  txPower: number;
}

export interface EddystoneTlmFrame {
  kind: 'eddystone-tlm';
  /** Millivolts; 0 means the beacon does not measure it. */
  batteryMv: number;
  /** Signed 8.8 fixed point as sent; -128 (0x8000) means not measured. */
  temperatureC: number;
  advCount: number;
  /** Seconds since power-on; the frame counts tenths, so this may have one decimal. */
  uptimeS: number;
}

export interface EddystoneEidFrame {
  kind: 'eddystone-eid';
  eid: string;
  txPower: number;
}

/** Anything that is not one of the beacon frames above; never carries a beacon's identifiers. */
export interface OtherFrame {
  kind: 'other';
  /** Why it is not a beacon, for people: "Apple continuity message 0x10 (nearby info)". */
  reason: string;
  /** Set when the bytes are broken (truncated, bad lengths), not merely something else: the CLI
   * exits 2 on these; the resolver just ignores them. */
  malformed?: true;
  companyId?: number;
  company?: string;
  /** The vendor's own message type (Apple continuity type, Microsoft scenario, Eddystone frame type). */
  messageType?: number;
  /** Service data UUID in BleAdvert form (4 or 32 lower-case hex digits). */
  serviceUuid?: string;
  /** Eddystone-TLM version 1: telemetry encrypted for the beacon's EID owner. */
  encrypted?: true;
}

export type BeaconFrame =
  | IBeaconFrame
  | AltBeaconFrame
  | EddystoneUidFrame
  | EddystoneUrlFrame
  | EddystoneTlmFrame
  | EddystoneEidFrame;

export type BleFrame = BeaconFrame | OtherFrame;

export type BleFrameKind = BleFrame['kind'];

export const BEACON_KINDS: readonly BeaconFrame['kind'][] = [
  'ibeacon',
  'altbeacon',
  'eddystone-uid',
  'eddystone-url',
  'eddystone-tlm',
  'eddystone-eid',
];

export function isBeacon(frame: BleFrame): frame is BeaconFrame {
  return frame.kind !== 'other';
}

export function other(reason: string, fields: Omit<OtherFrame, 'kind' | 'reason'> = {}): OtherFrame {
  return { kind: 'other', reason, ...fields };
}

export function malformed(reason: string, fields: Omit<OtherFrame, 'kind' | 'reason' | 'malformed'> = {}): OtherFrame {
  return { kind: 'other', reason, malformed: true, ...fields };
}
