// Runs in: node (vitest). The station masks the orderer's contact and address on their way to
// staff screens (server/store/modules/orders/masking.ts): recognisable, never the whole value.
import { describe, expect, it } from 'vitest';
import { maskAddress, maskContact } from '../../../../server/store/modules/orders/masking.js';

describe('masking orderer data', () => {
  it('keeps the first group and the last 4 digits of a phone number', () => {
    expect(maskContact('010-1234-5678')).toBe('010-****-5678');
    expect(maskContact('010 1234 5678')).toBe('010-****-5678');
    expect(maskContact('01012345678')).toBe('010-****-5678');
    expect(maskContact('+82-10-1234-5678')).toBe('+82-****-5678');
  });

  it('keeps the first letter and the domain of an e-mail', () => {
    expect(maskContact('minji.kim@example.com')).toBe('m***@example.com');
  });

  it('hides short or odd values whole', () => {
    expect(maskContact('12345')).toBe('*****');
    expect(maskContact('abc')).toBe('****');
  });

  it('never contains the middle of what it masks', () => {
    for (const value of ['010-9876-5432', 'oliver.stanbridge@example.net']) {
      expect(maskContact(value)).not.toContain(value.includes('@') ? 'oliver' : '9876');
    }
  });

  it('keeps the first two words of an address', () => {
    expect(maskAddress('서울 강남구 테헤란로 1, 301호')).toBe('서울 강남구 ****');
    expect(maskAddress('부산 해운대구')).toBe('****');
  });
});
