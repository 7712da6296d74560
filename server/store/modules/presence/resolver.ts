// Runs in: node and std (no I/O). The presence resolver of DESIGN.md "Presence": turns the
// iBeacon adverts a station hears into "session S is here" in O(1), refuses replays and clones,
// and smooths RSSI per session into present/left events. Time comes only from the clock seam;
// the presence service owns the radio, the timers and the database around it.
//
// Windows. Each window w-4..w+2 of the current w keeps the (code, session) pairs computed for it;
// w-1..w+1 are accepted (a phone's clock may be a window off), w-4..w-2 are kept only to tell a
// replay from noise (filled as windows age, not when a session is tracked), and w+2 is computed
// ahead a few sessions per tick() so moving into the next window costs no burst of HMACs. The
// pairs of the accepted windows are merged into one Map code → session, those of the others into
// a second one, so an advert costs one lookup (two when unknown). Moving on re-files the pairs of
// the windows that change role: O(sessions) Map operations once per window, no HMACs. A code found
// only among the refused windows is a replay; a code found nowhere is unknown (older replays look
// like noise: bounded memory is worth more than naming them).
//
// Collisions. Codes are 32 bits, so among n sessions two share a code in some window with
// probability ≈ n²/2³³ (≈1 % per window at 10,000 sessions). A code claimed by two different
// sessions anywhere in w-1..w+1 resolves to no one (`ambiguous`): guessing would hand one
// shopper's presence to another. The phone's next window (≤ 30 s) almost surely differs.
//
// Clones. A copied secret advertises the same code from two places. The same code heard at two
// stations (or radios) within `cloneIntervalMs` flags the session for `cloneHoldMs`: its
// adverts are refused, not taken as proof, and a `clone` event tells staff. Stations whose
// radios can hear the same phone at once must be declared with `overlapping`, else a shopper
// standing between them looks cloned.
import { codeOf, PRESENCE_SECRET_BYTES, PRESENCE_WINDOW_SECONDS, presenceCode, presenceWindow } from '../../../protocol/presence-token.js';
import type { Clock } from '../../clock.js';
import type { BleAdvert } from '../../devices/radio/types.js';
import { RssiKalman, type RssiFilterOptions } from './rssi-filter.js';

const WINDOW_MS = PRESENCE_WINDOW_SECONDS * 1000;
/** Slots of the window ring: w-4..w+2 is 7 windows, and a power of two makes `window & 7` the index. */
const RING = 8;
/** Untracked sessions dropped from the window lists once this many have gone (see compact()). */
const COMPACT_AFTER_REMOVALS = 32;
const RING_MASK = RING - 1;
/** Windows held around the current one: [first, last] offsets; w-1..w+1 are accepted. */
const OLDEST = -4;
const NEWEST = 2;
/** Stations (and radios) remembered per session for clone checks; a store has a handful. */
const MAX_SIGHTINGS = 8;
/** A replayed session is reported at most this often; every replayed advert is counted. */
const REPLAY_REPORT_MS = WINDOW_MS;
/** adverts/s is averaged over this many whole seconds. */
const RATE_SECONDS = 10;

export interface PresenceResolverOptions {
  clock: Clock;
  /** The store's iBeacon proximity UUID (hyphens optional). */
  storeUuid: string;
  /** This station's id: the source of adverts passed to resolve() without one. */
  stationId?: string;
  /** Smoothed RSSI at or above which a session becomes present, dBm. */
  enterDbm?: number;
  /** Smoothed RSSI below which a present session has left, dBm (below enterDbm: hysteresis). */
  leaveDbm?: number;
  /** A present session with no advert for this long has left. */
  timeoutMs?: number;
  /** The same code at two stations within this interval is a clone. */
  cloneIntervalMs?: number;
  /** How long a flagged session's adverts are refused after its last conflicting sighting. */
  cloneHoldMs?: number;
  /** Pairs of stations that can hear the same phone at once (same code there is no clone). */
  overlapping?: (stationA: string, stationB: string) => boolean;
  /** Smoothed samples kept per session for the monitor's trend. */
  trendLength?: number;
  /** At most one trend sample per this interval (adverts come at up to ~10 Hz). */
  trendIntervalMs?: number;
  filter?: RssiFilterOptions;
}

