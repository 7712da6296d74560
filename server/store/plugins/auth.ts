// Runs in: node. Who is calling: a shopper (bearer token + device id) or staff (session cookie).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { ShopperIdentity } from '../modules/sessions/repository.js';
import type { StationContext } from '../context.js';
import type { Kiosk } from '../modules/presence/kiosks.js';

export const STAFF_COOKIE = 'omni_staff';
export const KIOSK_COOKIE = 'omni_kiosk';
export const DEVICE_HEADER = 'x-device-id';

declare module 'fastify' {
  interface FastifyRequest {
    shopper: ShopperIdentity | null;
    kiosk: Kiosk | null;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return undefined;
  return header.slice('Bearer '.length).trim() || undefined;
}

export function deviceId(request: FastifyRequest): string | undefined {
  const value = request.headers[DEVICE_HEADER];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function identifyShopper(ctx: StationContext, request: FastifyRequest): ShopperIdentity | null {
  const token = bearerToken(request);
  const device = deviceId(request);
  if (!token || !device) return null;
  return ctx.sessions.authenticate(token, device, ctx.clock.now());
}

export function requireShopper(ctx: StationContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const shopper = identifyShopper(ctx, request);
    if (!shopper) {
      throw new AppError(401, 'session_required', 'Start a shopping session first.');
    }
    request.shopper = shopper;
  };
}

export function requireStaff(ctx: StationContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = request.cookies[STAFF_COOKIE];
    if (!token || !ctx.staff.isValid(token, ctx.clock.now())) {
      throw new AppError(401, 'staff_required', 'Sign in with the staff PIN.');
    }
  };
}

/** A kiosk enrolled from its link: its cookie names it (the kiosk screen has no staff session). */
export function requireKiosk(ctx: StationContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = request.cookies[KIOSK_COOKIE];
    const kiosk = token ? ctx.kiosks.authenticate(token) : undefined;
    if (!kiosk) throw new AppError(401, 'kiosk_required', 'This screen is not enrolled as a kiosk. Staff: open the kiosk link from the monitor.');
    request.kiosk = kiosk;
  };
}
