// Runs in: node (vitest). Money and date formatting of renderer/shared/format.ts.
import { describe, expect, it } from 'vitest';
import { currencyDigits, formatDateTime, formatMoney } from '../../renderer/shared/format';

// Intl output uses narrow no-break spaces in places; compare with plain spaces.
const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatMoney', () => {
  it('treats KRW as having no minor digits', () => {
    expect(currencyDigits('KRW')).toBe(0);
    expect(formatMoney(1500, 'KRW', 'en-US')).toBe('₩1,500');
    expect(formatMoney(1500, 'KRW', 'ko-KR')).toBe('₩1,500');
    expect(formatMoney(1_234_567, 'KRW', 'ko-KR')).toBe('₩1,234,567');
    expect(formatMoney(0, 'KRW', 'en-US')).toBe('₩0');
  });

  it('divides USD cents by 100', () => {
    expect(currencyDigits('USD')).toBe(2);
    expect(formatMoney(1500, 'USD', 'en-US')).toBe('$15.00');
    expect(formatMoney(1999, 'USD', 'en-US')).toBe('$19.99');
    expect(formatMoney(5, 'USD', 'en-US')).toBe('$0.05');
    expect(plain(formatMoney(1500, 'USD', 'ko-KR'))).toBe('US$15.00');
  });

  it("uses Intl's digits for other currencies", () => {
    expect(currencyDigits('JPY')).toBe(0);
    expect(formatMoney(1500, 'JPY', 'en-US')).toBe('¥1,500');
    expect(currencyDigits('BHD')).toBe(3);
    expect(plain(formatMoney(1500, 'BHD', 'en-US'))).toBe('BHD 1.500');
  });
});

describe('formatDateTime', () => {
  it('formats ISO strings and returns "" for garbage', () => {
    const text = formatDateTime('2025-11-25T08:20:00Z', 'en-US');
    expect(text).toMatch(/2025/);
    expect(formatDateTime('not a date', 'en-US')).toBe('');
  });
});
