// Runs in: renderer (DOM). The shopper's calls to the store server; every call carries the
// session token and device id, and a 401 renews the session once and retries.
import { ApiError, requestJson, type RequestOptions } from '../shared/http';
import type { ScanAnswer } from './cart-patch';
import type {
  ApprovalCatalogue,
  ApprovalDialogue,
  Cart,
  CheckoutRequest,
  EnrolRequest,
  EnrolResponse,
  Order,
  PairResponse,
  PayRequest,
  PresenceStatus,
  StoreInfo,
} from '../shared/types';
import { useSessionStore } from './stores/session';

async function shopperRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const session = useSessionStore();
  await session.ensure();
  try {
    return await requestJson<T>(path, { ...options, headers: { ...options.headers, ...session.authHeaders() } });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    // A 401 means the request was refused before anything happened, so a retry is safe.
    await session.renew();
    return requestJson<T>(path, { ...options, headers: { ...options.headers, ...session.authHeaders() } });
  }
}


const item = (sku: string): string => `/api/cart/items/${encodeURIComponent(sku)}`;
const approval = (id: string): string => `/api/orders/${encodeURIComponent(id)}/approval`;

export const shopperApi = {
  store: () => requestJson<StoreInfo>('/api/store'),
  cart: () => shopperRequest<Cart>('/api/cart'),
  scan: (code: string) => shopperRequest<ScanAnswer>('/api/cart/scan', { method: 'POST', body: { code } }),
  addItem: (sku: string, quantity = 1) =>
    shopperRequest<Cart>('/api/cart/items', { method: 'POST', body: { sku, quantity } }),
  setQuantity: (sku: string, quantity: number) =>
    shopperRequest<Cart>(item(sku), { method: 'PUT', body: { quantity } }),
  removeItem: (sku: string) => shopperRequest<Cart>(item(sku), { method: 'DELETE' }),
  placeOrder: (request: CheckoutRequest) =>
    shopperRequest<Order>('/api/orders', { method: 'POST', body: request, timeoutMs: 30_000 }),
  /** Another try after a decline or a failure; central may take a few seconds to answer. */
  pay: (id: string, request: PayRequest) =>
    shopperRequest<Order>(`/api/orders/${encodeURIComponent(id)}/pay`, { method: 'POST', body: request, timeoutMs: 30_000 }),
  orders: () => shopperRequest<{ orders: Order[] }>('/api/orders'),
  order: (id: string) => shopperRequest<Order>(`/api/orders/${encodeURIComponent(id)}`),
  presence: () => shopperRequest<PresenceStatus>('/api/presence'),
  /** Single use: a code that expired or was used answers 409 pairing_code_invalid. */
  pair: (kioskId: string, nonce: string) =>
    shopperRequest<PairResponse>('/api/presence/pair', { method: 'POST', body: { kioskId, nonce } }),
  /** The enrolment question catalogue (public). */
  approvalQuestions: () => requestJson<ApprovalCatalogue>('/api/approval/questions'),
  /** Enrols identity questions at central; answers travel in the body only, never kept here. */
  enrol: (request: EnrolRequest) =>
    shopperRequest<EnrolResponse>('/api/approval/profile', { method: 'POST', body: request, timeoutMs: 30_000 }),
  dialogue: (id: string) => shopperRequest<ApprovalDialogue>(approval(id)),
  /** Starts the dialogue of an order held approval_pending (or answers the open one). */
  startDialogue: (id: string) => shopperRequest<ApprovalDialogue>(approval(id), { method: 'POST', timeoutMs: 30_000 }),
  /** Scored by the station's model; a deciding answer also charges the order before it returns. */
  answer: (id: string, body: { questionId: string; answer: string } | { questionId: string; choice: string }) =>
    shopperRequest<ApprovalDialogue>(`${approval(id)}/answer`, { method: 'POST', body, timeoutMs: 30_000 }),
  another: (id: string, questionId: string) =>
    shopperRequest<ApprovalDialogue>(`${approval(id)}/another`, { method: 'POST', body: { questionId } }),
  /** After the dialogue expired unanswered: new questions, once per order. */
  restartDialogue: (id: string) => shopperRequest<ApprovalDialogue>(`${approval(id)}/restart`, { method: 'POST', timeoutMs: 30_000 }),
};

/** The shopper's live feed (read with fetch: it needs the session headers). */
export const SHOPPER_EVENTS_URL = '/api/shopper/events';