export type Resolution =
  | {
      kind: 'resolved';
      sessionId: string;
      /** The 32-bit code heard: what the service forwards to the store's other stations. */
      code: number;
      rssi: number;
      smoothedRssi: number;
      present: boolean;
      /** The code's window relative to the current one. */
      offset: -1 | 0 | 1;
    }
  | { kind: 'replay'; sessionId: string; offset: number }
  | { kind: 'clone'; sessionId: string }
  | { kind: 'unknown' }
  | { kind: 'ambiguous' }
  | { kind: 'not-ibeacon' }
  | { kind: 'foreign-uuid' };

export type RemoteResult = 'seen' | 'clone' | 'replay' | 'unknown' | 'ambiguous';

export type LeftReason = 'weak' | 'timeout' | 'clone' | 'untracked';

export type PresenceEvent =
  | { type: 'present'; sessionId: string; rssi: number; at: number }
  | { type: 'left'; sessionId: string; rssi: number; at: number; reason: LeftReason }
  /** At most once per session per window, however often (and however many codes) it is sent. */
  | { type: 'replay'; sessionId: string; offset: number; source: string; at: number }
  /** When a session becomes flagged, not for every refused advert after. */
  | { type: 'clone'; sessionId: string; code: number; stations: [string, string]; at: number };

/** An iBeacon someone else already decoded. */
export interface DecodedBeacon {
  uuid: string;
  major: number;
  minor: number;
  rssi: number;
  receivedAt: number;
  address?: string;
}

export interface TrendSample {
  at: number;
  rssi: number;
}

export interface SessionPresence {
  present: boolean;
  /** NaN until the first advert. */
  smoothedRssi: number;
  /** -Infinity until the first advert. */
  lastSeenAt: number;
  cloned: boolean;
  trend: TrendSample[];
}

export interface ResolverStats {
  adverts: number;
  resolved: number;
  unknown: number;
  replays: number;
  clones: number;
  ambiguous: number;
  notIbeacon: number;
  foreignUuid: number;
  /** Codes claimed by two sessions in one window, as the windows were built. */
  collisions: number;
  advertsPerSecond: number;
  tracked: number;
  present: number;
}

const NOT_IBEACON = -1;
const FOREIGN_UUID = -2;
// The refusals without a session are shared constants: nothing is allocated for background noise.
const UNKNOWN: Resolution = Object.freeze({ kind: 'unknown' });
const AMBIGUOUS: Resolution = Object.freeze({ kind: 'ambiguous' });
const NOT_IBEACON_RESULT: Resolution = Object.freeze({ kind: 'not-ibeacon' });
const FOREIGN_RESULT: Resolution = Object.freeze({ kind: 'foreign-uuid' });

interface Sighting {
  source: string;
  code: number;
  at: number;
}

class Session {
  removed = false;
  // The session's code per ring slot and the window it was computed for, so untrack() finds its
  // entries without HMACs, the offset of a hit is read here, and a reused slot shows as stale.
  readonly slotWindow = new Float64Array(RING).fill(-1);
  readonly slotCode = new Uint32Array(RING);
  present = false;
  lastSeenAt = -Infinity;
  cloneUntil = -Infinity;
  lastReplayReportAt = -Infinity;
  // This station's last sighting lives in fields: with no other station or radio reporting (the
  // common case) the clone check touches nothing else.
  localAt = -Infinity;
  localCode = -1;
  others: Sighting[] | null = null;
  // A plain array of doubles stays on V8's heap; a typed array this size would get a malloc'd
  // backing store, slow to make for each of thousands of sessions on first contact.
  trend: number[] | null = null;
  trendCount = 0;
  trendHead = 0;
  lastTrendAt = -Infinity;

  constructor(
    readonly id: string,
    readonly secret: Uint8Array,
    readonly filter: RssiKalman,
  ) {}
}

/** Several claims on one code: two sessions (a collision), or one session in two windows. */
class Shared {
  constructor(readonly claims: Session[]) {}
}

