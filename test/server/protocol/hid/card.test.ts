// Runs in: node (vitest). Card-number formats to catalogue tag ids, and raw UID reports.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cardTextFor, normaliseCardRead } from '../../../../server/protocol/hid/card.js';
import { RawReportDecoder, rawReportFor, uidFromRawReport } from '../../../../server/protocol/hid/raw.js';
import { ReaderDecoder, reportsForText } from '../../../../server/protocol/hid/index.js';

const TAG = /^(?:[0-9A-F]{2}){4,32}$/;

describe('normaliseCardRead', () => {
  it('upper-cases hex and drops byte separators', () => {
    expect(normaliseCardRead('04a2b3c4d5e680', 'hex')).toEqual({ tag: '04A2B3C4D5E680' });
    expect(normaliseCardRead(' 04:a2:b3:c4 ', 'hex')).toEqual({ tag: '04A2B3C4' });
    expect(normaliseCardRead('0x3000e2801160', 'hex')).toEqual({ tag: '3000E2801160' });
    expect(normaliseCardRead('0012345678', 'hex')).toEqual({ tag: '0012345678' });
  });

  it('reads decimal card numbers as whole bytes, at least 4', () => {
    expect(normaliseCardRead('0012345678', 'decimal')).toEqual({ tag: '00BC614E' });
    expect(normaliseCardRead('12345678', 'decimal')).toEqual({ tag: '00BC614E' });
    expect(normaliseCardRead('4294967295', 'decimal')).toEqual({ tag: 'FFFFFFFF' });
    expect(normaliseCardRead('4294967296', 'decimal')).toEqual({ tag: '0100000000' });
    expect(normaliseCardRead('18446744073709551615', 'decimal')).toEqual({ tag: 'FFFFFFFFFFFFFFFF' });
  });

  it('reads the W26 facility,card form as the same 24 bits', () => {
    expect(normaliseCardRead('188,24910', 'decimal')).toEqual({ tag: '00BC614E' });
    expect(normaliseCardRead('188,24910', 'auto')).toEqual({ tag: '00BC614E' });
    expect(normaliseCardRead('256,1', 'decimal').tag).toBeNull();
  });

  it('guesses in auto: 10 digits are decimal, everything else hex', () => {
    expect(normaliseCardRead('0012345678', 'auto')).toEqual({ tag: '00BC614E' });
    expect(normaliseCardRead('04123456', 'auto')).toEqual({ tag: '04123456' });
    expect(normaliseCardRead('04a2b3c4d5e680')).toEqual({ tag: '04A2B3C4D5E680' });
    // Above 32 bits, ten digits cannot be the decimal print of a UID.
    expect(normaliseCardRead('9912345678', 'auto')).toEqual({ tag: '9912345678' });
  });

  it('refuses invalid reads with a reason', () => {
    for (const [text, format, reason] of [
      ['', 'auto', /empty/],
      ['04A2B3C', 'hex', /odd number/],
      ['04A2B3', 'hex', /shorter than a tag id/],
      ['XYZ123', 'auto', /not hexadecimal/],
      ['12AB', 'decimal', /not a decimal/],
      ['123456789012345678901', 'decimal', /too large/],
      ['A'.repeat(66), 'hex', /longer than a tag id/],
    ] as const) {
      const read = normaliseCardRead(text, format);
      expect(read.tag, text).toBeNull();
      expect(read.reason).toMatch(reason);
    }
  });

  it('never throws, and a tag it returns is always a catalogue tag id', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.constantFrom('hex', 'decimal', 'auto' as const), (text, format) => {
        const read = normaliseCardRead(text, format);
        if (read.tag !== null) expect(read.tag).toMatch(TAG);
        else expect(read.reason.length).toBeGreaterThan(0);
      }),
    );
  });

  it('cardTextFor prints what normaliseCardRead reads back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 8 }), fc.constantFrom('hex', 'decimal' as const), (bytes, format) => {
        bytes[0] = bytes[0]! | 1; // no leading zero byte: decimal cannot carry it
        const tag = Buffer.from(bytes).toString('hex').toUpperCase();
        expect(normaliseCardRead(cardTextFor(tag, format), format)).toEqual({ tag });
      }),
    );
  });
});

describe('raw UID reports', () => {
  it('reads the default length-prefixed layout', () => {
    expect(uidFromRawReport(Uint8Array.of(4, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0))).toBe('DEADBEEF');
    expect(uidFromRawReport(Uint8Array.of(0, 0, 0, 0))).toBeNull();
    expect(uidFromRawReport(Uint8Array.of(7, 1, 2, 3))).toBeNull();
    expect(uidFromRawReport(Uint8Array.of(4, 0, 0, 0, 0))).toBeNull();
    expect(uidFromRawReport(new Uint8Array(0))).toBeNull();
  });

  it('reads report ids, other offsets, fixed lengths and reversed bytes', () => {
    const formats = [
      { reportId: 2 },
      { lengthOffset: 3 },
      { uidLength: 7, uidOffset: 2 },
      { byteOrder: 'lsb-first' as const, reportId: 0x10 },
    ];
    for (const format of formats) expect(uidFromRawReport(rawReportFor('04A2B3C4D5E680', format), format)).toBe('04A2B3C4D5E680');
    expect(uidFromRawReport(rawReportFor('DEADBEEF', { reportId: 2 }), { reportId: 3 })).toBeNull();
  });

  it('reports a card once while it stays on the reader', () => {
    const decoder = new RawReportDecoder({ holdMs: 500 });
    const card = rawReportFor('DEADBEEF');
    expect(decoder.feed(card, 0)).toEqual(['DEADBEEF']);
    expect(decoder.feed(card, 300)).toEqual([]);
    expect(decoder.feed(card, 700)).toEqual([]);
    expect(decoder.feed(card, 1500)).toEqual(['DEADBEEF']);
    expect(decoder.feed(new Uint8Array(16), 1600)).toEqual([]);
    expect(decoder.feed(card, 1700)).toEqual(['DEADBEEF']);
    expect(decoder.feed(rawReportFor('CAFEF00D'), 1750)).toEqual(['CAFEF00D']);
  });

  it('never throws on arbitrary reports', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 50 }), (reports) => {
        const decoder = new RawReportDecoder();
        for (const report of reports) for (const uid of decoder.feed(report)) expect(uid).toMatch(/^(?:[0-9A-F]{2})+$/);
      }),
    );
  });
});

describe('ReaderDecoder', () => {
  it('gives each read its tag, or null and why', () => {
    const decimal = new ReaderDecoder({ mode: 'keyboard-wedge', format: 'decimal' });
    const reads = [...reportsForText('0012345678'), ...reportsForText('12AB')].flatMap((x) => decimal.feed(x));
    expect(reads).toEqual([
      { text: '0012345678', tag: '00BC614E' },
      { text: '12AB', tag: null, reason: '"12AB" is not a decimal card number' },
    ]);
    const raw = new ReaderDecoder({ mode: 'raw', format: 'decimal' });
    expect(raw.feed(rawReportFor('04A2B3C4'))).toEqual([{ text: '04A2B3C4', tag: '04A2B3C4' }]);
  });
});
