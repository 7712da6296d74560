// Runs in: node (vitest). Shopper rules that need no browser: which scanned texts are labels,
// checkout validation and the request body (same id and token on every retry).
import { describe, expect, it } from 'vitest';
import { labelCode } from '../../renderer/shopper/label';
import { buildCheckoutRequest, emptyForm, fieldErrorsOf, normaliseContact, problemKey, validateCheckout } from '../../renderer/shopper/checkout';
import { en } from '../../renderer/shared/messages/en';
import { ko } from '../../renderer/shared/messages/ko';
import { randomUuid, testPaymentToken } from '../../renderer/shared/ids';

describe('labelCode', () => {
  it('turns a label URL or path into the code to send', () => {
    expect(labelCode('https://station.example/q/DEMO-1/SKU-1?s=abcdefghijklmnop')).toBe(
      '/q/DEMO-1/SKU-1?s=abcdefghijklmnop',
    );
    expect(labelCode('  /q/DEMO-1/a.b_c-d?s=x  ')).toBe('/q/DEMO-1/a.b_c-d?s=x');
    // The server judges signature and store; a label without one is still sent (and refused there).
    expect(labelCode('http://10.0.0.5:8080/q/OTHER-9/SKU')).toBe('/q/OTHER-9/SKU');
  });

  it('refuses texts that are not labels', () => {
    expect(labelCode('hello world')).toBeNull();
    expect(labelCode('https://example.com/')).toBeNull();
    expect(labelCode('https://example.com/q/DEMO-1')).toBeNull();
    expect(labelCode('WIFI:S:shop;T:WPA;P:secret;;')).toBeNull();
    expect(labelCode('javascript:alert(1)//q/A/B')).toBeNull();
  });
});

