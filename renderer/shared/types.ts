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

export interface ScanResult {
  cart: Cart;
  product: Product;
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
}

export interface StaffOrder extends Order {
  deviceId: string;
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
