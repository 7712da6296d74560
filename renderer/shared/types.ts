// Runs in: renderer (DOM). Shapes of the store server's JSON API (docs/store-api.md).
export interface StoreInfo {
  storeId: string;
  name: string;
  currency: string;
}

export interface Product {
  sku: string;
  name: string;
  nameEn?: string;
  /** Minor units of `currency` (won, cents). */
  price: number;
  currency: string;
  image?: string;
  rfid: string[];
}

export interface CartLine {
  sku: string;
  name: string;
  nameEn?: string;
  unitPrice: number;
  quantity: number;
  lineTotal: number;
  currency: string;
}

export interface Cart {
  items: CartLine[];
  count: number;
  total: number;
  /** null while the cart is empty. */
  currency: string | null;
}

export type OrderState = 'placed' | 'handed_over' | 'cancelled';
export type PaymentMethod = 'card' | 'easy_pay';
/** Whether the money is in: separate from `OrderState`, which is fulfilment. */
export type PaymentState = 'pending' | 'paid' | 'paid_offline' | 'declined' | 'failed' | 'refunded';

/** What the station knows of how an order was paid: never a full card number. */
export interface OrderPayment {
  method: string;
  /** Lower case as central reports it ("visa", "mastercard", "amex"). */
  brand?: string;
  /** BIN and last 4 at most ("424242******4242"). */
  maskedPan?: string;
}

export interface OrderLine {
  sku: string;
  name: string;
  unitPrice: number;
  quantity: number;
  lineTotal: number;
}

export type Fulfilment = { type: 'pickup' } | { type: 'delivery'; address: string };

export interface Order {
  id: string;
  number: number;
  state: OrderState;
  items: OrderLine[];
  total: number;
  currency: string;
  orderer: { name: string; contact: string };
  fulfilment: { type: 'pickup' | 'delivery'; address?: string };
  payment: OrderPayment;
  paymentState: PaymentState;
  /** With `declined` and `failed`: insufficient_funds, stolen_card, offline_limit, … */
  declineCode?: string;
  /** English text from the server; the apps translate by `declineCode` instead. */
  paymentMessage?: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  updatedAt: string;
  cancelReason?: string;
  /** Placed but not charged until the hold is cleared (by the shopper or a staff override). */
  hold?: OrderHold;
  /** ISO 8601: when the hold started. */
  heldAt?: string;
}

/**
 * Why a placed order waits before it is charged (server/store/schemas.ts OrderHold):
 * presence_mismatch (DESIGN.md "Presence"), then the identity decision (DESIGN.md "Approval
 * dialogue"): approval_pending (the shopper answers questions on the phone), step_up (staff
 * check ID at the counter), approval_denied (the questions failed), approval_locked (2 failed
 * dialogues within 24 h).
 */
export type OrderHold = 'presence_mismatch' | 'approval_pending' | 'step_up' | 'approval_denied' | 'approval_locked';

export interface StaffOrder extends Order {
  deviceId: string;
  /** Holds staff lifted on this order (audited); absent when none. */
  overrides?: OrderHold[];
  /** An ID-check hold whose cause is identity questions that expired unanswered. */
  holdCause?: 'dialogue_expired';
}

export interface CheckoutRequest {
  orderId: string;
  orderer: { name: string; contact: string };
  fulfilment: Fulfilment;
  payment: { method: PaymentMethod; token: string };
}

/** POST /api/orders/:id/pay: another try after a decline or a failure. */
export interface PayRequest {
  payment: { method: PaymentMethod; token: string };
}

export interface SessionResponse {
  sessionId: string;
  token: string;
  resumed?: boolean;
}

/** GET /api/staff/orders/:id/history: whether central has every change of the order yet. */
export interface OrderSyncState {
  /** False while the station is not registered with central: nothing is sent. */
  connected: boolean;
  /** Changes of this order still in the outbox. */
  pending: number;
  oldestPendingAt?: string;
}

