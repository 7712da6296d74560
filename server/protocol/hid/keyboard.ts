// Runs in: node and std (no I/O). Keyboard-wedge RFID readers enumerate as a USB keyboard and
// "type" the card id followed by Enter, as 8-byte HID boot keyboard reports [modifiers, reserved,
// key1..key6] (HID 1.11 appendix B; usage ids from HID Usage Tables, Keyboard/Keypad page).

export const BOOT_REPORT_LENGTH = 8;

/** Usage ids that end a read: Enter and keypad Enter. */
export const ENTER = 0x28;
export const KEYPAD_ENTER = 0x58;
const BACKSPACE = 0x2a;
/** ErrorRollOver, POSTFail, ErrorUndefined: the report says nothing about which keys are down. */
const ERROR_USAGE_MAX = 0x03;
const SHIFT_BITS = 0x02 | 0x20;
const LEFT_SHIFT = 0x02;

/** [unshifted, shifted] character per usage id; only what a card reader could type (US layout). */
const USAGE_CHARS = new Map<number, readonly [string, string]>();
for (let i = 0; i < 26; i++) {
  const lower = String.fromCharCode(0x61 + i);
  USAGE_CHARS.set(0x04 + i, [lower, lower.toUpperCase()]);
}
const DIGIT_ROW = '1234567890';
const DIGIT_ROW_SHIFTED = '!@#$%^&*()';
for (let i = 0; i < 10; i++) USAGE_CHARS.set(0x1e + i, [DIGIT_ROW[i]!, DIGIT_ROW_SHIFTED[i]!]);
const PUNCTUATION: [number, string, string][] = [
  [0x2c, ' ', ' '],
  [0x2d, '-', '_'],
  [0x2e, '=', '+'],
  [0x2f, '[', '{'],
  [0x30, ']', '}'],
  [0x31, '\\', '|'],
  [0x33, ';', ':'],
  [0x34, "'", '"'],
  [0x35, '`', '~'],
  [0x36, ',', '<'],
  [0x37, '.', '>'],
  [0x38, '/', '?'],
];
for (const [usage, plain, shifted] of PUNCTUATION) USAGE_CHARS.set(usage, [plain, shifted]);
// Keypad keys type the same with or without shift; readers that use them assume Num Lock on, and
// the station cannot see the host's Num Lock state anyway.
const KEYPAD: [number, string][] = [
  [0x54, '/'],
  [0x55, '*'],
  [0x56, '-'],
  [0x57, '+'],
  [0x62, '0'],
  [0x63, '.'],
];
for (let i = 0; i < 9; i++) KEYPAD.push([0x59 + i, String(i + 1)]);
for (const [usage, char] of KEYPAD) USAGE_CHARS.set(usage, [char, char]);

/** The character a usage id types, or undefined for keys that type nothing (or that we ignore). */
export function charForUsage(usage: number, shift: boolean): string | undefined {
  return USAGE_CHARS.get(usage)?.[shift ? 1 : 0];
}

// The encoder prefers the main keyboard block: that is what nearly every reader sends.
const CHAR_USAGES = new Map<string, { usage: number; shift: boolean }>();
for (const [usage, [plain, shifted]] of USAGE_CHARS) {
  if (usage >= 0x54) continue;
  if (!CHAR_USAGES.has(plain)) CHAR_USAGES.set(plain, { usage, shift: false });
  if (!CHAR_USAGES.has(shifted)) CHAR_USAGES.set(shifted, { usage, shift: true });
}

export interface ReportsForTextOptions {
  /** Append Enter (default true), as readers do after every card. */
  enter?: boolean;
  /** Send keypad digits (0x59-0x62) instead of the digit row, like some readers do. */
  keypadDigits?: boolean;
}

/**
 * The boot reports a keyboard-wedge reader sends for `text`: a key-down report per character
 * (left shift for upper case and symbols), each followed by an all-zero key-up report, so that
 * repeated characters are typed again. Throws a RangeError for a character no key types.
 */
