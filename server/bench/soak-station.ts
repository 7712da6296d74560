// Runs in: node (the soak bench's child station and the soak test). A station as a store runs it
// for the soak: registered with central (payments through its test acquirer), presence gate on
// with the simulated BLE radio and kiosk readers as its devices, the approval gate off (its
// model is issue 5's bench; here it would only measure the model). Also the counts of the
// server's in-memory structures that must follow the shoppers in the store, not the day's total.
import { systemClock } from '../store/clock.js';
import { CatalogueRepository } from '../store/modules/catalogue/repository.js';
import { labelPath } from '../protocol/label.js';
import { startStoreServer, type RunningServer } from '../store/server.js';
import { initStation, writeSetting } from '../store/station.js';
import { VirtualRadio } from '../store/devices/radio/virtual-radio.js';
import { VirtualHidHub } from '../store/devices/hid/virtual-reader.js';
import type { StoreApp } from '../store/app.js';
import { SOAK_PIN, SOAK_STORE_ID, type SoakDevices } from './soak-load.js';

export { SOAK_PIN, SOAK_STORE_ID };

export interface SoakStation {
  server: RunningServer;
  radio: VirtualRadio;
  readers: VirtualHidHub;
  devices: SoakDevices;
  labels: string[];
  skus: string[];
  tags: string[];
  close(): Promise<void>;
}

export async function startSoakStation(o: {
  dataDir: string;
  centralUrl: string;
  /** The store key central answered at registration (base64url). */
  storeKey: string;
  products: number;
  kiosks: number;
}): Promise<SoakStation> {
  const { station } = initStation({ dataDir: o.dataDir, storeId: SOAK_STORE_ID, name: 'Soak store', pin: SOAK_PIN, publicUrl: 'http://127.0.0.1' });
  const skus = Array.from({ length: o.products }, (_, i) => `SOAK-${String(i + 1).padStart(4, '0')}`);
  // EPC-96 style tags, one per product: what the kiosk readers are tapped with.
  const tags = skus.map((_, i) => `E28011606000020400${(i + 1).toString(16).toUpperCase().padStart(6, '0')}`);
  try {
    new CatalogueRepository(station.db).importRows(
      skus.map((sku, i) => ({
        sku,
        name: `소크 상품 ${i + 1}`,
        price: 500 + ((i * 370) % 9500),
        currency: 'KRW',
        rfid: [tags[i]!],
        extra: { name_en: `Soak product ${i + 1}` },
      })),
    );
    // What `omnistation register` stores, with the key the bench got from central itself.
    station.secrets.set('storeKey', Buffer.from(o.storeKey, 'base64url'));
    writeSetting(station.db, 'central_url', o.centralUrl);
  } finally {
    station.close();
  }
  const labels = skus.map((sku) => labelPath(station.labelKey, SOAK_STORE_ID, sku));
  const radio = new VirtualRadio({ clock: systemClock });
  const readers = new VirtualHidHub({ clock: systemClock });
  for (let k = 1; k <= o.kiosks; k++) readers.plug({ id: `reader-${k}` });
  const server = await startStoreServer({
    dataDir: o.dataDir,
    port: 0,
    host: '127.0.0.1',
    logger: false,
    // Hundreds of simulated phones share one loopback address.
    rateLimits: { sessionsPerMinute: 10_000_000, pinAttemptsPerMinute: 10_000 },
    presence: { gate: true },
    approval: { gate: false },
    devices: { radio, readers },
  });
  const beacons = new Map<string, () => void>();
  const devices: SoakDevices = {
    async beacon(address, secret, uuid) {
      beacons.get(address)?.();
      beacons.set(address, radio.addEmitter({ address, secret: Buffer.from(secret, 'base64url'), uuid, rssi: -55 }));
    },
    async stopBeacon(address) {
      beacons.get(address)?.();
      beacons.delete(address);
    },
    async tap(readerId, tag) {
      if (!readers.tap(readerId, tag)) throw new Error(`reader ${readerId} did not read ${tag}`);
    },
  };
  return { server, radio, readers, devices, labels, skus, tags, close: () => server.close() };
}

/**
 * Sizes of the structures that grow with shoppers present (live feeds and their listeners, the
 * paired kiosks, per-order locks, open sockets) and of those bounded by design (the session
 * cache; the radio's tracked sessions, released about a minute after a phone is gone). Private
 * fields are read on purpose: this is the soak's view of the server's memory, not an API.
 */
export async function inMemoryCounts(app: StoreApp, radio?: VirtualRadio): Promise<Record<string, number>> {
  const ctx = app.station;
  const size = (owner: unknown, field: string): number => {
    const value = (owner as Record<string, unknown> | null | undefined)?.[field];
    if (value instanceof Map || value instanceof Set) return value.size;
    return -1;
  };
  const kiosks = ctx.kiosks as unknown as { pairings: Map<string, { listeners: Set<unknown> }> };
  let kioskListeners = 0;
  for (const pairing of kiosks.pairings.values()) kioskListeners += pairing.listeners.size;
  // Per-session watchers of carts (one shopper's phone feed), where the repository keeps them.
  const watchers = (ctx.carts as unknown as { watchers?: Map<string, Set<unknown>> }).watchers;
  let cartWatchers = 0;
  for (const set of watchers?.values() ?? []) cartWatchers += set.size;
  // Likewise the hub's listeners for one device's events (a phone's feed).
  const byDevice = (ctx.hub as unknown as { byDevice?: Map<string, Set<unknown>> }).byDevice;
  let deviceListeners = 0;
  for (const set of byDevice?.values() ?? []) deviceListeners += set.size;
  const presence = ctx.presence as unknown as { radio: { resolver: unknown } | null };
  const payments = ctx.payments as unknown as { locks: unknown };
  const connections = await new Promise<number>((resolve) => app.server.getConnections((_error, n) => resolve(n ?? -1)));
  return {
    hubListeners: size(ctx.hub, 'listeners'),
    hubDeviceListeners: deviceListeners,
    cartListeners: size(ctx.carts, 'listeners'),
    cartWatchers,
    pairingListeners: size(ctx.kiosks, 'pairingListeners'),
    kioskStreamListeners: kioskListeners,
    pairedKiosks: ctx.kiosks.list().filter((k) => k.pairedSessionId !== null).length,
    paymentLocks: size(payments.locks, 'tails'),
    connections,
    radioEmitters: radio ? radio.emitterAddresses().length : 0,
    // Bounded by design (the cache by count, presence by who is in the store), reported for the record.
    sessionCache: size(ctx.sessions, 'cache'),
    cartCache: size(ctx.carts, 'carts'),
    presenceTracked: ctx.presence.trackedSessions,
    resolverSessions: size(presence.radio?.resolver, 'sessions'),
  };
}