/** GET /api/staff/orders/:id/history: one step of an order's audit trail. */
export interface OrderHistoryEntry {
  at: string;
  kind:
    | 'placed'
    | 'paid'
    | 'paid_offline'
    | 'declined'
    | 'failed'
    | 'refunded'
    | 'held'
    | 'hold_cleared'
    | 'override'
    | 'handed_over'
    | 'cancelled'
    | 'contact_viewed';
  hold?: string;
  staffName?: string;
  reason?: string;
}

export interface StaffOrderList {
  orders: StaffOrder[];
  lastEventId: number;
}

export type SyncState = 'not_registered' | 'idle' | 'sending' | 'retrying' | 'stopped';
export type ForwarderState = 'not_registered' | 'idle' | 'working' | 'retrying' | 'stopped';

/** GET /api/staff/status: the station's link to central, for the monitor's status strip. */
export interface StaffStatus {
  storeId: string;
  sync: {
    central: string | null;
    state: SyncState;
    backlog: number;
    lastSeq: number;
    ackedSeq: number;
    oldestPendingAt: string | null;
    lastAckAt: string | null;
    lastError: string | null;
    /** This station's clock minus central's at central's last answer (ms); null before one. */
    clockOffsetMs: number | null;
  };
  payments: {
    enabled: boolean;
    offline: {
      count: number;
      /** Minor units of `currency`, accepted offline and not yet confirmed by central. */
      outstanding: number;
      currency: string;
      maxPerPayment: number;
      maxOutstanding: number;
      expiresAfterHours: number;
      oldestAcceptedAt: string | null;
    };
    forwarder: { state: ForwarderState; lastError: string | null; nextRetryAt: string | null };
  };
  /** The station's own database: a full disk or a read-only / failing file stops checkouts. */
  storage?: { state: 'ok' | 'full' | 'read_only' | 'io_error'; code: string | null; since: string | null; lastFailureAt: string | null };
}

/**
 * `alert.offline_declined` on the staff event stream: a payment accepted offline that central
 * later declined or refused, or that expired unforwarded. The goods may already be gone.
 */
export interface OfflineDeclinedAlert {
  orderId: string;
  number: number;
  amount: number;
  currency: string;
  paymentState: PaymentState;
  declineCode: string | null;
  /** English, for logs; the monitor shows its own text by `declineCode`. */
  message: string;
  offlineAcceptedAt: string | null;
  /** ISO 8601: when the station gave the payment up. */
  at: string;
}

/** How a phone proved it is in the store. */
export type ProofKind = 'ble' | 'kiosk' | 'loyalty';

/** GET /api/presence (and POST /api/presence/pair's `presence`). */
export interface PresenceStatus {
  proximityUuid: string;
  secret: string;
  windowSeconds: number;
  /** A proof from this store within the last 10 minutes. */
  proven: boolean;
  lastProof?: { kind: string; at: string };
}

export interface PairResponse {
  kiosk: { id: string; name: string };
  presence: PresenceStatus;
}

/** A kiosk as the kiosk screen and staff see it. */
export interface KioskInfo {
  id: string;
  name: string;
  readerIds: string[];
  paired: boolean;
}

export type TapResultKind = 'added' | 'loyalty' | 'loyalty_linked' | 'not_paired' | 'unknown' | 'refused';

/** `tap` on the kiosk event stream. */
export interface KioskTap {
  result: TapResultKind;
  sku?: string;
  name?: string;
  code?: string;
  message?: string;
  at: string;
}

export type UnpairReason = 'idle' | 'done' | 'other_kiosk';

