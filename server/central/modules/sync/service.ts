// Runs in: node. Sync ingest: each event is stored once (unique per store by id and by seq, in
// the database, so concurrent instances agree) and the ack is the highest contiguous seq.
import { AppError } from '../../../http/errors.js';
import { canonicalJson, sha256Hex } from '../../canonical-json.js';
import type { Insertable } from 'kysely';
import type { CentralKysely } from '../../db/index.js';
import type { SyncEventsTable } from '../../db/schema.js';
import type { Clock } from '../../../store/clock.js';
import type { SyncEvent } from './schemas.js';

const ACK_SCAN_CHUNK = 1000;

type EventRow = Insertable<SyncEventsTable>;

function conflict(message: string): AppError {
  return new AppError(409, 'event_conflict', message);
}

export class SyncService {
  constructor(
    private readonly db: CentralKysely,
    private readonly clock: Clock,
  ) {}

  async ingest(storeId: string, events: readonly SyncEvent[]): Promise<number> {
    const now = this.clock.now();
    const rows = dedupe(events.map((e) => toRow(storeId, e, now)));
    if (rows.length > 0) {
      await this.db.transaction().execute(async (trx) => {
        // ON CONFLICT DO NOTHING covers both unique keys: what is skipped is checked below,
        // against what another request (or instance) stored first.
        const inserted = await trx.insertInto('sync_events').values(rows).onConflict((oc) => oc.doNothing()).returning('id').execute();
        if (inserted.length === rows.length) return;
        const fresh = new Set(inserted.map((r) => r.id));
        const skipped = rows.filter((r) => !fresh.has(r.id));
        const existing = await trx
          .selectFrom('sync_events')
          .select(['id', 'seq', 'content_hash'])
          .where('store_id', '=', storeId)
          .where((eb) => eb.or([eb('id', 'in', skipped.map((r) => r.id)), eb('seq', 'in', skipped.map((r) => r.seq))]))
          .execute();
        const byId = new Map(existing.map((r) => [r.id, r]));
        const bySeq = new Map(existing.map((r) => [r.seq, r]));
        for (const row of skipped) {
          const sameId = byId.get(row.id);
          if (sameId && (sameId.seq !== row.seq || sameId.content_hash !== row.content_hash)) {
            throw conflict(`Event ${row.id} was already received with other content or another seq.`);
          }
          const sameSeq = bySeq.get(row.seq);
          if (sameSeq && sameSeq.id !== row.id) {
            throw conflict(`Seq ${row.seq} was already received for event ${sameSeq.id}.`);
          }
        }
      });
    }
    return this.advanceAck(storeId);
  }

  /**
   * Moves the stored ack forward over every contiguous seq now present. Called after commit, so
   * of two instances that stored halves of a gap concurrently, the later one sees both halves.
   */
  async advanceAck(storeId: string): Promise<number> {
    const state = await this.db.selectFrom('sync_state').select('ack_seq').where('store_id', '=', storeId).executeTakeFirst();
    const stored = state?.ack_seq ?? 0;
    let ack = stored;
    for (;;) {
      const seqs = await this.db
        .selectFrom('sync_events')
        .select('seq')
        .where('store_id', '=', storeId)
        .where('seq', '>', ack)
        .orderBy('seq')
        .limit(ACK_SCAN_CHUNK)
        .execute();
      let gap = false;
      for (const { seq } of seqs) {
        if (seq !== ack + 1) {
          gap = true;
          break;
        }
        ack = seq;
      }
      if (gap || seqs.length < ACK_SCAN_CHUNK) break;
    }
    if (ack > stored) {
      // Never backwards: a slower instance with an older view must not undo a faster one.
      await this.db.updateTable('sync_state').set({ ack_seq: ack }).where('store_id', '=', storeId).where('ack_seq', '<', ack).execute();
    }
    return ack;
  }
}

function toRow(storeId: string, event: SyncEvent, now: number): EventRow {
  const occurredAt = Date.parse(event.occurredAt);
  if (!Number.isFinite(occurredAt)) throw new AppError(400, 'invalid_request', `Event ${event.id} has an occurredAt that is not a date.`);
  const payload = canonicalJson(event.payload);
  return {
    store_id: storeId,
    id: event.id,
    seq: event.seq,
    type: event.type,
    occurred_at: occurredAt,
    payload,
    content_hash: sha256Hex(`${event.seq}\n${event.type}\n${occurredAt}\n${payload}`),
    received_at: now,
  };
}

/** A batch may repeat an event (a station resending); it may not contradict itself. */
function dedupe(rows: EventRow[]): EventRow[] {
  const byId = new Map<string, EventRow>();
  const bySeq = new Map<number, EventRow>();
  for (const row of rows) {
    const sameId = byId.get(row.id);
    if (sameId) {
      if (sameId.content_hash !== row.content_hash) throw conflict(`Event ${row.id} appears twice in this batch with different content.`);
      continue;
    }
    const sameSeq = bySeq.get(row.seq);
    if (sameSeq) throw conflict(`Seq ${row.seq} appears twice in this batch for different events.`);
    byId.set(row.id, row);
    bySeq.set(row.seq, row);
  }
  // One lock order for every writer: overlapping batches in PostgreSQL wait, never deadlock.
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}
