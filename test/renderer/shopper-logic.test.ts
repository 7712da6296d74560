// Runs in: node (vitest). Shopper rules that need no browser: which scanned texts are labels,
// checkout validation and the request body (same id and token on every retry).
import { describe, expect, it } from 'vitest';
import { labelCode } from '../../renderer/shopper/label';
import { buildCheckoutRequest, emptyForm, validateCheckout } from '../../renderer/shopper/checkout';
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
    expect(validateCheckout(emptyForm())).toEqual({ name: true, contact: true });
    const form = { ...emptyForm(), name: '김민수', contact: '010-1234-5678' };
    expect(validateCheckout(form)).toEqual({});
    expect(validateCheckout({ ...form, contact: 'minsu@example.com' })).toEqual({});
    expect(validateCheckout({ ...form, contact: 'call me' })).toEqual({ contact: true });
    expect(validateCheckout({ ...form, name: '   ' })).toEqual({ name: true });
  });

  it('needs an address only for delivery', () => {
    const form = { ...emptyForm(), name: 'Kim', contact: '+82 10 1234 5678', fulfilment: 'delivery' as const };
    expect(validateCheckout(form)).toEqual({ address: true });
    expect(validateCheckout({ ...form, address: '서울시 중구 세종대로 110' })).toEqual({});
    expect(validateCheckout({ ...form, fulfilment: 'pickup' })).toEqual({});
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
