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
  payment: { method: string };
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

export interface SessionResponse {
  sessionId: string;
  token: string;
  resumed?: boolean;
}

export interface StaffOrderList {
  orders: StaffOrder[];
  lastEventId: number;
}