export function reportsForText(text: string, options: ReportsForTextOptions = {}): Uint8Array[] {
  const reports: Uint8Array[] = [];
  const press = (usage: number, modifiers: number) => {
    reports.push(Uint8Array.of(modifiers, 0, usage, 0, 0, 0, 0, 0));
    reports.push(new Uint8Array(BOOT_REPORT_LENGTH));
  };
  for (const char of text) {
    if (options.keypadDigits && char >= '0' && char <= '9') {
      press(char === '0' ? 0x62 : 0x58 + Number(char), 0);
      continue;
    }
    const key = CHAR_USAGES.get(char);
    if (!key) throw new RangeError(`no key types ${JSON.stringify(char)}`);
    press(key.usage, key.shift ? LEFT_SHIFT : 0);
  }
  if (options.enter ?? true) press(ENTER, 0);
  return reports;
}

export interface KeyboardWedgeDecoderOptions {
  /** Usage ids that end a read (default Enter and keypad Enter; add 0x2b for readers set to Tab). */
  terminators?: readonly number[];
  /**
   * A partial read older than this (ms between two reports) is dropped before the next key, so
   * a read cut short (card pulled away, lost report) is not glued to the next card. Only applies
   * when feed() is given times. Readers type a whole id in well under 200 ms.
   */
  partialTimeoutMs?: number;
  /** Longest read kept; a reader that never sends Enter cannot grow the buffer without bound. */
  maxLength?: number;
  /** Devices with numbered reports put this report id before the 8 bytes; it is stripped, and
   * reports with another id are ignored. */
  reportId?: number;
  /** Called with each completed read, in addition to feed()'s return value. */
  onRead?: (text: string) => void;
}

/**
 * Streaming decoder of boot keyboard reports. A key is typed when it newly appears in a report
 * (not again while it stays held); shift is read from the same report. All-zero (key-up) reports
 * just release keys; rollover-error reports are ignored entirely. A read is the text typed
 * before a terminator, without it; an empty read (a stray Enter) is not reported.
 */
export class KeyboardWedgeDecoder {
  private held = new Set<number>();
  private buffer = '';
  private lastAt: number | undefined;
  private readonly terminators: ReadonlySet<number>;
  private readonly partialTimeoutMs: number;
  private readonly maxLength: number;

  constructor(private readonly options: KeyboardWedgeDecoderOptions = {}) {
    this.terminators = new Set(options.terminators ?? [ENTER, KEYPAD_ENTER]);
    this.partialTimeoutMs = options.partialTimeoutMs ?? 2000;
    this.maxLength = options.maxLength ?? 256;
  }

  /** Feeds one report; returns the reads it completed (usually none, at most a few). Never
   * throws: a short report is ignored, bytes past the 8th are padding. */
  feed(report: Uint8Array, at?: number): string[] {
    let bytes = report;
    if (this.options.reportId !== undefined) {
      if (bytes[0] !== this.options.reportId) return [];
      bytes = bytes.subarray(1);
    }
    if (bytes.length < BOOT_REPORT_LENGTH) return [];
    if (at !== undefined) {
      if (this.lastAt !== undefined && at - this.lastAt > this.partialTimeoutMs) this.buffer = '';
      this.lastAt = at;
    }
    const keys: number[] = [];
    for (let i = 2; i < BOOT_REPORT_LENGTH; i++) {
      const usage = bytes[i]!;
      if (usage === 0) continue;
      if (usage <= ERROR_USAGE_MAX) return [];
      keys.push(usage);
    }
    const shift = (bytes[0]! & SHIFT_BITS) !== 0;
    const reads: string[] = [];
    for (const usage of keys) {
      if (this.held.has(usage)) continue;
      if (this.terminators.has(usage)) {
        if (this.buffer !== '') reads.push(this.buffer);
        this.buffer = '';
      } else if (usage === BACKSPACE) {
        this.buffer = [...this.buffer].slice(0, -1).join('');
      } else {
        const char = charForUsage(usage, shift);
        if (char !== undefined && this.buffer.length < this.maxLength) this.buffer += char;
      }
    }
    this.held = new Set(keys);
    for (const read of reads) this.options.onRead?.(read);
    return reads;
  }

  /** What has been typed since the last terminator. */
  pending(): string {
    return this.buffer;
  }

  reset(): void {
    this.held.clear();
    this.buffer = '';
    this.lastAt = undefined;
  }
}

/** Decodes a whole sequence of reports; a trailing read without Enter is not included. */
export function decodeBootReports(reports: Iterable<Uint8Array>): string[] {
  const decoder = new KeyboardWedgeDecoder();
  const reads: string[] = [];
  for (const report of reports) reads.push(...decoder.feed(report));
  return reads;
}
