// Runs in: node. Presence as the store server sees it: records proofs (BLE observation, kiosk
// pairing, loyalty tap), gates payments on them (DESIGN.md "Presence", device match, claim 5)
// and releases held orders the moment a proof arrives. Devices feed it through their seams.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db.js';
import type { EventHub } from '../../events.js';
import type { OrderHold } from '../../schemas.js';
import { readSetting, writeSetting } from '../../station.js';
import type { HidReaderHub, HidReaderInfo, HidTap } from '../../devices/hid/types.js';
import type { OrderService } from '../orders/service.js';
import type { PaymentGate } from '../payments/service.js';
import type { PresenceProof, PresenceRepository, ProofKind } from './repository.js';
import type { TapResult } from './kiosks.js';
import type { BleScanner } from '../../devices/radio/types.js';
import { PresenceResolver, type PresenceResolverOptions, type TrendSample } from './resolver.js';

/** DESIGN.md: a payment proceeds only with a proof from within the last 10 minutes. */
export const PROOF_MAX_AGE_MS = 10 * 60 * 1000;
const PRESENCE_MISMATCH: OrderHold = 'presence_mismatch';
/** While a phone stays in range, a fresh BLE proof at most this often keeps its 10 minutes valid. */
const BLE_PROOF_EVERY_MS = 60_000;
/**
 * A session's adverts are resolved while its phone's feed is open, while the radio hears it, and
 * for this long after the phone last asked for its presence status or closed its feed (the app
 * asks when it opens and opens its feed at once). A visit that ended stops costing memory within
 * about half a minute; a phone that comes back is tracked again by its next status call or feed.
 */
const TRACK_GRACE_MS = 30_000;
/** After a restart: sessions seen this recently are tracked again until their phones reconnect. */
const TRACK_AFTER_RESTART_MS = 10 * 60 * 1000;
const TRACK_SYNC_MS = 10_000;
/** RSSI trends of sessions no longer tracked, kept for the evidence of their orders (newest last). */
const KEPT_TRENDS = 200;
const TICK_MS = 1_000;

export interface PresenceServiceOptions {
  db: Db;
  repo: PresenceRepository;
  orders: OrderService;
  hub: EventHub;
  clock: Clock;
  /** Off only where a store runs without presence (tests of other modules, stores that opt out). */
  gate: boolean;
  proofMaxAgeMs?: number;
}

export interface LastTap {
  readerId: string;
  kioskId: string | null;
  result: TapResult['result'];
  at: string;
}

export interface RadioStatus {
  state: string;
  detail: string | null;
  advertsPerSecond: number;
  adverts: number;
  resolved: number;
  replays: number;
  clones: number;
  present: number;
}

export class PresenceService implements PaymentGate {
  /** Set by the context once payments exist: charges an order whose hold was lifted. */
  onRelease: (orderId: string) => void = () => undefined;
  readonly storeUuid: string;
  private readers: HidReaderInfo[] = [];
  private lastTap: LastTap | null = null;
  private readonly detach: (() => void)[] = [];
  private radio: { scanner: BleScanner; resolver: PresenceResolver; stationId: string } | null = null;
  /** Session → device, its last BLE proof, when it last asked to be tracked, and its open feeds. */
  private readonly tracked = new Map<string, { deviceId: string; lastProofAt: number; trackedAt: number; feeds: number }>();
  /** The RSSI trend of sessions that stopped being tracked: staff read it on the order afterwards. */
  private readonly keptTrends = new Map<string, TrendSample[]>();

  constructor(private readonly o: PresenceServiceOptions) {
    this.storeUuid = storeProximityUuid(o.db);
  }

  /** Sessions whose BLE codes the radio resolves now (the soak and tests watch it stay bounded). */
  get trackedSessions(): number {
    return this.tracked.size;
  }

  get gateEnabled(): boolean {
    return this.o.gate;
  }

  holdFor(order: { id: string; deviceId: string }): OrderHold | null {
    if (!this.o.gate) return null;
    if (this.o.repo.isOverridden(order.id, PRESENCE_MISMATCH)) return null;
    return this.recentProof(order.deviceId) ? null : PRESENCE_MISMATCH;
  }

  recentProof(deviceId: string): PresenceProof | undefined {
    return this.o.repo.newestProofSince(deviceId, this.o.clock.now() - (this.o.proofMaxAgeMs ?? PROOF_MAX_AGE_MS));
  }

