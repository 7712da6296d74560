// Runs in: node. Kiosks: enrolment by link, the rotating single-use pairing code, the paired
// shopper, and RFID taps on the kiosk's readers (a product into the paired cart, a loyalty card
// as a presence proof). The kiosk page follows all of it through one event stream.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db.js';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors.js';
import { hashToken, newToken } from '../../tokens.js';
import type { Cart } from '../../schemas.js';
import type { CartRepository } from '../carts/repository.js';
import type { CatalogueRepository } from '../catalogue/repository.js';
import type { ShopperIdentity } from '../sessions/repository.js';
import type { HidTap } from '../../devices/hid/types.js';
import type { PresenceRepository } from './repository.js';

/** DESIGN.md: the pairing code is single use and rotates every 20 s. */
export const PAIRING_ROTATE_MS = 20_000;
/** A code scanned just before it rotated still works while the phone opens it. */
const PAIRING_GRACE_MS = 20_000;
const TICK_MS = 1_000;
/** A paired kiosk with no tap and no cart change for this long returns to its attract screen. */
export const KIOSK_IDLE_MS = 120_000;

export const KIOSK_ID = /^[A-Za-z0-9-]{1,32}$/;

/** The link a kiosk screen opens once to enrol; the token rides in the fragment, never sent to a server log. */
export function kioskEnrolmentLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/kiosk/#token=${token}`;
}

export interface Kiosk {
  id: string;
  name: string;
  readerIds: string[];
  createdAt: number;
  pairedSessionId: string | null;
  pairedAt: number | null;
  lastActivityAt: number | null;
}

export type TapResult =
  | { result: 'added'; sku: string; name: string; nameEn?: string }
  | { result: 'loyalty'; recognised: true }
  | { result: 'loyalty_linked' }
  | { result: 'not_paired' }
  | { result: 'unknown' }
  | { result: 'refused'; code: string; message: string };

export type KioskEvent =
  | { type: 'pairing'; data: { url: string; expiresAt: string } }
  | { type: 'paired'; data: { cart: Cart; pairedAt: string } }
  | { type: 'cart'; data: { cart: Cart } }
  | { type: 'tap'; data: TapResult & { at: string } }
  | { type: 'unpaired'; data: { reason: 'idle' | 'done' | 'other_kiosk' } };

interface KioskRow {
  id: string;
  name: string;
  reader_ids: string;
  created_at: number;
  paired_session_id: string | null;
  paired_at: number | null;
  last_activity_at: number | null;
}

interface Pairing {
  current: { nonce: string; expiresAt: number };
  /** The code shown before, still accepted for PAIRING_GRACE_MS after it rotated. */
  previous: { nonce: string; validUntil: number } | null;
  timer: NodeJS.Timeout | null;
  listeners: Set<(event: KioskEvent) => void>;
}

export interface KioskServiceOptions {
  db: Db;
  clock: Clock;
  carts: CartRepository;
  catalogue: CatalogueRepository;
  presence: PresenceRepository;
  publicUrl: string;
  /** A kiosk pairing or a loyalty tap proved that a device is here. */
  onProof(proof: { deviceId: string; sessionId: string | null; kind: 'kiosk' | 'loyalty'; source: string }): void;
  /** Taps and pairings for the monitor's device panel. */
  onTap?(tap: HidTap, result: TapResult, kioskId: string | null): void;
}

/** ISO 14443 card UIDs are 4, 7 or 10 bytes; product tags (EPC) are longer, so only a card-sized
 * id an unknown card can become a loyalty card — a stray product tag never does. */
const CARD_UID_HEX_LENGTHS = new Set([8, 14, 20]);

export class KioskService {
  private readonly pairings = new Map<string, Pairing>();
  private readonly pairingListeners = new Set<(sessionId: string, kiosk: { id: string; name: string } | null) => void>();
  private readonly unsubscribeCarts: () => void;

  // Prepared once: get() and touch() run on every cart change of a paired shopper, and
  // authenticate() on every kiosk request.
  private readonly statements;

