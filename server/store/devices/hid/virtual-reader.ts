// Runs in: node (tests and the demo; never the default in a build). Simulated HID RFID readers:
// plug and unplug them, tap a tag or feed reports. By default a tap goes through the same path
// as a real reader's: the text the reader would print, the reports it would send, the decoder.
import { systemClock, type Clock } from '../../clock.js';
import {
  cardTextFor,
  rawReportFor,
  reportsForText,
  ReaderDecoder,
  type CardFormat,
  type RawReportFormat,
} from '../../../protocol/hid/index.js';
import type { HidIssue, HidReaderHub, HidReaderInfo, HidTap, Unsubscribe } from './types.js';
import { Listeners } from '../listeners.js';

export interface VirtualReaderOptions {
  /** How a keyboard-wedge reader prints ids (default 'hex'). */
  format?: CardFormat;
  raw?: RawReportFormat;
}

export interface VirtualHidHubOptions {
  clock?: Clock;
  /** Send taps through generated reports and the real decoders (default true); false emits the
   * tap directly, with text = tag. */
  viaReports?: boolean;
}

interface VirtualReader {
  info: HidReaderInfo;
  format: CardFormat;
  raw: RawReportFormat;
  decoder: ReaderDecoder;
}

export class VirtualHidHub implements HidReaderHub {
  private readonly plugged = new Map<string, VirtualReader>();
  private running = false;
  private readonly tapListeners = new Listeners<HidTap>();
  private readonly readerListeners = new Listeners<HidReaderInfo[]>();
  private readonly issueListeners = new Listeners<HidIssue>();
  private readonly clock: Clock;

  constructor(private readonly options: VirtualHidHubOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  async start(): Promise<void> {
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
  }

  readers(): HidReaderInfo[] {
    return [...this.plugged.values()].map((reader) => ({ ...reader.info }));
  }

  unavailable(): string | null {
    return null;
  }

  onTap(listener: (tap: HidTap) => void): Unsubscribe {
    return this.tapListeners.add(listener);
  }

  onReaders(listener: (readers: HidReaderInfo[]) => void): Unsubscribe {
    return this.readerListeners.add(listener);
  }

  onIssue(listener: (issue: HidIssue) => void): Unsubscribe {
    return this.issueListeners.add(listener);
  }

  /** Plugs in a reader (replacing one with the same id); defaults: keyboard-wedge, 0xffff:0x0001. */
  plug(info: Partial<HidReaderInfo> & { id: string }, options: VirtualReaderOptions = {}): HidReaderInfo {
    const reader: HidReaderInfo = { vendorId: 0xffff, productId: 0x0001, mode: 'keyboard-wedge', ...info };
    const format = options.format ?? 'hex';
    const raw = options.raw ?? {};
    this.plugged.set(reader.id, {
      info: reader,
      format,
      raw,
      decoder: new ReaderDecoder({ mode: reader.mode, format, raw }),
    });
    this.changed();
    return { ...reader };
  }

  unplug(id: string): boolean {
    if (!this.plugged.delete(id)) return false;
    this.changed();
    return true;
  }

  /**
   * A tag (upper-case hex) held to a reader. Returns the tap as emitted, or null when nothing was
   * emitted: the hub is stopped, the reader is not plugged in, or the read was no tag id.
   */
  tap(readerId: string, tag: string): HidTap | null {
    const reader = this.plugged.get(readerId);
    if (!reader || !this.running) return null;
    if (this.options.viaReports === false) return this.emit(readerId, tag, tag);
    if (reader.info.mode === 'raw') {
      // A card lifted off before the next one: the raw decoder would treat a repeat as held.
      reader.decoder.feed(new Uint8Array(16), this.clock.now());
      return this.feed(readerId, [rawReportFor(tag, reader.raw)])[0] ?? null;
    }
    return this.type(readerId, cardTextFor(tag, reader.format))[0] ?? null;
  }

  /** What a keyboard-wedge reader types, Enter added: taps for each read that is a tag id. */
  type(readerId: string, text: string): HidTap[] {
    return this.feed(readerId, reportsForText(text));
  }

  /** Reports as the reader sent them, through its decoder. */
  feed(readerId: string, reports: Iterable<Uint8Array>): HidTap[] {
    const reader = this.plugged.get(readerId);
    if (!reader || !this.running) return [];
    const taps: HidTap[] = [];
    for (const report of reports) {
      for (const read of reader.decoder.feed(report, this.clock.now())) {
        if (read.tag === null) {
          this.issue({ readerId, message: `unreadable card: ${read.reason}`, text: read.text, at: this.clock.now() });
        } else {
          taps.push(this.emit(readerId, read.text, read.tag));
        }
      }
    }
    return taps;
  }

  private emit(readerId: string, text: string, tag: string): HidTap {
    const tap: HidTap = { readerId, text, tag, at: this.clock.now() };
    this.tapListeners.emit(tap);
    return tap;
  }

  private issue(issue: HidIssue): void {
    this.issueListeners.emit(issue);
  }

  private changed(): void {
    const readers = this.readers();
    this.readerListeners.emit(readers);
  }
}
