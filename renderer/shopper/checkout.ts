// Runs in: renderer (DOM); pure, also unit-tested in node. Checkout form rules (the same as
// the server's) and the request body built from the form.
import type { CheckoutRequest, PaymentMethod } from '../shared/types';

export interface CheckoutForm {
  name: string;
  contact: string;
  fulfilment: 'pickup' | 'delivery';
  address: string;
  payment: PaymentMethod;
}

export type CheckoutField = 'name' | 'contact' | 'address';
export type CheckoutErrors = Partial<Record<CheckoutField, true>>;

const PHONE = /^\+?[0-9][0-9 ()-]{5,19}$/;
const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$/;

export function emptyForm(): CheckoutForm {
  return { name: '', contact: '', fulfilment: 'pickup', address: '', payment: 'card' };
}

export function validateField(form: CheckoutForm, field: CheckoutField): boolean {
  switch (field) {
    case 'name': {
      const name = form.name.trim();
      return name.length >= 1 && name.length <= 80;
    }
    case 'contact': {
      const contact = form.contact.trim();
      return contact.length >= 3 && contact.length <= 120 && (PHONE.test(contact) || EMAIL.test(contact));
    }
    case 'address': {
      if (form.fulfilment !== 'delivery') return true;
      const address = form.address.trim();
      return address.length >= 5 && address.length <= 300;
    }
  }
}

export function validateCheckout(form: CheckoutForm): CheckoutErrors {
  const errors: CheckoutErrors = {};
  for (const field of ['name', 'contact', 'address'] as const) {
    if (!validateField(form, field)) errors[field] = true;
  }
  return errors;
}

/** One checkout attempt: the order id and payment token are made once and reused on retry. */
export interface CheckoutAttempt {
  orderId: string;
  token: string;
}

export function buildCheckoutRequest(form: CheckoutForm, attempt: CheckoutAttempt): CheckoutRequest {
  return {
    orderId: attempt.orderId,
    orderer: { name: form.name.trim(), contact: form.contact.trim() },
    fulfilment:
      form.fulfilment === 'delivery' ? { type: 'delivery', address: form.address.trim() } : { type: 'pickup' },
    payment: { method: form.payment, token: attempt.token },
  };
}

/** Server refusals that point at one field of the form. */
export const FIELD_OF_ERROR: Record<string, CheckoutField> = {
  orderer_name_required: 'name',
  contact_invalid: 'contact',
  address_required: 'address',
};