  constructor(private readonly o: KioskServiceOptions) {
    this.statements = {
      list: o.db.prepare('SELECT * FROM kiosks WHERE revoked_at IS NULL ORDER BY id'),
      get: o.db.prepare('SELECT * FROM kiosks WHERE id = ? AND revoked_at IS NULL'),
      byToken: o.db.prepare('SELECT * FROM kiosks WHERE token_hash = ? AND revoked_at IS NULL'),
      touch: o.db.prepare('UPDATE kiosks SET last_activity_at = ? WHERE id = ?'),
      pairedWith: o.db.prepare('SELECT id FROM kiosks WHERE paired_session_id = ? AND revoked_at IS NULL').pluck(),
    };
    this.unsubscribeCarts = o.carts.onChange((sessionId) => this.cartChanged(sessionId));
  }

  create(id: string, name: string, readerIds: string[]): { kiosk: Kiosk; token: string } {
    if (!KIOSK_ID.test(id)) throw new AppError(400, 'kiosk_id_invalid', 'A kiosk id is 1-32 letters, digits or dashes.');
    const token = newToken();
    const now = this.o.clock.now();
    try {
      this.o.db
        .prepare('INSERT INTO kiosks (id, name, token_hash, reader_ids, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(id, name, hashToken(token), JSON.stringify(readerIds), now);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new AppError(409, 'kiosk_exists', `A kiosk ${id} exists already; revoke it first to issue a new link.`);
      }
      throw error;
    }
    return { kiosk: this.get(id)!, token };
  }

  /** A new link for an existing kiosk: the old one stops working at once. */
  reissue(id: string): string {
    const token = newToken();
    const changes = this.o.db
      .prepare('UPDATE kiosks SET token_hash = ?, revoked_at = NULL WHERE id = ?')
      .run(hashToken(token), id).changes;
    if (changes === 0) throw new AppError(404, 'kiosk_not_found', 'No such kiosk.');
    return token;
  }

  revoke(id: string): void {
    const changes = this.o.db
      .prepare('UPDATE kiosks SET revoked_at = ?, paired_session_id = NULL WHERE id = ? AND revoked_at IS NULL')
      .run(this.o.clock.now(), id).changes;
    if (changes === 0) throw new AppError(404, 'kiosk_not_found', 'No such kiosk.');
    this.emit(id, { type: 'unpaired', data: { reason: 'done' } });
  }

  list(): Kiosk[] {
    return (this.statements.list.all() as KioskRow[]).map(toKiosk);
  }

  get(id: string): Kiosk | undefined {
    const row = this.statements.get.get(id) as KioskRow | undefined;
    return row ? toKiosk(row) : undefined;
  }

  authenticate(token: string): Kiosk | undefined {
    const row = this.statements.byToken.get(hashToken(token)) as KioskRow | undefined;
    return row ? toKiosk(row) : undefined;
  }

  /** The kiosk's event stream: the current pairing code first, then everything that follows. */
  subscribe(kioskId: string, listener: (event: KioskEvent) => void): () => void {
    const pairing = this.pairing(kioskId);
    pairing.listeners.add(listener);
    // Every second, not every 20 s: a code consumed between ticks expires 20 s later, and the
    // screen must not keep showing it until a timer started at another phase comes round.
    pairing.timer ??= setInterval(() => this.tick(kioskId), TICK_MS);
    pairing.timer.unref();
    listener(this.pairingEvent(kioskId, pairing));
    const kiosk = this.get(kioskId);
    if (kiosk?.pairedSessionId && !this.idle(kiosk)) {
      listener({ type: 'paired', data: { cart: this.o.carts.view(kiosk.pairedSessionId), pairedAt: iso(kiosk.pairedAt!) } });
    }
    return () => {
      pairing.listeners.delete(listener);
      if (pairing.listeners.size === 0 && pairing.timer) {
        clearInterval(pairing.timer);
        pairing.timer = null;
      }
    };
  }

  /** Told when a session pairs with a kiosk (kiosk) or stops being paired (null). */
  onPairingChange(listener: (sessionId: string, kiosk: { id: string; name: string } | null) => void): () => void {
    this.pairingListeners.add(listener);
    return () => this.pairingListeners.delete(listener);
  }

