// Runs in: node. The orderer's contact and delivery address as staff screens receive them: enough
// to recognise ("010-****-5678", "k***@example.com", "서울 강남구 ****"), not enough to copy. The
// full text leaves the station only through the audited contact route (staff-routes.ts), so the
// audit trail covers every look, a browser's developer tools included. The monitor shows them as
// they come.
import type { StaffOrder } from '../../schemas.js';

/** A phone number keeps its first group and last 4 digits; an e-mail its first letter and domain. */
export function maskContact(contact: string): string {
  const text = contact.trim();
  const at = text.lastIndexOf('@');
  if (at > 0) return `${text[0]}***${text.slice(at)}`;
  const digits = text.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(Math.max(4, text.length));
  const last = digits.slice(-4);
  const groups = text.split(/[\s-]+/).filter((g) => g.length > 0);
  if (groups.length >= 3) return `${groups[0]}-****-${last}`;
  return `${digits.slice(0, 3)}-****-${last}`;
}

/** An address keeps its first two words (city and district), the rest is hidden. */
export function maskAddress(address: string): string {
  const words = address.trim().split(/\s+/).filter((w) => w.length > 0);
  if (words.length <= 2) return '****';
  return `${words.slice(0, 2).join(' ')} ****`;
}

/** A staff view of an order with the contact and address masked; the name stays (staff call it out at pick-up). */
export function forStaffScreens(order: StaffOrder): StaffOrder {
  return {
    ...order,
    orderer: { ...order.orderer, contact: maskContact(order.orderer.contact) },
    ...(order.fulfilment.address === undefined ? {} : { fulfilment: { ...order.fulfilment, address: maskAddress(order.fulfilment.address) } }),
  };
}

/** Event data on its way to a staff screen: an order in it is masked, anything else passes. */
export function eventForStaffScreens(data: unknown): unknown {
  if (!data || typeof data !== 'object' || !('orderer' in data) || !('fulfilment' in data)) return data;
  return forStaffScreens(data as StaffOrder);
}