describe('checkout form', () => {
  it('needs a name and a phone number or e-mail address', () => {
    expect(validateCheckout(emptyForm())).toEqual({ name: 'required', contact: 'required' });
    const form = { ...emptyForm(), name: '김민수', contact: '010-1234-5678' };
    expect(validateCheckout(form)).toEqual({});
    expect(validateCheckout({ ...form, contact: 'minsu@example.com' })).toEqual({});
    expect(validateCheckout({ ...form, contact: 'call me' })).toEqual({ contact: 'invalid' });
    expect(validateCheckout({ ...form, name: '   ' })).toEqual({ name: 'required' });
    expect(validateCheckout({ ...form, name: '김'.repeat(81) })).toEqual({ name: 'tooLong' });
  });

  it('needs an address only for delivery', () => {
    const form = { ...emptyForm(), name: 'Kim', contact: '+82 10 1234 5678', fulfilment: 'delivery' as const };
    expect(validateCheckout(form)).toEqual({ address: 'required' });
    expect(validateCheckout({ ...form, address: '  부산  ' })).toEqual({ address: 'tooShort' });
    expect(validateCheckout({ ...form, address: '서울시 중구 세종대로 110' })).toEqual({});
    expect(validateCheckout({ ...form, fulfilment: 'pickup' })).toEqual({});
    // An address typed before switching back to pick-up is not checked (nor sent).
    expect(validateCheckout({ ...form, fulfilment: 'pickup', address: 'x' })).toEqual({});
  });

  it('accepts Korean phone numbers as people write them, and e-mail addresses', () => {
    const form = { ...emptyForm(), name: '김민수' };
    for (const contact of [
      '010-1234-5678',
      '01012345678',
      '010 1234 5678',
      '010.1234.5678',
      '02-123-4567',
      '(02) 123-4567',
      '031-123-4567',
      '1588-1234',
      '+82 10-1234-5678',
      '+821012345678',
      '０１０－１２３４－５６７８',
      'minsu@example.com',
      'min.su+shop@mail.example.co.kr',
      '민수@예시.한국',
    ]) {
      expect(validateCheckout({ ...form, contact }), contact).toEqual({});
    }
    for (const contact of ['010', '010-12', 'minsu@', '@example.com', 'minsu@example', '010-1234-5678 ext', 'call me', '0'.repeat(25)]) {
      expect(validateCheckout({ ...form, contact }).contact, contact).toBe('invalid');
    }
    expect(validateCheckout({ ...form, contact: `${'a'.repeat(60)}@${'b'.repeat(60)}.com` }).contact).toBe('tooLong');
  });

  it('sends phone numbers in the form the server accepts', () => {
    expect(normaliseContact(' ０１０－１２３４－５６７８ ')).toBe('010-1234-5678');
    expect(normaliseContact('010.1234.5678')).toBe('010-1234-5678');
    expect(normaliseContact('010  1234   5678')).toBe('010 1234 5678');
    expect(normaliseContact('(02) 123-4567')).toBe('02 123-4567');
    // E-mail addresses keep their dots.
    expect(normaliseContact(' min.su@example.co.kr ')).toBe('min.su@example.co.kr');
    // The server's own rule (server/store/modules/orders/service.ts) accepts what the form sends.
    const SERVER_PHONE = /^\+?[0-9][0-9 ()-]{5,19}$/;
    for (const typed of ['010.1234.5678', '０１０ １２３４ ５６７８', '+82 (10) 1234-5678']) {
      expect(normaliseContact(typed)).toMatch(SERVER_PHONE);
    }
  });

  it('has a Korean and an English message for every problem of every field', () => {
    const problems = ['required', 'invalid', 'tooShort', 'tooLong'] as const;
    for (const field of ['name', 'contact', 'address'] as const) {
      for (const problem of problems) {
        const [, , , f, p] = problemKey(field, problem).split('.');
        expect(en.shop.checkout.errors[f as typeof field][p as typeof problem]).toMatch(/\S/);
        expect(ko.shop.checkout.errors[f as typeof field][p as typeof problem]).toMatch(/[가-힣]/);
      }
    }
  });

  it('maps the server refusals of a field onto that field', () => {
    const refusal = (code: string, message = '', status = 400) => ({ status, code, message });
    expect(fieldErrorsOf(refusal('contact_invalid', 'Give a phone number or an e-mail address.'))).toEqual({ contact: 'invalid' });
    expect(fieldErrorsOf(refusal('orderer_name_required'))).toEqual({ name: 'required' });
    expect(fieldErrorsOf(refusal('address_required'))).toEqual({ address: 'tooShort' });
    // The body schema's refusals name the path (Fastify + Ajv), one or several.
    expect(fieldErrorsOf(refusal('invalid_request', 'body/orderer/name must NOT have more than 80 characters'))).toEqual({ name: 'tooLong' });
    expect(fieldErrorsOf(refusal('invalid_request', 'body/fulfilment/address must NOT have fewer than 5 characters'))).toEqual({ address: 'tooShort' });
    expect(fieldErrorsOf(refusal('invalid_request', 'body/orderer/contact must NOT have fewer than 3 characters, body/orderer/name must be string'))).toEqual({
      contact: 'required',
      name: 'invalid',
    });
    // Not a field's fault: stays in the banner.
    expect(fieldErrorsOf(refusal('invalid_request', 'body/payment/token must match pattern'))).toEqual({});
    expect(fieldErrorsOf(refusal('cart_empty', 'The cart is empty.', 409))).toEqual({});
    expect(fieldErrorsOf(refusal('contact_invalid', '', 409))).toEqual({});
    expect(fieldErrorsOf(refusal('internal', 'body/orderer/name', 500))).toEqual({});
  });

  it('builds the same body for the same attempt', () => {
    const attempt = { orderId: randomUuid(), token: testPaymentToken() };
    const form = { ...emptyForm(), name: ' Kim ', contact: '010-1234-5678 ', payment: 'easy_pay' as const };
    const first = buildCheckoutRequest(form, attempt);
    expect(buildCheckoutRequest({ ...form }, attempt)).toEqual(first);
    expect(first).toEqual({
      orderId: attempt.orderId,
      orderer: { name: 'Kim', contact: '010-1234-5678' },
      fulfilment: { type: 'pickup' },
      payment: { method: 'easy_pay', token: attempt.token },
    });
    const delivery = buildCheckoutRequest({ ...form, fulfilment: 'delivery', address: ' 부산 ' }, attempt);
    expect(delivery.fulfilment).toEqual({ type: 'delivery', address: '부산' });
  });
});

describe('ids', () => {
  it('makes v4 UUIDs and tokens that never look like card numbers', () => {
    expect(randomUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (let i = 0; i < 200; i++) {
      const token = testPaymentToken();
      expect(token).toMatch(/^tok_test_[A-Za-z]{24}$/);
      expect(token).not.toMatch(/[0-9]{13,19}/);
    }
  });
});