  private pairingChanged(sessionId: string, kiosk: { id: string; name: string } | null): void {
    for (const listener of this.pairingListeners) listener(sessionId, kiosk);
  }

  /** The shopper scanned the kiosk's code: single use, then the code rotates at once. */
  pair(shopper: ShopperIdentity, kioskId: string, nonce: string): Kiosk {
    const kiosk = this.get(kioskId);
    // Through the rotating accessor: a code still on the screen past its 20 s (the timer had not
    // come round yet) becomes the previous one, honoured for the grace, not refused.
    const pairing = this.pairings.has(kioskId) ? this.pairing(kioskId) : undefined;
    const now = this.o.clock.now();
    const valid =
      kiosk &&
      pairing &&
      ((pairing.current.nonce === nonce && pairing.current.expiresAt > now) ||
        (pairing.previous?.nonce === nonce && pairing.previous.validUntil > now));
    if (!valid) {
      throw new AppError(409, 'pairing_code_invalid', 'This kiosk code has expired or was used already. Scan the code on the kiosk screen again.');
    }
    this.rotate(kioskId, pairing!, { consumed: nonce });
    // A shopper is paired at one kiosk at a time.
    for (const other of this.list()) {
      if (other.id !== kioskId && other.pairedSessionId === shopper.sessionId) this.unpair(other.id, 'other_kiosk');
    }
    this.o.db
      .prepare('UPDATE kiosks SET paired_session_id = ?, paired_at = ?, last_activity_at = ? WHERE id = ?')
      .run(shopper.sessionId, now, now, kioskId);
    this.o.onProof({ deviceId: shopper.deviceId, sessionId: shopper.sessionId, kind: 'kiosk', source: kioskId });
    this.pairingChanged(shopper.sessionId, { id: kiosk!.id, name: kiosk!.name });
    this.emit(kioskId, { type: 'paired', data: { cart: this.o.carts.view(shopper.sessionId), pairedAt: iso(now) } });
    return this.get(kioskId)!;
  }

  unpair(kioskId: string, reason: 'idle' | 'done' | 'other_kiosk' = 'done'): void {
    const sessionId = this.get(kioskId)?.pairedSessionId;
    if (!sessionId) return;
    this.o.db.prepare('UPDATE kiosks SET paired_session_id = NULL WHERE id = ?').run(kioskId);
    this.emit(kioskId, { type: 'unpaired', data: { reason } });
    if (reason !== 'other_kiosk') this.pairingChanged(sessionId, null);
  }

  /** A card or tag held to a reader. Readers map to kiosks by their id (kiosks.reader_ids). */
  tap(tap: HidTap): TapResult {
    const kiosk = this.list().find((k) => k.readerIds.includes(tap.readerId)) ?? null;
    const result = this.tapAt(kiosk, tap);
    if (kiosk) this.emit(kiosk.id, { type: 'tap', data: { ...result, at: iso(tap.at) } });
    this.o.onTap?.(tap, result, kiosk?.id ?? null);
    return result;
  }

  close(): void {
    this.unsubscribeCarts();
    for (const pairing of this.pairings.values()) if (pairing.timer) clearInterval(pairing.timer);
    this.pairings.clear();
  }

  private tapAt(kiosk: Kiosk | null, tap: HidTap): TapResult {
    const cardOwner = this.o.presence.cardDevice(tap.tag);
    if (cardOwner) {
      this.o.onProof({ deviceId: cardOwner, sessionId: null, kind: 'loyalty', source: kiosk?.id ?? tap.readerId });
      if (kiosk) this.touch(kiosk.id);
      return { result: 'loyalty', recognised: true };
    }
    const paired = kiosk?.pairedSessionId && !this.idle(kiosk) ? kiosk.pairedSessionId : null;
    const sku = this.o.catalogue.findByTag(tap.tag)?.sku;
    if (!paired) {
      if (kiosk?.pairedSessionId) this.unpair(kiosk.id, 'idle');
      return sku ? { result: 'not_paired' } : { result: 'unknown' };
    }
    this.touch(kiosk!.id);
    if (!sku) {
      // A card the catalogue does not know becomes the paired shopper's loyalty card.
      const deviceId = this.o.presence.deviceOf(paired);
      if (!deviceId || !CARD_UID_HEX_LENGTHS.has(tap.tag.length)) return { result: 'unknown' };
      this.o.presence.linkCard(tap.tag, deviceId, tap.at);
      return { result: 'loyalty_linked' };
    }
    try {
      this.o.carts.add(paired, sku, 1, tap.at);
    } catch (error) {
      if (error instanceof AppError) return { result: 'refused', code: error.code, message: error.message };
      throw error;
    }
    const line = this.o.carts.view(paired).items.find((item) => item.sku === sku);
    return { result: 'added', sku, name: line?.name ?? sku, ...(line?.nameEn ? { nameEn: line.nameEn } : {}) };
  }