/**
 * code → the session(s) claiming it, merged over several windows. Keys are the codes as signed
 * 32-bit integers: V8 keeps those as small integers, where half of all unsigned codes would be
 * heap numbers, hashed about twice as slowly.
 */
class CodeIndex {
  private readonly map = new Map<number, Session | Shared>();

  get size(): number {
    return this.map.size;
  }

  has(code: number): boolean {
    return this.map.has(code | 0);
  }

  /** True when another session already claims the code. */
  add(unsigned: number, session: Session): boolean {
    const code = unsigned | 0;
    const entry = this.map.get(code);
    if (entry === undefined) {
      this.map.set(code, session);
      return false;
    }
    if (entry instanceof Shared) {
      const collides = entry.claims.some((c) => c !== session);
      entry.claims.push(session);
      return collides;
    }
    this.map.set(code, new Shared([entry, session]));
    return entry !== session;
  }

  /** Removes one claim; a no-op when the session has none on the code. */
  remove(unsigned: number, session: Session): void {
    const code = unsigned | 0;
    const entry = this.map.get(code);
    if (entry === session) this.map.delete(code);
    else if (entry instanceof Shared) {
      const i = entry.claims.indexOf(session);
      if (i < 0) return;
      entry.claims.splice(i, 1);
      if (entry.claims.length === 1) this.map.set(code, entry.claims[0]!);
    }
  }

  /** The one session claiming `code`; null when several do; undefined when none. */
  get(code: number): Session | null | undefined {
    const entry = this.map.get(code | 0);
    if (!(entry instanceof Shared)) return entry;
    const first = entry.claims[0]!;
    for (const claim of entry.claims) if (claim !== first) return null;
    return first;
  }
}

class WindowCodes {
  // Parallel arrays of the pairs computed for this window: re-filed when the window changes role.
  readonly codes: number[] = [];
  readonly owners: Session[] = [];
  /** The index these pairs are merged into (accepted or refused), null while unfiled. */
  index: CodeIndex | null = null;
  cursor = 0;
  constructor(
    readonly window: number,
    /** Sessions whose code is still to be computed (the window ahead fills over several ticks). */
    public queue: Session[],
  ) {}
}

const EMPTY_QUEUE: Session[] = [];

export class PresenceResolver {
  private readonly clock: Clock;
  private readonly uuid: Uint8Array;
  private readonly stationId: string;
  private readonly enterDbm: number;
  private readonly leaveDbm: number;
  private readonly timeoutMs: number;
  private readonly cloneIntervalMs: number;
  private readonly cloneHoldMs: number;
  private readonly overlapping: (a: string, b: string) => boolean;
  private readonly trendLength: number;
  private readonly trendIntervalMs: number;
  private readonly filterOptions: RssiFilterOptions;

  private readonly sessions = new Map<string, Session>();
  private readonly presentSessions = new Set<Session>();
  /** Sessions untracked since the window lists were last compacted. */
  private removedOwners = 0;
  private readonly listeners = new Set<(event: PresenceEvent) => void>();
  private ring: (WindowCodes | undefined)[] = new Array<WindowCodes | undefined>(RING).fill(undefined);
  private window = Number.NaN;
  private windowStart = Infinity;
  private nextRollAt = -Infinity;
  private readonly accepted = new CodeIndex();
  private readonly refused = new CodeIndex();
  private ahead: WindowCodes | undefined;

  private readonly counts = { adverts: 0, resolved: 0, unknown: 0, replays: 0, clones: 0, ambiguous: 0, notIbeacon: 0, foreignUuid: 0, collisions: 0 };
  private readonly rateSecond = new Float64Array(RATE_SECONDS).fill(-1);
  private readonly rateCount = new Uint32Array(RATE_SECONDS);
  private firstSecond = -1;

