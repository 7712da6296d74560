// Runs in: node. The BLE radio seam: the store server (and the Electron main process, which owns
// the real adapter) see only this interface. Implementations: noble-radio.ts (real adapter,
// @abandonware/noble), virtual-radio.ts (simulated emitters and JSONL replay, for tests and the
// demo); the Electron utility process feeds a bridged one from the main process's messages.

/** What the radio is doing, for the monitor's device panel. */
export type RadioState =
  | 'starting'
  | 'scanning'
  /** No adapter, no driver or no permission: retried in the background. */
  | 'unavailable'
  | 'powered-off'
  | 'stopped';

/** One advertisement as the adapter reported it; payloads are raw bytes, decoded by
 * server/protocol/ble. */
export interface BleAdvert {
  /** The advertiser's address as the adapter reports it (lower-case, may be random/rotating). */
  address: string;
  /** Received signal strength, dBm. */
  rssi: number;
  /** Milliseconds since the Unix epoch when the station received it. */
  receivedAt: number;
  /** Manufacturer-specific data, company id (little-endian) first, as noble reports it. */
  manufacturerData?: Uint8Array;
  /** Service data entries (16-bit or 128-bit service UUID in lower-case hex without dashes). */
  serviceData?: { uuid: string; data: Uint8Array }[];
  /** The raw AD structures, when the source has them (replay files, some adapters). */
  raw?: Uint8Array;
}

export type Unsubscribe = () => void;

export interface BleScanner {
  readonly state: RadioState;
  /** Starts scanning (duplicates allowed); resolves once started or found unavailable — it never
   * rejects for a missing adapter, it reports `unavailable` and keeps retrying. */
  start(): Promise<void>;
  stop(): Promise<void>;
  onAdvert(listener: (advert: BleAdvert) => void): Unsubscribe;
  onState(listener: (state: RadioState, detail?: string) => void): Unsubscribe;
}
