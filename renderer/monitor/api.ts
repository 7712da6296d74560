// Runs in: renderer (DOM). The monitor's calls to the store server (staff cookie, same origin).
import { requestJson } from '../shared/http';
import type {
  ApprovalCatalogue,
  DevicePanel,
  KioskEnrolment,
  KioskInfo,
  OrderHold,
  OrderHistoryEntry,
  OrderSyncState,
  PresenceEvidence,
  StaffApproval,
  StaffOrder,
  StaffOrderList,
  StaffStatus,
  StoreInfo,
} from '../shared/types';

const order = (id: string): string => `/api/staff/orders/${encodeURIComponent(id)}`;

export const staffApi = {
  store: () => requestJson<StoreInfo>('/api/store'),
  session: () => requestJson<{ signedIn: boolean }>('/api/staff/session'),
  signIn: (pin: string) => requestJson<{ signedIn: boolean }>('/api/staff/session', { method: 'POST', body: { pin } }),
  signOut: () => requestJson<void>('/api/staff/session', { method: 'DELETE' }),
  orders: () => requestJson<StaffOrderList>('/api/staff/orders'),
  /** Central link, sync backlog and offline payments; for the status strip only. */
  status: () => requestJson<StaffStatus>('/api/staff/status', { timeoutMs: 8000 }),
  order: (id: string) => requestJson<StaffOrder>(order(id)),
  handOver: (id: string) => requestJson<StaffOrder>(`${order(id)}/hand-over`, { method: 'POST', body: {} }),
  /** The order's audit trail, oldest first. */
  history: (id: string) => requestJson<{ entries: OrderHistoryEntry[]; sync: OrderSyncState }>(`${order(id)}/history`),
  /** The orderer's contact and address unmasked; the station audits each call. */
  revealContact: (id: string) =>
    requestJson<{ name: string; contact: string; address?: string }>(`${order(id)}/contact`, { method: 'POST', body: {} }),
  // A paid order is refunded at central first, which may take a while.
  cancel: (id: string, reason?: string) =>
    requestJson<StaffOrder>(`${order(id)}/cancel`, { method: 'POST', body: reason ? { reason } : {}, timeoutMs: 30_000 }),
  /** The order device's presence proofs and the overrides of its holds. */
  presence: (id: string) => requestJson<PresenceEvidence>(`${order(id)}/presence`),
  /** The order's identity decision, its audited dialogue (never answers) and the shopper's lockout. */
  approval: (id: string) => requestJson<StaffApproval>(`${order(id)}/approval`),
  /** The enrolment catalogue, to word audited questions in the monitor's language. */
  approvalQuestions: () => requestJson<ApprovalCatalogue>('/api/approval/questions'),
  /**
   * Lifts the order's current hold (audited: presence, or an identity hold after an ID check);
   * the order is charged at once, so central may take a while.
   */
  override: (id: string, hold: OrderHold, staffName: string, reason: string) =>
    requestJson<StaffOrder>(`${order(id)}/override`, {
      method: 'POST',
      body: { hold, staffName, reason },
      timeoutMs: 30_000,
    }),
  devices: () => requestJson<DevicePanel>('/api/staff/devices', { timeoutMs: 8000 }),
  kiosks: () => requestJson<{ kiosks: KioskInfo[] }>('/api/staff/kiosks'),
  addKiosk: (id: string, name: string, readerIds: string[]) =>
    requestJson<KioskEnrolment>('/api/staff/kiosks', { method: 'POST', body: { id, name, readerIds } }),
  kioskLink: (id: string) => requestJson<{ link: string }>(`/api/staff/kiosks/${encodeURIComponent(id)}/link`, { method: 'POST', body: {} }),
  removeKiosk: (id: string) => requestJson<void>(`/api/staff/kiosks/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};

/** The hand-over URL, for a keepalive request sent while the page closes. */
export const handOverUrl = (id: string): string => `${order(id)}/hand-over`;

/** The live event stream URL; EventSource adds Last-Event-ID itself when it reconnects. */
export const eventsUrl = (after: number): string => `/api/staff/events?after=${after}`;