  /** Every cart change of every shopper comes here: one lookup of the kiosk it is paired with, if any screen is open. */
  private cartChanged(sessionId: string): void {
    if (![...this.pairings.values()].some((pairing) => pairing.listeners.size > 0)) return;
    for (const kioskId of this.statements.pairedWith.all(sessionId) as string[]) {
      if (!this.pairings.get(kioskId)?.listeners.size) continue;
      this.touch(kioskId);
      this.emit(kioskId, { type: 'cart', data: { cart: this.o.carts.view(sessionId) } });
    }
  }

  private touch(kioskId: string): void {
    this.statements.touch.run(this.o.clock.now(), kioskId);
  }

  private idle(kiosk: Kiosk): boolean {
    return (kiosk.lastActivityAt ?? 0) + KIOSK_IDLE_MS <= this.o.clock.now();
  }

  private tick(kioskId: string): void {
    const pairing = this.pairings.get(kioskId);
    if (!pairing) return;
    if (pairing.current.expiresAt <= this.o.clock.now()) this.rotate(kioskId, pairing);
    const kiosk = this.get(kioskId);
    if (kiosk?.pairedSessionId && this.idle(kiosk)) this.unpair(kioskId, 'idle');
  }

  private pairing(kioskId: string): Pairing {
    let pairing = this.pairings.get(kioskId);
    if (!pairing) {
      pairing = { current: this.newCode(), previous: null, timer: null, listeners: new Set() };
      this.pairings.set(kioskId, pairing);
    } else if (pairing.current.expiresAt <= this.o.clock.now()) {
      this.rotate(kioskId, pairing);
    }
    return pairing;
  }

  private rotate(kioskId: string, pairing: Pairing, options: { consumed?: string } = {}): void {
    const now = this.o.clock.now();
    // A consumed code is never accepted again, not even in the grace period.
    const consumed = options.consumed;
    pairing.previous =
      consumed !== undefined && (consumed === pairing.current.nonce || consumed === pairing.previous?.nonce)
        ? null
        : { nonce: pairing.current.nonce, validUntil: now + PAIRING_GRACE_MS };
    pairing.current = this.newCode();
    this.emit(kioskId, this.pairingEvent(kioskId, pairing));
  }

  private newCode(): { nonce: string; expiresAt: number } {
    return { nonce: randomBytes(16).toString('base64url'), expiresAt: this.o.clock.now() + PAIRING_ROTATE_MS };
  }

  private pairingEvent(kioskId: string, pairing: Pairing): KioskEvent {
    const base = this.o.publicUrl.replace(/\/+$/, '');
    return {
      type: 'pairing',
      data: { url: `${base}/shop/pair/${kioskId}/${pairing.current.nonce}`, expiresAt: iso(pairing.current.expiresAt) },
    };
  }

  private emit(kioskId: string, event: KioskEvent): void {
    const listeners = this.pairings.get(kioskId)?.listeners;
    if (!listeners) return;
    for (const listener of listeners) listener(event);
  }
}

function toKiosk(row: KioskRow): Kiosk {
  return {
    id: row.id,
    name: row.name,
    readerIds: JSON.parse(row.reader_ids) as string[],
    createdAt: row.created_at,
    pairedSessionId: row.paired_session_id,
    pairedAt: row.paired_at,
    lastActivityAt: row.last_activity_at,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
