// Runs in: node and std (no I/O). HID RFID reader codecs: keyboard-wedge boot reports, raw
// UID reports, and card-number formats; plus the per-reader pipeline both reader hubs share.
import { normaliseCardRead, type CardFormat, type CardRead } from './card.js';
import { KeyboardWedgeDecoder, type KeyboardWedgeDecoderOptions } from './keyboard.js';
import { RawReportDecoder, type RawReportFormat } from './raw.js';

export * from './card.js';
export * from './keyboard.js';
export * from './raw.js';

export type ReaderMode = 'keyboard-wedge' | 'raw';

export interface ReaderDecoding {
  mode: ReaderMode;
  /** How a keyboard-wedge reader prints ids (default 'auto'); raw readers always give hex. */
  format?: CardFormat;
  keyboard?: Omit<KeyboardWedgeDecoderOptions, 'onRead'>;
  raw?: RawReportFormat;
}

export type ReaderRead = { text: string } & CardRead;

/** Reports in, reads out (each with its tag, or null and why): one per physical reader. */
export class ReaderDecoder {
  private readonly decoder: KeyboardWedgeDecoder | RawReportDecoder;
  private readonly format: CardFormat;

  constructor(options: ReaderDecoding) {
    this.decoder =
      options.mode === 'raw' ? new RawReportDecoder(options.raw) : new KeyboardWedgeDecoder(options.keyboard);
    this.format = options.mode === 'raw' ? 'hex' : (options.format ?? 'auto');
  }

  feed(report: Uint8Array, at?: number): ReaderRead[] {
    return this.decoder.feed(report, at).map((text) => ({ text, ...normaliseCardRead(text, this.format) }));
  }

  reset(): void {
    this.decoder.reset();
  }
}