  constructor(options: PresenceResolverOptions) {
    this.clock = options.clock;
    this.uuid = parseUuid(options.storeUuid);
    this.stationId = options.stationId ?? 'local';
    this.enterDbm = options.enterDbm ?? -75;
    this.leaveDbm = options.leaveDbm ?? -85;
    if (!(this.leaveDbm <= this.enterDbm)) throw new RangeError('leaveDbm must not be above enterDbm');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.cloneIntervalMs = options.cloneIntervalMs ?? 2_000;
    this.cloneHoldMs = options.cloneHoldMs ?? 60_000;
    this.overlapping = options.overlapping ?? (() => false);
    this.trendLength = Math.max(1, Math.floor(options.trendLength ?? 30));
    this.trendIntervalMs = options.trendIntervalMs ?? 1_000;
    this.filterOptions = options.filter ?? {};
    new RssiKalman(this.filterOptions); // validates the filter options now, not at the first advert
  }

  onEvent(listener: (event: PresenceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts resolving a session's codes; a new secret for a tracked session replaces the old one. */
  track(sessionId: string, secret: Uint8Array): void {
    if (secret.length !== PRESENCE_SECRET_BYTES) throw new RangeError('a presence secret is 32 bytes');
    const existing = this.sessions.get(sessionId);
    if (existing && equalBytes(existing.secret, secret)) return;
    this.sync(this.clock.now());
    if (existing) this.removeCodes(existing);
    // A new secret keeps what was measured about the phone (its filter too); only its codes change.
    const session = new Session(sessionId, Uint8Array.from(secret), existing?.filter ?? new RssiKalman(this.filterOptions));
    if (existing) carryState(existing, session);
    this.sessions.set(sessionId, session);
    if (existing?.present) {
      this.presentSessions.delete(existing);
      this.presentSessions.add(session);
    }
    // Accepted windows and the one ahead only: the older ones serve replay reports, not worth
    // three more HMACs per session when a station starts with thousands; they fill as time rolls.
    for (let offset = -1; offset <= NEWEST; offset++) this.add(this.slot(this.window + offset)!, session);
  }

  /** Stops resolving a session; a present one leaves (reason `untracked`). */
  untrack(sessionId: string): boolean {
    const session = this.sessions.get(sessionId);
    if (!session) return false;
    this.sessions.delete(sessionId);
    this.removeCodes(session);
    if (session.present) this.leave(session, this.clock.now(), 'untracked');
    return true;
  }

  isTracked(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  /**
   * One advert heard by this station (or by `source`, one of its radios that the clone check
   * must tell apart). Reads the iBeacon from the manufacturer data, or from the raw AD
   * structures when the adapter gave only those, in place.
   */
  resolve(advert: BleAdvert, source: string = this.stationId): Resolution {
    const now = this.clock.now();
    this.count(now);
    let code = NOT_IBEACON;
    const data = advert.manufacturerData;
    if (data !== undefined) code = this.ibeaconCode(data, 0, data.length);
    else if (advert.raw !== undefined) code = this.ibeaconCodeInAd(advert.raw);
    if (code < 0) return this.refuseFrame(code);
    return this.resolveCode(code, advert.rssi, receivedAt(advert.receivedAt, now), source);
  }

  /** The same for an iBeacon already decoded elsewhere. */
  resolveBeacon(beacon: DecodedBeacon, source: string = this.stationId): Resolution {
    const now = this.clock.now();
    this.count(now);
    let uuid: Uint8Array;
    try {
      uuid = parseUuid(beacon.uuid);
    } catch {
      return this.refuseFrame(NOT_IBEACON);
    }
    if (!equalBytes(uuid, this.uuid)) return this.refuseFrame(FOREIGN_UUID);
    return this.resolveCode(codeOf(beacon.major, beacon.minor), beacon.rssi, receivedAt(beacon.receivedAt, now), source);
  }

  /**
   * A code another station of this store resolved (it forwards `code` from its results). Only
   * feeds the clone check: another station's RSSI says nothing about the distance to this one.
   */
  observeRemote(stationId: string, code: number, at: number): RemoteResult {
    this.sync(this.clock.now());
    const claim = this.accepted.get(code);
    if (claim === null) return 'ambiguous';
    if (claim === undefined) return this.refused.has(code) ? 'replay' : 'unknown';
    return this.sight(claim, code, at, stationId) ? 'clone' : 'seen';
  }

  /**
   * Housekeeping, about once a second: present sessions that went silent leave, and the window
   * ahead is filled at a pace that finishes it within the first half of the current window.
   */
  tick(): void {
    const now = this.clock.now();
    this.sync(now);
    if (this.removedOwners >= COMPACT_AFTER_REMOVALS) this.compact();
    for (const session of this.presentSessions) {
      if (now - session.lastSeenAt > this.timeoutMs) this.leave(session, now, 'timeout');
    }
    const ahead = this.ahead!;
    if (ahead.cursor < ahead.queue.length) {
      const share = Math.min(1, (now - this.windowStart) / (WINDOW_MS / 2));
      this.fill(ahead, Math.ceil(ahead.queue.length * share) - ahead.cursor);
    }
  }

  stats(): ResolverStats {
    return { ...this.counts, advertsPerSecond: this.rate(this.clock.now()), tracked: this.sessions.size, present: this.presentSessions.size };
  }

  session(sessionId: string): SessionPresence | undefined {
    const session = this.sessions.get(sessionId);
    if (!session) return undefined;
    return {
      present: session.present,
      smoothedRssi: session.filter.value,
      lastSeenAt: session.lastSeenAt,
      cloned: this.clock.now() < session.cloneUntil,
      trend: trendOf(session),
    };
  }

  /** Whether the radio heard the session's code within the resolver's own timeout. */
  heardRecently(sessionId: string): boolean {
    const session = this.sessions.get(sessionId);
    return session !== undefined && this.clock.now() - session.lastSeenAt <= this.timeoutMs;
  }

  /** Sessions present now, for the monitor. */
  presentIds(): string[] {
    return [...this.presentSessions].map((s) => s.id);
  }

  /** What the resolver holds, to check that it stays bounded. */
  footprint(): { sessions: number; windows: number; pairs: number; acceptedCodes: number; refusedCodes: number; aheadCodes: number; trendSamples: number; sightings: number } {
    let trendSamples = 0;
    let sightings = 0;
    for (const s of this.sessions.values()) {
      trendSamples += s.trendCount;
      sightings += (s.localCode >= 0 ? 1 : 0) + (s.others?.length ?? 0);
    }
    const windows = this.ring.filter((w) => w !== undefined);
    return {
      sessions: this.sessions.size,
      windows: windows.length,
      pairs: windows.reduce((sum, w) => sum + w.codes.length, 0),
      acceptedCodes: this.accepted.size,
      refusedCodes: this.refused.size,
      aheadCodes: this.ahead?.codes.length ?? 0,
      trendSamples,
      sightings,
    };
  }

  // --- hot path -------------------------------------------------------------------------------

  private resolveCode(code: number, rssi: number, at: number, source: string): Resolution {
    const claim = this.accepted.get(code);
    if (claim === undefined) return this.refuseOld(code, at, source);
    if (claim === null) {
      this.counts.ambiguous++;
      return AMBIGUOUS;
    }
    const offset = this.offsetOf(claim, code, 0) ?? this.offsetOf(claim, code, -1) ?? 1;
    if (this.sight(claim, code, at, source) || at < claim.cloneUntil) {
      this.counts.clones++;
      return { kind: 'clone', sessionId: claim.id };
    }
    if (at - claim.lastSeenAt > this.timeoutMs) claim.filter.reset();
    // A report without a usable RSSI still proves the code was heard, but must not poison the filter.
    const smoothed = Number.isFinite(rssi) ? claim.filter.update(rssi, at) : claim.filter.value;
    if (at > claim.lastSeenAt) claim.lastSeenAt = at;
    if (!claim.present) {
      if (smoothed >= this.enterDbm) {
        claim.present = true;
        this.presentSessions.add(claim);
        this.emit({ type: 'present', sessionId: claim.id, rssi: smoothed, at });
      }
    } else if (smoothed < this.leaveDbm) {
      this.leave(claim, at, 'weak');
    }
    if (at - claim.lastTrendAt >= this.trendIntervalMs && !Number.isNaN(smoothed)) this.sample(claim, smoothed, at);
    this.counts.resolved++;
    return { kind: 'resolved', sessionId: claim.id, code, rssi, smoothedRssi: smoothed, present: claim.present, offset };
  }

  /** `offset` when the session's code of window w+offset is `code`, else undefined. */
  private offsetOf<T extends number>(session: Session, code: number, offset: T): T | undefined {
    const window = this.window + offset;
    const slot = window & RING_MASK;
    return session.slotWindow[slot] === window && session.slotCode[slot] === code ? offset : undefined;
  }

  private refuseOld(code: number, at: number, source: string): Resolution {
    const claim = this.refused.get(code);
    if (claim === undefined) {
      this.counts.unknown++;
      return UNKNOWN;
    }
    if (claim === null) {
      this.counts.ambiguous++;
      return AMBIGUOUS;
    }
    this.counts.replays++;
    let offset: number = NEWEST;
    for (let o = -2; o >= OLDEST; o--) if (this.offsetOf(claim, code, o) !== undefined) offset = o;
    if (at - claim.lastReplayReportAt >= REPLAY_REPORT_MS || at < claim.lastReplayReportAt) {
      claim.lastReplayReportAt = at;
      this.emit({ type: 'replay', sessionId: claim.id, offset, source, at });
    }
    return { kind: 'replay', sessionId: claim.id, offset };
  }

  private refuseFrame(code: number): Resolution {
    if (code === FOREIGN_UUID) {
      this.counts.foreignUuid++;
      return FOREIGN_RESULT;
    }
    this.counts.notIbeacon++;
    return NOT_IBEACON_RESULT;
  }

  /**
   * Notes that `source` heard `code` of `session` at `at`; true when another station heard the
   * same code within the clone interval (the session is then flagged).
   */
  private sight(session: Session, code: number, at: number, source: string): boolean {
    const local = source === this.stationId;
    let conflict: string | undefined;
    if (!local && this.conflicts(session.localCode, session.localAt, this.stationId, code, at, source)) conflict = this.stationId;
    const others = session.others;
    if (others !== null) {
      let own: Sighting | undefined;
      let oldest: Sighting | undefined;
      for (let i = 0; i < others.length; i++) {
        const s = others[i]!;
        if (s.source === source) own = s;
        else if (this.conflicts(s.code, s.at, s.source, code, at, source)) conflict = s.source;
        if (oldest === undefined || s.at < oldest.at) oldest = s;
      }
      if (!local) {
        if (own !== undefined) {
          if (at >= own.at) {
            own.code = code;
            own.at = at;
          }
        } else if (others.length < MAX_SIGHTINGS) {
          others.push({ source, code, at });
        } else {
          oldest!.source = source;
          oldest!.code = code;
          oldest!.at = at;
        }
      }
    } else if (!local) {
      session.others = [{ source, code, at }];
    }
    if (local && at >= session.localAt) {
      session.localAt = at;
      session.localCode = code;
    }
    if (conflict === undefined) return false;
    const flagged = at < session.cloneUntil;
    session.cloneUntil = Math.max(session.cloneUntil, at + this.cloneHoldMs);
    if (!flagged) {
      this.emit({ type: 'clone', sessionId: session.id, code, stations: [conflict, source], at });
      if (session.present) this.leave(session, at, 'clone');
    }
    return true;
  }

  private conflicts(seenCode: number, seenAt: number, seenBy: string, code: number, at: number, source: string): boolean {
    return seenCode === code && Math.abs(at - seenAt) <= this.cloneIntervalMs && !this.overlapping(source, seenBy);
  }

  /** The presence code of an iBeacon with the store's UUID at `off`, or NOT_IBEACON / FOREIGN_UUID. */
  private ibeaconCode(b: Uint8Array, off: number, len: number): number {
    // 4c 00 (Apple, little-endian) 02 15 (iBeacon type, 21 bytes) uuid[16] major[2] minor[2] power[1]
    if (len < 25 || b[off] !== 0x4c || b[off + 1] !== 0x00 || b[off + 2] !== 0x02 || b[off + 3] !== 0x15) return NOT_IBEACON;
    const uuid = this.uuid;
    for (let i = 0; i < 16; i++) if (b[off + 4 + i] !== uuid[i]) return FOREIGN_UUID;
    return codeOf((b[off + 20]! << 8) | b[off + 21]!, (b[off + 22]! << 8) | b[off + 23]!);
  }

  /** The first manufacturer-data AD structure (type 0xff) of a raw advert, read in place. */
  private ibeaconCodeInAd(raw: Uint8Array): number {
    let i = 0;
    while (i + 1 < raw.length) {
      const length = raw[i]!;
      if (length === 0 || i + 1 + length > raw.length) break;
      if (raw[i + 1] === 0xff) return this.ibeaconCode(raw, i + 2, length - 1);
      i += 1 + length;
    }
    return NOT_IBEACON;
  }

  private count(now: number): void {
    this.sync(now);
    this.counts.adverts++;
    const second = Math.floor(now / 1000);
    const slot = second % RATE_SECONDS;
    if (this.rateSecond[slot] !== second) {
      this.rateSecond[slot] = second;
      this.rateCount[slot] = 0;
      if (this.firstSecond < 0) this.firstSecond = second;
    }
    this.rateCount[slot]!++;
  }

  /** Average over the last whole seconds (the current one is still filling). */
  private rate(now: number): number {
    if (this.firstSecond < 0) return 0;
    const second = Math.floor(now / 1000);
    const span = Math.min(RATE_SECONDS - 1, second - this.firstSecond);
    if (span <= 0) return 0;
    let sum = 0;
    for (let i = 0; i < RATE_SECONDS; i++) {
      const s = this.rateSecond[i]!;
      if (s < second && s >= second - span) sum += this.rateCount[i]!;
    }
    return sum / span;
  }

  // --- windows --------------------------------------------------------------------------------

  private sync(now: number): void {
    if (now < this.nextRollAt && now >= this.windowStart) return;
    this.moveTo(presenceWindow(now));
  }

  /**
   * Makes w-4..w+2 the held windows. In steady state only w+2 is new (an empty map that tick()
   * fills) and w+1, filled during the last window, is finished if tick() fell behind. After a
   * jump (suspend, clock change) the accepted windows are built whole and the older ones start
   * empty: replays of the time before the jump read as unknown.
   */
  private moveTo(window: number): void {
    const ring = new Array<WindowCodes | undefined>(RING).fill(undefined);
    for (let offset = OLDEST; offset <= NEWEST; offset++) {
      const w = window + offset;
      let codes = this.slot(w);
      if (!codes) codes = new WindowCodes(w, offset >= -1 ? [...this.sessions.values()] : EMPTY_QUEUE);
      if (offset >= -1 && offset <= 1) this.fill(codes, Infinity);
      // Only after the clock went back can an unfinished window land among the older ones.
      else if (offset < -1) {
        codes.queue = EMPTY_QUEUE;
        codes.cursor = 0;
      }
      ring[w & RING_MASK] = codes;
    }
    for (const codes of this.ring) if (codes && ring[codes.window & RING_MASK] !== codes) this.file(codes, null);
    for (const codes of ring) if (codes) this.file(codes, codes.window >= window - 1 && codes.window <= window + 1 ? this.accepted : this.refused);
    this.ring = ring;
    this.window = window;
    this.windowStart = window * WINDOW_MS;
    this.nextRollAt = this.windowStart + WINDOW_MS;
    this.ahead = this.slot(window + NEWEST)!;
  }

  /**
   * Drops untracked sessions from the windows' pair lists. Their claims left the indexes when they
   * were untracked, but the lists kept them (and their secrets and filters) until the window left
   * the ring, 3.5 minutes later: with a store's worth of visits ending every minute, that was most
   * of the resolver's memory.
   */
  private compact(): void {
    for (const codes of this.ring) {
      if (!codes) continue;
      const { codes: list, owners } = codes;
      let kept = 0;
      for (let i = 0; i < owners.length; i++) {
        if (owners[i]!.removed) continue;
        owners[kept] = owners[i]!;
        list[kept] = list[i]!;
        kept++;
      }
      owners.length = kept;
      list.length = kept;
    }
    this.removedOwners = 0;
  }

  /** Moves a window's pairs into `index` (out of the one they were in). */
  private file(codes: WindowCodes, index: CodeIndex | null): void {
    if (codes.index === index) return;
    const { codes: list, owners } = codes;
    // Untracked sessions took their claims out already (removeCodes) and put none back.
    if (codes.index) for (let i = 0; i < list.length; i++) if (!owners[i]!.removed) codes.index.remove(list[i]!, owners[i]!);
    codes.index = index;
    if (index) for (let i = 0; i < list.length; i++) if (!owners[i]!.removed) this.claim(index, list[i]!, owners[i]!);
  }

  private claim(index: CodeIndex, code: number, session: Session): void {
    if (index.add(code, session) && index === this.accepted) this.counts.collisions++;
  }

  private slot(window: number): WindowCodes | undefined {
    const codes = this.ring[window & RING_MASK];
    return codes?.window === window ? codes : undefined;
  }

  private fill(codes: WindowCodes, budget: number): void {
    const queue = codes.queue;
    while (budget > 0 && codes.cursor < queue.length) {
      const session = queue[codes.cursor++]!;
      if (!session.removed && session.slotWindow[codes.window & RING_MASK] !== codes.window) {
        this.add(codes, session);
        budget--;
      }
    }
    if (codes.cursor >= queue.length) {
      codes.queue = EMPTY_QUEUE;
      codes.cursor = 0;
    }
  }

  private add(codes: WindowCodes, session: Session): void {
    const { code } = presenceCode(session.secret, codes.window);
    const slot = codes.window & RING_MASK;
    session.slotWindow[slot] = codes.window;
    session.slotCode[slot] = code;
    codes.codes.push(code);
    codes.owners.push(session);
    if (codes.index) this.claim(codes.index, code, session);
  }

  private removeCodes(session: Session): void {
    session.removed = true;
    this.removedOwners++;
    for (const codes of this.ring) {
      if (!codes?.index) continue;
      const slot = codes.window & RING_MASK;
      if (session.slotWindow[slot] === codes.window) codes.index.remove(session.slotCode[slot]!, session);
    }
  }

  // --- presence -------------------------------------------------------------------------------

  private leave(session: Session, at: number, reason: LeftReason): void {
    session.present = false;
    this.presentSessions.delete(session);
    this.emit({ type: 'left', sessionId: session.id, rssi: session.filter.value, at, reason });
  }

  private sample(session: Session, rssi: number, at: number): void {
    session.lastTrendAt = at;
    // Interleaved (at, rssi) pairs in one ring: bounded, and one allocation per session.
    const trend = (session.trend ??= new Array<number>(this.trendLength * 2).fill(0));
    trend[session.trendHead * 2] = at;
    trend[session.trendHead * 2 + 1] = rssi;
    session.trendHead = (session.trendHead + 1) % this.trendLength;
    if (session.trendCount < this.trendLength) session.trendCount++;
  }

  private emit(event: PresenceEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** An adapter or replay file without a usable timestamp gets the station's time of resolution. */
function receivedAt(at: number, now: number): number {
  return Number.isFinite(at) ? at : now;
}

function trendOf(session: Session): TrendSample[] {
  const trend = session.trend;
  if (!trend) return [];
  const length = trend.length / 2;
  const out: TrendSample[] = [];
  for (let i = 0; i < session.trendCount; i++) {
    const j = (session.trendHead - session.trendCount + i + length) % length;
    out.push({ at: trend[j * 2]!, rssi: trend[j * 2 + 1]! });
  }
  return out;
}

function carryState(from: Session, to: Session): void {
  to.present = from.present;
  to.lastSeenAt = from.lastSeenAt;
  to.cloneUntil = from.cloneUntil;
  to.trend = from.trend;
  to.trendCount = from.trendCount;
  to.trendHead = from.trendHead;
  to.lastTrendAt = from.lastTrendAt;
  to.localAt = from.localAt;
  to.localCode = from.localCode;
  to.others = from.others;
}

function parseUuid(text: string): Uint8Array {
  const hex = text.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`not a UUID: ${text}`);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
