// Runs in: renderer (DOM); pure, also unit-tested in node. What the monitor's status strip says
// about the station's link to central (GET /api/staff/status): connection, sync backlog and the
// payments accepted offline against their limit; and, inside the desktop station only, what the
// shell says about the store server itself (the preload bridge's server status).
import type { StoreServerStatus } from '../../electron/shared/bridge-api.js';
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

/** Central refuses signatures from a clock further off than this (MAX_CLOCK_SKEW_MS, server/protocol/signing.ts). */
export const CENTRAL_CLOCK_LIMIT_MS = 5 * 60_000;
/** A drift staff are told of: far beyond what a synchronised PC shows, well before the limit
 * (the server's log warns from the same point: CLOCK_DRIFT_WARN_MS in server/store/sync/clock-drift.ts). */
export const CLOCK_DRIFT_NOTICE_MS = 60_000;

export interface ClockDrift {
  ahead: boolean;
  minutes: number;
  /** danger: past the limit, so central refuses the station and card payments go offline. */
  tone: 'warn' | 'danger';
}

/** The station's clock against central's, when staff should act on it; null otherwise. */
export function clockDrift(status: StaffStatus): ClockDrift | null {
  const offset = status.sync.clockOffsetMs;
  if (offset === null || Math.abs(offset) < CLOCK_DRIFT_NOTICE_MS) return null;
  const size = Math.abs(offset);
  return { ahead: offset > 0, minutes: Math.round(size / 60_000), tone: size > CENTRAL_CLOCK_LIMIT_MS ? 'danger' : 'warn' };
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

/** What IT should do about a store server that gave up, read from its last exit reason. */
export type ServerAdvice = 'port' | 'disk' | 'logs';

export type ServerBanner =
  | { kind: 'restarting'; tone: 'warn'; attempt: number; maxAttempts: number; seconds: number; reason: string | null }
  | { kind: 'starting'; tone: 'warn'; attempt: number; maxAttempts: number }
  | { kind: 'stopped'; tone: 'warn' }
  | { kind: 'failed'; tone: 'danger'; attempts: number; reason: string | null; advice: ServerAdvice };

export function serverAdvice(reason: string | null): ServerAdvice {
  if (reason === null) return 'logs';
  if (/EADDRINUSE|address already in use/i.test(reason)) return 'port';
  if (/ENOSPC|SQLITE_FULL|disk is full|EROFS|SQLITE_READONLY|readonly database|read-only file system|no space left/i.test(reason)) return 'disk';
  return 'logs';
}

/** The status strip's banner for the store server, or null while it runs (or outside the
 * station, where there is no shell to ask). `now` is the page's clock: the shell stamps
 * nextRestartAt with the same machine's clock. */
export function serverBanner(status: StoreServerStatus | null, now: number): ServerBanner | null {
  if (status === null || status.state === 'running') return null;
  const reason = status.lastExit?.reason ?? null;
  switch (status.state) {
    case 'restarting': {
      const seconds = status.nextRestartAt === null ? 0 : Math.max(0, Math.ceil((status.nextRestartAt - now) / 1000));
      return { kind: 'restarting', tone: 'warn', attempt: status.attempt, maxAttempts: status.maxAttempts, seconds, reason };
    }
    case 'starting':
      return { kind: 'starting', tone: 'warn', attempt: status.attempt, maxAttempts: status.maxAttempts };
    case 'failed':
      return { kind: 'failed', tone: 'danger', attempts: status.attempt, reason, advice: serverAdvice(reason) };
    default:
      return { kind: 'stopped', tone: 'warn' };
  }
}
