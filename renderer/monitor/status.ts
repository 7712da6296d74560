// Runs in: renderer (DOM); pure, also unit-tested in node. What the monitor's status strip says
// about the station's link to central (GET /api/staff/status): connection, sync backlog and the
// payments accepted offline against their limit.
import type { StaffStatus } from '../shared/types';

export type StatusTone = 'ok' | 'neutral' | 'warn' | 'danger';

export interface CentralLink {
  kind: 'online' | 'not_registered' | 'retrying' | 'stopped';
  tone: StatusTone;
  /** The server's last error (English, for staff and IT), when it is retrying or stopped. */
  error: string | null;
}

export function centralLink(status: StaffStatus): CentralLink {
  const { sync, payments } = status;
  // Without central nothing can be charged, so nothing can be handed over either.
  if (sync.state === 'not_registered' || !payments.enabled) return { kind: 'not_registered', tone: 'danger', error: null };
  const forwarder = payments.forwarder;
  if (sync.state === 'stopped' || forwarder.state === 'stopped') {
    return { kind: 'stopped', tone: 'danger', error: sync.lastError ?? forwarder.lastError };
  }
  if (sync.state === 'retrying' || forwarder.state === 'retrying') {
    const error = sync.state === 'retrying' ? (sync.lastError ?? forwarder.lastError) : (forwarder.lastError ?? sync.lastError);
    return { kind: 'retrying', tone: 'warn', error };
  }
  return { kind: 'online', tone: 'ok', error: null };
}

/** Events waiting for central: none is fine, a few while online are on their way. */
export function backlogTone(status: StaffStatus): StatusTone {
  if (status.sync.backlog === 0) return 'ok';
  return centralLink(status).kind === 'online' ? 'neutral' : 'warn';
}

/** Share of the offline limit in use, and how worried to be (danger from 80 %). */
export function offlineLoad(offline: StaffStatus['payments']['offline']): { ratio: number; tone: StatusTone } {
  if (offline.outstanding <= 0) return { ratio: 0, tone: 'ok' };
  const ratio = offline.maxOutstanding > 0 ? Math.min(1, offline.outstanding / offline.maxOutstanding) : 1;
  return { ratio, tone: ratio >= 0.8 ? 'danger' : 'warn' };
}
