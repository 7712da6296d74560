// Runs in: renderer (DOM). The kiosk screen's calls to the store server (kiosk cookie, same
// origin); the cookie is set by enrolling with the token of the kiosk's link.
import { requestJson } from '../shared/http';
import type { KioskInfo, StoreInfo } from '../shared/types';

export const kioskApi = {
  store: () => requestJson<StoreInfo>('/api/store'),
  /** Sets the kiosk cookie; 401 kiosk_link_invalid for a revoked or mistyped link. */
  enrol: (token: string) => requestJson<KioskInfo>('/api/kiosk/session', { method: 'POST', body: { token } }),
  /** 401 kiosk_required when this screen is not (or no longer) enrolled. */
  session: () => requestJson<KioskInfo>('/api/kiosk/session'),
  unpair: (reason: 'done' | 'idle') => requestJson<void>('/api/kiosk/unpair', { method: 'POST', body: { reason } }),
};

/** Same origin with the cookie: EventSource works and reconnects by itself. */
export const KIOSK_EVENTS_URL = '/api/kiosk/events';
