// Runs in: node (vitest). Keyboard-wedge boot report decoding against report sequences as
// readers send them.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  KeyboardWedgeDecoder,
  decodeBootReports,
  reportsForText,
} from '../../../../server/protocol/hid/keyboard.js';

const r = (hex: string) => Uint8Array.from(Buffer.from(hex.replace(/\s/g, ''), 'hex'));
const UP = r('00 00 00 00 00 00 00 00');
const ENTER = r('00 00 28 00 00 00 00 00');
const KP_ENTER = r('00 00 58 00 00 00 00 00');
/** A key-down report for one usage, then key-up. */
const key = (usage: number, modifiers = 0) => [Uint8Array.of(modifiers, 0, usage, 0, 0, 0, 0, 0), UP];

describe('KeyboardWedgeDecoder', () => {
  it('types digits and letters, one read per Enter, without the Enter', () => {
    expect(decodeBootReports([...key(0x27), ...key(0x1e), ...key(0x04), ...key(0x09), ENTER, UP])).toEqual(['01af']);
  });

  it('upper-cases letters and types symbols with either shift', () => {
    const left = 0x02;
    const right = 0x20;
    expect(
      decodeBootReports([...key(0x04, left), ...key(0x05, right), ...key(0x1e, left), ...key(0x2d, right), ...key(0x38, left), ENTER]),
    ).toEqual(['AB!_?']);
  });

  it('types a held key once, and again only after it is released', () => {
    const down = r('00 00 1e 00 00 00 00 00');
    expect(decodeBootReports([down, down, down, UP, down, down, UP, ENTER])).toEqual(['11']);
  });

  it('types the new key of an overlapping (rollover) report, not the held one', () => {
    expect(decodeBootReports([r('0000 1e 00000000 00'), r('0000 1e1f 000000 00'), r('0000 1f 00000000 00'), UP, ENTER])).toEqual(['12']);
  });

  it('types two keys that first appear together, in report order', () => {
    expect(decodeBootReports([r('0000 1f1e 00000000'), UP, ENTER])).toEqual(['21']);
  });

  it('ignores rollover-error reports entirely', () => {
    const error = r('00 00 01 01 01 01 01 01');
    const down = r('00 00 1e 00 00 00 00 00');
    // The error report does not release the held "1", so it is not typed twice.
    expect(decodeBootReports([down, error, down, UP, error, ...key(0x1f), ENTER])).toEqual(['12']);
  });

  it('takes keypad digits and keypad Enter', () => {
    const kp = [0x59, 0x5a, 0x62, 0x61].flatMap((u) => key(u));
    expect(decodeBootReports([...kp, KP_ENTER, UP])).toEqual(['1209']);
  });

  it('reports several reads in a row, in order, and skips a stray Enter', () => {
    const reads = decodeBootReports([...reportsForText('04A1'), ENTER, UP, ...reportsForText('beef'), ...reportsForText('X9')]);
    expect(reads).toEqual(['04A1', 'beef', 'X9']);
  });

  it('keeps a partial read without Enter pending, and completes it later', () => {
    const decoder = new KeyboardWedgeDecoder();
    for (const report of reportsForText('12', { enter: false })) expect(decoder.feed(report)).toEqual([]);
    expect(decoder.pending()).toBe('12');
    expect(decodeBootReports(reportsForText('12', { enter: false }))).toEqual([]);
    expect(decoder.feed(ENTER)).toEqual(['12']);
    expect(decoder.pending()).toBe('');
  });

  it('drops a partial read that went stale before the next card', () => {
    const decoder = new KeyboardWedgeDecoder({ partialTimeoutMs: 500 });
    let at = 1000;
    for (const report of reportsForText('DEAD', { enter: false })) decoder.feed(report, (at += 10));
    at += 5000;
    const reads = reportsForText('BEEF').flatMap((report) => decoder.feed(report, (at += 10)));
    expect(reads).toEqual(['BEEF']);
  });

  it('calls onRead, honours Backspace, extra terminators, report ids and padding', () => {
    const seen: string[] = [];
    const decoder = new KeyboardWedgeDecoder({ terminators: [0x2b], reportId: 1, onRead: (t) => seen.push(t) });
    const withId = (report: Uint8Array) => Uint8Array.from([1, ...report, 0, 0]);
    for (const report of [...key(0x1e), ...key(0x1f), ...key(0x2a), ...key(0x20), ...key(0x2b)]) decoder.feed(withId(report));
    decoder.feed(Uint8Array.from([2, 0, 0, 0x21, 0, 0, 0, 0, 0]));
    expect(seen).toEqual(['13']);
    expect(new KeyboardWedgeDecoder().feed(Uint8Array.of(0, 0, 0x28))).toEqual([]);
  });

  it('caps a read that never ends', () => {
    const decoder = new KeyboardWedgeDecoder({ maxLength: 8 });
    for (const report of reportsForText('1234567890ABCDEF', { enter: false })) decoder.feed(report);
    expect(decoder.pending()).toBe('12345678');
  });
});

describe('reportsForText', () => {
  it('sends key-down then key-up per character, shift for upper case, Enter last', () => {
    const reports = reportsForText('aA1');
    expect(reports.map((x) => Buffer.from(x).toString('hex'))).toEqual([
      '0000040000000000', '0000000000000000',
      '0200040000000000', '0000000000000000',
      '00001e0000000000', '0000000000000000',
      '0000280000000000', '0000000000000000',
    ]);
    expect(reportsForText('1', { keypadDigits: true, enter: false })[0]).toEqual(r('0000590000000000'));
    expect(() => reportsForText('é')).toThrow(RangeError);
  });

  it('round-trips any printable ASCII text through the decoder', () => {
    const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(printable, fc.boolean(), (text, keypad) => {
        expect(decodeBootReports(reportsForText(text, { keypadDigits: keypad }))).toEqual([text]);
      }),
    );
  });
});

describe('fuzz', () => {
  it('never throws on arbitrary reports, and reads stay bounded strings', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 8, maxLength: 8 }), { maxLength: 200 }), fc.array(fc.uint8Array({ maxLength: 12 })), (reports, odd) => {
        const decoder = new KeyboardWedgeDecoder();
        for (const report of [...reports, ...odd]) {
          for (const text of decoder.feed(report, 0)) {
            expect(typeof text).toBe('string');
            expect(text.length).toBeGreaterThan(0);
            expect(text.length).toBeLessThanOrEqual(256);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