/** GET /api/staff/orders/:id/presence. */
export interface PresenceEvidence {
  gate: boolean;
  proven: boolean;
  proofs: { kind: ProofKind; source: string; rssi: number | null; at: string }[];
  overrides: { hold: string; staffName: string; reason: string; at: string }[];
  /** The ordering session's smoothed BLE signal, oldest first, while the radio tracks it. */
  rssiTrend?: { rssi: number; at: string }[];
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

export interface ReaderInfo {
  id: string;
  vendorId: number;
  productId: number;
  product?: string;
  mode: string;
}

/** GET /api/staff/devices. */
export interface DevicePanel {
  radio: RadioStatus | null;
  readers: ReaderInfo[];
  lastTap: { readerId: string; kioskId: string | null; result: string; at: string } | null;
  kiosks: KioskInfo[];
}

/** POST /api/staff/kiosks (201). */
export interface KioskEnrolment {
  kiosk: KioskInfo;
  link: string;
}

/** A text in both UI languages, as the approval routes send questions. */
export interface Bilingual {
  ko: string;
  en: string;
}

/** GET /api/approval/questions: the enrolment catalogue. */
export interface ApprovalCatalogue {
  min: number;
  max: number;
  questions: ({ id: string } & Bilingual)[];
}

/** POST /api/approval/profile: a catalogue question by id, or the shopper's own words. */
export interface EnrolRequest {
  contact: string;
  lang: 'ko' | 'en';
  questions: ({ id: string; answer: string } | { text: string; answer: string })[];
}

export interface EnrolResponse {
  enrolled: true;
  questions: { id: string; text: Bilingual }[];
}

export type DialogueStatus = 'not_started' | 'open' | 'passed' | 'failed' | 'expired';

export interface DialogueChoice {
  /** Sent back as `choice`. */
  id: string;
  label: string;
  labelEn?: string;
}

export interface DialogueQuestion {
  id: string;
  kind: 'enrolled' | 'history';
  text: Bilingual;
  /** The purchase-history question: pick one. */
  choices?: DialogueChoice[];
}

/** GET/POST /api/orders/:id/approval (and its answer and another): the dialogue as the phone sees it. */
export interface ApprovalDialogue {
  orderId: string;
  status: DialogueStatus;
  hold: OrderHold | null;
  paymentState: PaymentState;
  question: DialogueQuestion | null;
  /** 1-based number of the question being asked. */
  questionNumber: number;
  maxQuestions: number;
  passesNeeded: number;
  reasksLeft: number;
  questionsLeft: number;
  /** Open dialogues: when it expires unless answered (ISO 8601). */
  expiresAt: string | null;
  timeoutMinutes: number;
  /** Expired, not started over yet, and the order still payable. */
  canRestart: boolean;
}

export type DecisionOutcome = 'approve' | 'dialogue' | 'step_up' | 'deny';

export interface ApprovalReason {
  code: string;
  /** English, from the server; the monitor shows its own text by `code` when it knows it. */
  message: string;
}

export interface ApprovalTurn {
  turn: number;
  questionId: string;
  /** English wording (the monitor words catalogue questions itself by id). */
  question: string;
  kind: string;
  action: 'answer' | 'reask' | 'expire' | 'restart';
  score: number | null;
  verdict: 'pass' | 'fail' | null;
  judge: string | null;
  /** The engine's answer-free explanations (English). */
  reasons: string[];
  at: string;
}

export interface ApprovalLockout {
  locked: boolean;
  until: string | null;
  failures: { at: string; storeId: string }[];
}

/** GET /api/staff/orders/:id/approval: the risk decision and the audited dialogue (never answers). */
export interface StaffApproval {
  orderId: string;
  hold: OrderHold | null;
  policy: { enabled: boolean; unenrolledMaxAmount: number; judge: string };
  decision: { outcome: DecisionOutcome; hold: OrderHold | null; reasons: ApprovalReason[]; at: string } | null;
  dialogue: {
    status: string;
    expiresAt: string | null;
    timeoutMinutes: number;
    restartsLeft: number;
    answered: number;
    passes: number;
    fails: number;
    reasksLeft: number;
    failureReported: boolean | null;
    startedAt: string;
    updatedAt: string;
    turns: ApprovalTurn[];
  } | null;
  lockout: ApprovalLockout | null;
}
