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
/** What is wrong with a field; each has its own message (shop.checkout.errors.<field>.<problem>). */
export type FieldProblem = 'required' | 'invalid' | 'tooShort' | 'tooLong';
export type CheckoutErrors = Partial<Record<CheckoutField, FieldProblem>>;
export const CHECKOUT_FIELDS = ['name', 'contact', 'address'] as const;

// The server's rules (server/store/modules/orders/service.ts, schemas.ts): a phone number in any
// of the ways Koreans write one (010-1234-5678, 01012345678, 02-123-4567, +82 10 1234 5678,
// (02) 123-4567) or an e-mail address, Hangul in it included.
const PHONE = /^\+?[0-9][0-9 ()-]{5,19}$/;
const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$/;
/** Korea's shortest numbers (1588-1234) have 8 digits; fewer is a typo the server would take. */
const PHONE_MIN_DIGITS = 8;
const isPhone = (contact: string): boolean => PHONE.test(contact) && contact.replace(/[^0-9]/g, '').length >= PHONE_MIN_DIGITS;
const LIMITS = { name: 80, contact: 120, address: 300 } as const;
const ADDRESS_MIN = 5;

export function emptyForm(): CheckoutForm {
  return { name: '', contact: '', fulfilment: 'pickup', address: '', payment: 'card' };
}

/**
 * The contact as the server should get it: NFKC turns the full-width digits and signs some Korean
 * keyboards type (０１０－１２３４－５６７８) into ASCII; dots between digit groups become hyphens
 * and an area code's brackets go (the server's rule wants a digit first).
 */
export function normaliseContact(contact: string): string {
  const plain = contact.normalize('NFKC').trim();
  if (!/^[0-9+(][0-9 .()-]*$/.test(plain)) return plain;
  // "(02) 123-4567": the server wants a digit first, so the area code's brackets go.
  return plain
    .replace(/\(\s*/g, '')
    .replace(/\s*\)\s*/g, ' ')
    .replace(/\./g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The field's problem, or null when it is fine. */
export function fieldProblem(form: CheckoutForm, field: CheckoutField): FieldProblem | null {
  switch (field) {
    case 'name': {
      const name = form.name.trim();
      if (name.length === 0) return 'required';
      return name.length > LIMITS.name ? 'tooLong' : null;
    }
    case 'contact': {
      const contact = normaliseContact(form.contact);
      if (contact.length === 0) return 'required';
      if (contact.length > LIMITS.contact) return 'tooLong';
      return isPhone(contact) || EMAIL.test(contact) ? null : 'invalid';
    }
    case 'address': {
      if (form.fulfilment !== 'delivery') return null;
      const address = form.address.trim();
      if (address.length === 0) return 'required';
      if (address.length < ADDRESS_MIN) return 'tooShort';
      return address.length > LIMITS.address ? 'tooLong' : null;
    }
  }
}

export function validateField(form: CheckoutForm, field: CheckoutField): boolean {
  return fieldProblem(form, field) === null;
}

export function validateCheckout(form: CheckoutForm): CheckoutErrors {
  const errors: CheckoutErrors = {};
  for (const field of CHECKOUT_FIELDS) {
    const problem = fieldProblem(form, field);
    if (problem !== null) errors[field] = problem;
  }
  return errors;
}

/** The message key of a field's problem. */
export function problemKey(field: CheckoutField, problem: FieldProblem): string {
  return `shop.checkout.errors.${field}.${problem}`;
}

/** One checkout attempt: the order id and payment token are made once and reused on retry. */
export interface CheckoutAttempt {
  orderId: string;
  token: string;
}

export function buildCheckoutRequest(form: CheckoutForm, attempt: CheckoutAttempt): CheckoutRequest {
  return {
    orderId: attempt.orderId,
    orderer: { name: form.name.trim(), contact: normaliseContact(form.contact) },
    fulfilment:
      form.fulfilment === 'delivery' ? { type: 'delivery', address: form.address.trim() } : { type: 'pickup' },
    payment: { method: form.payment, token: attempt.token },
  };
}

/** Server refusals that point at one field of the form. */
export const FIELD_OF_ERROR: Record<string, { field: CheckoutField; problem: FieldProblem }> = {
  orderer_name_required: { field: 'name', problem: 'required' },
  contact_invalid: { field: 'contact', problem: 'invalid' },
  address_required: { field: 'address', problem: 'tooShort' },
};

/** Where the body schema's paths point (Fastify's 400 says "body/orderer/contact must …"). */
const FIELD_OF_PATH: Record<string, CheckoutField> = {
  'orderer/name': 'name',
  'orderer/contact': 'contact',
  'fulfilment/address': 'address',
};

/**
 * The form fields a server refusal (400) is about: by its code, or for the schema's own
 * `invalid_request` by the body paths its message names (several when Ajv lists all errors).
 * Anything else is not a field's fault and stays in the banner.
 */
export function fieldErrorsOf(error: { status: number; code: string; message: string }): CheckoutErrors {
  if (error.status !== 400) return {};
  const known = FIELD_OF_ERROR[error.code];
  if (known) return { [known.field]: known.problem };
  if (error.code !== 'invalid_request') return {};
  const errors: CheckoutErrors = {};
  for (const match of error.message.matchAll(/body\/((?:orderer|fulfilment)\/[a-z]+)\s+must\s+(NOT have (?:fewer|more))?/g)) {
    const field = FIELD_OF_PATH[match[1]!];
    if (!field || errors[field]) continue;
    const bound = match[2];
    errors[field] = bound?.endsWith('more') ? 'tooLong' : bound?.endsWith('fewer') ? (field === 'address' ? 'tooShort' : 'required') : 'invalid';
  }
  return errors;
}
