// Runs in: node. Versioned schema of the station database; each entry runs once, in order,
// inside one transaction, and bumps PRAGMA user_version. Never edit a shipped migration.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'catalogue, sessions, carts, orders, events',
    sql: `
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE products (
        sku        TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        price      INTEGER NOT NULL CHECK (price >= 0),
        currency   TEXT NOT NULL CHECK (length(currency) = 3),
        image      TEXT,
        extra      TEXT NOT NULL DEFAULT '{}',
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE product_tags (
        tag TEXT PRIMARY KEY,
        sku TEXT NOT NULL REFERENCES products(sku) ON DELETE CASCADE
      ) STRICT;
      CREATE INDEX product_tags_sku ON product_tags(sku);

      CREATE TABLE shopper_sessions (
        id           TEXT PRIMARY KEY,
        token_hash   TEXT NOT NULL UNIQUE,
        device_id    TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE cart_items (
        session_id TEXT NOT NULL REFERENCES shopper_sessions(id) ON DELETE CASCADE,
        sku        TEXT NOT NULL REFERENCES products(sku),
        quantity   INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
        added_at   INTEGER NOT NULL,
        PRIMARY KEY (session_id, sku)
      ) STRICT;

      CREATE TABLE orders (
        id               TEXT PRIMARY KEY,
        number           INTEGER NOT NULL UNIQUE,
        session_id       TEXT NOT NULL REFERENCES shopper_sessions(id),
        device_id        TEXT NOT NULL,
        state            TEXT NOT NULL CHECK (state IN ('placed', 'handed_over', 'cancelled')),
        total            INTEGER NOT NULL CHECK (total >= 0),
        currency         TEXT NOT NULL,
        orderer_name     TEXT NOT NULL,
        orderer_contact  TEXT NOT NULL,
        fulfilment       TEXT NOT NULL CHECK (fulfilment IN ('pickup', 'delivery')),
        delivery_address TEXT,
        payment_method   TEXT NOT NULL,
        payment_token    TEXT NOT NULL,
        request_hash     TEXT NOT NULL,
        cancel_reason    TEXT,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX orders_session ON orders(session_id, created_at);
      CREATE INDEX orders_state ON orders(state, created_at);

      CREATE TABLE order_items (
        order_id   TEXT NOT NULL REFERENCES orders(id),
        line       INTEGER NOT NULL,
        sku        TEXT NOT NULL,
        name       TEXT NOT NULL,
        unit_price INTEGER NOT NULL,
        quantity   INTEGER NOT NULL,
        PRIMARY KEY (order_id, line)
      ) STRICT;

      CREATE TABLE staff_sessions (
        token_hash TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;

      -- The monitor's event stream: ids are the SSE ids a reconnecting monitor resumes from.
      CREATE TABLE events (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        type       TEXT NOT NULL,
        order_id   TEXT,
        payload    TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'outbox for central sync',
    sql: `
      -- Every order and payment change, in the transaction of the change itself, waiting to be
      -- sent to central. seq is the per-store sequence central acknowledges contiguously.
      CREATE TABLE outbox (
        seq         INTEGER PRIMARY KEY,
        id          TEXT NOT NULL UNIQUE,
        type        TEXT NOT NULL,
        payload     TEXT NOT NULL,
        occurred_at INTEGER NOT NULL,
        acked_at    INTEGER
      ) STRICT;
      CREATE INDEX outbox_unacked ON outbox(seq) WHERE acked_at IS NULL;
    `,
  },
  {
    version: 3,
    name: 'cart lines in the order they were added, without a sort',
    sql: `
      CREATE INDEX cart_items_by_time ON cart_items(session_id, added_at, sku);
    `,
  },
  {
    version: 4,
    name: 'English product names as a column',
    sql: `
      -- Copied from extra.name_en by the catalogue repository: every cart view reads it, and
      -- json_extract per line was a fifth of a scan's query time.
      ALTER TABLE products ADD COLUMN name_en TEXT;
      UPDATE products SET name_en = json_extract(extra, '$.name_en')
        WHERE json_type(extra, '$.name_en') = 'text' AND json_extract(extra, '$.name_en') <> '';
    `,
  },
  {
    version: 5,
    name: 'payments',
    sql: `
      -- One payment per order, moved through central. Never card data: the acquirer's token,
      -- the brand and a masked PAN (BIN + last 4) as central reports them.
      -- attempts counts the attempts started (each has its own Idempotency-Key at central);
      -- settled_attempt is the one whose outcome state shows, so attempts > settled_attempt is an
      -- attempt whose answer never arrived (the station stopped mid-call) and must be resumed.
      -- outcome_unknown: the settled attempt timed out, so central may still have completed it.
      CREATE TABLE payments (
        id                  TEXT PRIMARY KEY,
        order_id            TEXT NOT NULL UNIQUE REFERENCES orders(id),
        amount              INTEGER NOT NULL CHECK (amount >= 0),
        currency            TEXT NOT NULL CHECK (length(currency) = 3),
        method              TEXT NOT NULL,
        token_ref           TEXT NOT NULL,
        state               TEXT NOT NULL CHECK (state IN
                              ('pending', 'paid', 'paid_offline', 'declined', 'failed', 'refunded')),
        central_payment_id  TEXT,
        brand               TEXT,
        masked_pan          TEXT,
        decline_code        TEXT,
        decline_message     TEXT,
        offline_accepted_at INTEGER,
        attempts            INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        settled_attempt     INTEGER NOT NULL DEFAULT 0 CHECK (settled_attempt <= attempts),
        outcome_unknown     INTEGER NOT NULL DEFAULT 0 CHECK (outcome_unknown IN (0, 1)),
        created_at          INTEGER NOT NULL,
        updated_at          INTEGER NOT NULL
      ) STRICT;
      -- The forwarder's and the offline limit's working set stays small and indexed.
      CREATE INDEX payments_offline ON payments(offline_accepted_at) WHERE state = 'paid_offline';
      CREATE INDEX payments_open ON payments(order_id) WHERE attempts > settled_attempt;

      -- Orders placed before payments existed were never charged: they stay pending.
      INSERT INTO payments (id, order_id, amount, currency, method, token_ref, state, created_at, updated_at)
        SELECT lower(hex(randomblob(16))), id, total, currency, payment_method, payment_token, 'pending',
               created_at, updated_at
        FROM orders;
    `,
  },
  {
    version: 6,
    name: 'cart lines sorted in memory instead of by a second index',
    sql: `
      -- A cart has a handful of lines: sorting them in JS is cheaper than keeping a second
      -- B-tree up to date on every scan.
      DROP INDEX cart_items_by_time;
    `,
  },
  {
    version: 7,
    name: 'presence: proofs, kiosks, loyalty cards, payment holds and staff overrides',
    sql: `
      -- The secret behind a session's rolling BLE codes (DESIGN.md "Presence"); made on first use.
      ALTER TABLE shopper_sessions ADD COLUMN presence_secret BLOB;

      -- Every proof that a device was in this store: a BLE observation above the RSSI threshold,
      -- a kiosk pairing or a loyalty-card tap. The device-match gate reads the newest per device.
      CREATE TABLE presence_proofs (
        id         INTEGER PRIMARY KEY,
        device_id  TEXT NOT NULL,
        session_id TEXT,
        kind       TEXT NOT NULL CHECK (kind IN ('ble', 'kiosk', 'loyalty')),
        source     TEXT NOT NULL,
        rssi       REAL,
        at         INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX presence_proofs_by_device ON presence_proofs(device_id, at);

      -- Kiosks authenticate with a token from their link; the pairing (at most one shopper at a
      -- time) lives here so a restarted station still knows whose cart a tap fills.
      CREATE TABLE kiosks (
        id                TEXT PRIMARY KEY,
        name              TEXT NOT NULL,
        token_hash        TEXT NOT NULL UNIQUE,
        reader_ids        TEXT NOT NULL DEFAULT '[]',
        created_at        INTEGER NOT NULL,
        revoked_at        INTEGER,
        paired_session_id TEXT REFERENCES shopper_sessions(id) ON DELETE SET NULL,
        paired_at         INTEGER,
        last_activity_at  INTEGER
      ) STRICT;

      -- A loyalty card belongs to the device that linked it at a kiosk; its tap proves presence.
      CREATE TABLE loyalty_cards (
        tag       TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        linked_at INTEGER NOT NULL
      ) STRICT;

      -- Why a placed order waits before it is charged (presence_mismatch; the approval engine
      -- adds its own reasons). Checked in code, so later reasons need no table rebuild.
      ALTER TABLE orders ADD COLUMN hold TEXT;
      ALTER TABLE orders ADD COLUMN held_at INTEGER;
      CREATE INDEX orders_held ON orders(hold) WHERE hold IS NOT NULL;

      -- Staff overrides of a hold: who (the name staff give; the PIN is shared), when and why.
      CREATE TABLE order_overrides (
        id         INTEGER PRIMARY KEY,
        order_id   TEXT NOT NULL REFERENCES orders(id),
        hold       TEXT NOT NULL,
        staff_name TEXT NOT NULL,
        reason     TEXT NOT NULL,
        at         INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 8,
    name: 'approval: dialogues, their audited turns and risk decisions',
    sql: `
      -- One identity dialogue per order (DESIGN.md "Approval dialogue"). state is the pure state
      -- machine's JSON: question ids, counts and, for purchase-history questions, the options.
      -- Answers are never stored, here or anywhere on the station.
      CREATE TABLE approval_dialogues (
        order_id        TEXT PRIMARY KEY REFERENCES orders(id),
        status          TEXT NOT NULL CHECK (status IN ('open', 'passed', 'failed')),
        state           TEXT NOT NULL,
        -- A failed dialogue is reported to central (chain-wide lockout); 0 until central took it.
        failure_sent    INTEGER NOT NULL DEFAULT 0 CHECK (failure_sent IN (0, 1)),
        started_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
      ) STRICT;

      -- Every turn, audited for staff: question id, score and verdict; never the answer.
      CREATE TABLE approval_turns (
        id            INTEGER PRIMARY KEY,
        order_id      TEXT NOT NULL REFERENCES orders(id),
        turn          INTEGER NOT NULL,
        question_id   TEXT NOT NULL,
        question_kind TEXT NOT NULL CHECK (question_kind IN ('enrolled', 'history')),
        action        TEXT NOT NULL CHECK (action IN ('answer', 'reask')),
        score         REAL,
        verdict       TEXT CHECK (verdict IN ('pass', 'fail')),
        judge         TEXT,
        -- The engine's short explanations (JSON array), answer-free by its contract.
        reasons       TEXT NOT NULL DEFAULT '[]',
        at            INTEGER NOT NULL,
        UNIQUE (order_id, turn)
      ) STRICT;

      -- The latest risk decision of an order and its reasons (JSON), as staff see it on the
      -- monitor, kept so the reasons stay readable when central is away.
      CREATE TABLE approval_decisions (
        order_id TEXT PRIMARY KEY REFERENCES orders(id),
        outcome  TEXT NOT NULL CHECK (outcome IN ('approve', 'dialogue', 'step_up', 'deny')),
        hold     TEXT,
        reasons  TEXT NOT NULL,
        at       INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 9,
    name: 'catalogue version counter for the carts kept in memory',
    sql: `
      -- Carts are served from memory (the scan is the station's hottest path) and priced from
      -- products cached beside them. Any write to products, from this process or another (the
      -- CLI import runs while the station serves), bumps this counter, so one read of it tells
      -- the server whether its cached prices are still the catalogue's.
      CREATE TABLE catalogue_version (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL
      ) STRICT;
      INSERT INTO catalogue_version (id, version) VALUES (1, 0);
      CREATE TRIGGER products_inserted AFTER INSERT ON products
        BEGIN UPDATE catalogue_version SET version = version + 1; END;
      CREATE TRIGGER products_updated AFTER UPDATE ON products
        BEGIN UPDATE catalogue_version SET version = version + 1; END;
      CREATE TRIGGER products_deleted AFTER DELETE ON products
        BEGIN UPDATE catalogue_version SET version = version + 1; END;
    `,
  },
  {
    version: 10,
    name: 'order audit trail: staff looking at orderer contact, events by order',
    sql: `
      -- Staff actions on an order that leave no other row: showing the orderer's contact and
      -- address, which the monitor masks until staff ask (who looked, and when, is audited).
      CREATE TABLE order_audit (
        id       INTEGER PRIMARY KEY,
        order_id TEXT NOT NULL REFERENCES orders(id),
        action   TEXT NOT NULL CHECK (action IN ('contact_viewed')),
        at       INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX order_audit_by_order ON order_audit (order_id, at);
      -- An order's history is read from its stored events.
      CREATE INDEX events_by_order ON events (order_id, id);
    `,
  },
  {
    version: 11,
    name: 'approval: dialogues expire unanswered and may start over once',
    sql: `
      -- SQLite cannot widen a CHECK in place: both tables are rebuilt with the same columns, the
      -- new dialogue status 'expired' and the audited actions 'expire' and 'restart' (neither has
      -- an answer, a score or a verdict). Nothing references these tables.
      CREATE TABLE approval_dialogues_v11 (
        order_id        TEXT PRIMARY KEY REFERENCES orders(id),
        status          TEXT NOT NULL CHECK (status IN ('open', 'passed', 'failed', 'expired')),
        state           TEXT NOT NULL,
        failure_sent    INTEGER NOT NULL DEFAULT 0 CHECK (failure_sent IN (0, 1)),
        started_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
      ) STRICT;
      INSERT INTO approval_dialogues_v11 SELECT order_id, status, state, failure_sent, started_at, updated_at FROM approval_dialogues;
      DROP TABLE approval_dialogues;
      ALTER TABLE approval_dialogues_v11 RENAME TO approval_dialogues;
      -- The expiry timer looks for open dialogues by their last turn.
      CREATE INDEX approval_dialogues_open ON approval_dialogues (updated_at) WHERE status = 'open';

      CREATE TABLE approval_turns_v11 (
        id            INTEGER PRIMARY KEY,
        order_id      TEXT NOT NULL REFERENCES orders(id),
        turn          INTEGER NOT NULL,
        question_id   TEXT NOT NULL,
        question_kind TEXT NOT NULL CHECK (question_kind IN ('enrolled', 'history')),
        action        TEXT NOT NULL CHECK (action IN ('answer', 'reask', 'expire', 'restart')),
        score         REAL,
        verdict       TEXT CHECK (verdict IN ('pass', 'fail')),
        judge         TEXT,
        reasons       TEXT NOT NULL DEFAULT '[]',
        at            INTEGER NOT NULL,
        UNIQUE (order_id, turn)
      ) STRICT;
      INSERT INTO approval_turns_v11 SELECT id, order_id, turn, question_id, question_kind, action, score, verdict, judge, reasons, at FROM approval_turns;
      DROP TABLE approval_turns;
      ALTER TABLE approval_turns_v11 RENAME TO approval_turns;
    `,
  },
  {
    version: 12,
    name: 'cancelled orders by the time of their cancellation',
    sql: `
      -- The Z-report counts cancellations on the day they happened (updated_at); without this it
      -- read every cancelled order the station ever had.
      CREATE INDEX orders_cancelled_at ON orders (updated_at) WHERE state = 'cancelled';
    `,
  },
  {
    version: 13,
    name: 'cart lines clustered by their key',
    sql: `
      -- A scan writes one cart line. As a rowid table with a separate index for its key, each new
      -- line changed two B-trees: ~9.8 KB of WAL a scan at 2,000 scans/s, all of it copied again
      -- by the checkpoints. Keyed by (session_id, sku) itself, one B-tree: ~5.9 KB. Same columns
      -- and constraints; nothing references this table.
      CREATE TABLE cart_items_v13 (
        session_id TEXT NOT NULL REFERENCES shopper_sessions(id) ON DELETE CASCADE,
        sku        TEXT NOT NULL REFERENCES products(sku),
        quantity   INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
        added_at   INTEGER NOT NULL,
        PRIMARY KEY (session_id, sku)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO cart_items_v13 SELECT session_id, sku, quantity, added_at FROM cart_items;
      DROP TABLE cart_items;
      ALTER TABLE cart_items_v13 RENAME TO cart_items;
    `,
  },
];