  /** Records a proof, tells the monitor, and charges the device's orders that waited for one. */
  prove(proof: { deviceId: string; sessionId: string | null; kind: ProofKind; source: string; rssi?: number | null }): PresenceProof {
    const recorded = this.o.repo.recordProof({ ...proof, rssi: proof.rssi ?? null, at: this.o.clock.now() });
    this.o.hub.publish({
      type: 'presence.proof',
      data: { deviceId: recorded.deviceId, kind: recorded.kind, source: recorded.source, at: new Date(recorded.at).toISOString() },
    });
    for (const orderId of this.o.orders.heldFor(proof.deviceId, PRESENCE_MISMATCH)) this.onRelease(orderId);
    return recorded;
  }

  /** What the shopper's phone needs to advertise its presence codes, and whether it is proven. */
  shopperStatus(sessionId: string, deviceId: string) {
    const proof = this.recentProof(deviceId);
    const secret = this.o.repo.secret(sessionId);
    this.track(sessionId, deviceId, secret);
    return {
      proximityUuid: this.storeUuid,
      secret: secret.toString('base64url'),
      windowSeconds: 30,
      proven: proof !== undefined,
      ...(proof ? { lastProof: { kind: proof.kind, at: new Date(proof.at).toISOString() } } : {}),
    };
  }

  /** The evidence staff see on an order: proofs of its device and overrides of its holds. */
  evidence(order: { id: string; deviceId: string; sessionId: string }) {
    const proofs = this.o.repo.proofs(order.deviceId).map((p) => ({
      kind: p.kind,
      source: p.source,
      rssi: p.rssi,
      at: new Date(p.at).toISOString(),
    }));
    const overrides = this.o.repo.overrides(order.id).map((o) => ({ ...o, at: new Date(o.at).toISOString() }));
    const recent = this.recentProof(order.deviceId);
    const trend = this.radio?.resolver.session(order.sessionId)?.trend ?? this.keptTrends.get(order.sessionId) ?? [];
    const rssiTrend: { rssi: number; at: string }[] = trend.map(
      (sample: TrendSample) => ({ rssi: Math.round(sample.rssi * 10) / 10, at: new Date(sample.at).toISOString() }),
    );
    return { gate: this.o.gate, proven: recent !== undefined, proofs, overrides, rssiTrend };
  }

  /**
   * Resolves the radio's adverts to sessions (DESIGN.md "Presence"): a session whose smoothed
   * RSSI rises above the threshold is present and proves it; while it stays, a fresh proof a
   * minute keeps the device's 10 minutes valid. Replays and clones reach staff as alerts.
   */
  attachRadio(scanner: BleScanner, options: { stationId: string } & Omit<PresenceResolverOptions, 'clock' | 'storeUuid' | 'stationId'>): void {
    const resolver = new PresenceResolver({ ...options, clock: this.o.clock, storeUuid: this.storeUuid });
    this.radio = { scanner, resolver, stationId: options.stationId };
    const now = this.o.clock.now();
    for (const session of this.o.repo.trackedSince(now - TRACK_AFTER_RESTART_MS)) this.track(session.sessionId, session.deviceId, session.secret);
    this.detach.push(
      resolver.onEvent((event) => {
        if (event.type === 'present') this.bleProof(event.sessionId, event.rssi);
        else if (event.type === 'clone' || event.type === 'replay') {
          this.o.hub.publish({ type: `presence.${event.type}`, data: { at: new Date(event.at).toISOString(), source: event.type === 'clone' ? event.stations.join(' / ') : event.source } });
        }
      }),
      scanner.onAdvert((advert) => {
        const result = resolver.resolve(advert);
        if (result.kind === 'resolved' && result.present) this.bleProof(result.sessionId, result.smoothedRssi);
      }),
      scanner.onState(() => this.o.hub.publish({ type: 'devices.changed', data: { radio: scanner.state } })),
    );
    const tick = setInterval(() => resolver.tick(), TICK_MS);
    const sync = setInterval(() => this.syncTracked(), TRACK_SYNC_MS);
    tick.unref();
    sync.unref();
    this.detach.push(() => {
      clearInterval(tick);
      clearInterval(sync);
    });
  }

