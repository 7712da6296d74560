// Runs in: renderer (DOM); pure, also unit-tested in node. Orderer contact and address as the
// monitor shows them by default: enough to recognise ("010-****-5678", "k***@example.com",
// "서울 강남구 …"), not enough to copy. The full text comes from an audited request only.

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