  private bleProof(sessionId: string, rssi: number): void {
    const entry = this.tracked.get(sessionId);
    if (!entry || !this.radio) return;
    const now = this.o.clock.now();
    if (now - entry.lastProofAt < BLE_PROOF_EVERY_MS) return;
    entry.lastProofAt = now;
    this.prove({ deviceId: entry.deviceId, sessionId, kind: 'ble', source: this.radio.stationId, rssi: Math.round(rssi * 10) / 10 });
  }

  private track(sessionId: string, deviceId: string, secret: Buffer): void {
    if (!this.radio) return;
    const now = this.o.clock.now();
    const entry = this.tracked.get(sessionId);
    if (entry) entry.trackedAt = now;
    else this.tracked.set(sessionId, { deviceId, lastProofAt: -Infinity, trackedAt: now, feeds: 0 });
    this.radio.resolver.track(sessionId, secret);
  }

  /**
   * Keeps a session tracked while its phone's feed is open; the returned function is called when
   * the feed closes.
   */
  holdWhileOpen(sessionId: string, deviceId: string): () => void {
    if (!this.radio) return () => undefined;
    this.track(sessionId, deviceId, this.o.repo.secret(sessionId));
    const entry = this.tracked.get(sessionId)!;
    entry.feeds++;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      entry.feeds--;
      // Counted from the close: a phone that reconnects at once keeps its state.
      entry.trackedAt = Math.max(entry.trackedAt, this.o.clock.now());
    };
  }

  /**
   * Lets go of the sessions whose phones are gone: no open feed, not heard by the radio lately,
   * no status call within the grace. Runs on a timer; public so tests can run it at a chosen time.
   */
  syncTracked(): void {
    if (!this.radio) return;
    const { resolver } = this.radio;
    const now = this.o.clock.now();
    for (const [sessionId, entry] of this.tracked) {
      if (entry.feeds > 0 || now - entry.trackedAt < TRACK_GRACE_MS) continue;
      if (resolver.heardRecently(sessionId)) continue;
      const trend = resolver.session(sessionId)?.trend;
      if (trend && trend.length > 0) {
        this.keptTrends.delete(sessionId);
        this.keptTrends.set(sessionId, trend);
        if (this.keptTrends.size > KEPT_TRENDS) this.keptTrends.delete(this.keptTrends.keys().next().value!);
      }
      this.tracked.delete(sessionId);
      resolver.untrack(sessionId);
    }
  }

  attachReaders(hub: HidReaderHub, onTap: (tap: HidTap) => void): void {
    this.readers = hub.readers();
    this.detach.push(
      hub.onReaders((readers) => {
        this.readers = readers;
        this.o.hub.publish({ type: 'devices.changed', data: { readers: readers.length } });
      }),
      hub.onTap((tap) => onTap(tap)),
    );
  }

  noteTap(tap: HidTap, result: TapResult, kioskId: string | null): void {
    this.lastTap = { readerId: tap.readerId, kioskId, result: result.result, at: new Date(tap.at).toISOString() };
    this.o.hub.publish({ type: 'devices.changed', data: { lastTap: this.lastTap } });
  }

  /** The monitor's device panel. The radio is null while none is attached. */
  deviceStatus(): { radio: RadioStatus | null; readers: HidReaderInfo[]; lastTap: LastTap | null } {
    return { radio: this.radioStatus(), readers: this.readers, lastTap: this.lastTap };
  }

  private radioStatus(): RadioStatus | null {
    if (!this.radio) return null;
    const { scanner, resolver } = this.radio;
    const stats = resolver.stats();
    const detail = (scanner as { detail?: string }).detail;
    return {
      state: scanner.state,
      detail: detail ?? null,
      advertsPerSecond: Math.round(stats.advertsPerSecond * 10) / 10,
      adverts: stats.adverts,
      resolved: stats.resolved,
      replays: stats.replays,
      clones: stats.clones,
      present: stats.present,
    };
  }

  close(): void {
    for (const detach of this.detach.splice(0)) detach();
  }
}

/** The store's iBeacon proximity UUID: made once per station and kept in its settings. */
function storeProximityUuid(db: Db): string {
  const stored = readSetting(db, 'presence_uuid');
  if (stored) return stored;
  const uuid = randomUUID();
  writeSetting(db, 'presence_uuid', uuid);
  return uuid;
}
