// Runs in: node (Electron main process or a headless store server). Real HID RFID readers through
// node-hid: every device that matches a configured vendor/product id is opened (several at once),
// and because node-hid has no hot-plug events the device list is polled: new readers are opened,
// vanished or failing ones closed and forgotten, with no restart.
import { createRequire } from 'node:module';
import { systemClock, type Clock } from '../../clock.js';
import { ReaderDecoder, type CardFormat, type RawReportFormat, type ReaderMode } from '../../../protocol/hid/index.js';
import type { HidIssue, HidReaderHub, HidReaderInfo, HidTap, Unsubscribe } from './types.js';
import { Listeners } from '../listeners.js';

/** One kind of reader to open. Usage filters pick the right interface of a composite device. */
export interface HidReaderMatcher {
  vendorId: number;
  productId: number;
  mode: ReaderMode;
  /** How a keyboard-wedge reader prints ids; default 'auto' (see protocol/hid/card.ts). */
  format?: CardFormat;
  /** Default for keyboard-wedge: Generic Desktop / Keyboard (1/6) when the OS reports usages. */
  usagePage?: number;
  usage?: number;
  interface?: number;
  /** A keyboard-wedge reader with numbered reports sends this id before the 8 bytes. */
  reportId?: number;
  /** Layout of a raw reader's reports (protocol/hid/raw.ts). */
  raw?: RawReportFormat;
}

/** What node-hid reports for a device (its `Device` type), as far as we use it. */
export interface NodeHidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string;
  serialNumber?: string;
  product?: string;
  interface?: number;
  usagePage?: number;
  usage?: number;
}

/** An open device: node-hid's `HID`, which emits 'data' (Buffer) and 'error'. */
export interface NodeHidDevice {
  on(event: 'data', listener: (data: Uint8Array) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  close(): void;
}

/** The part of the node-hid module this hub uses; tests pass a fake. */
export interface NodeHidModule {
  devices(): NodeHidDeviceInfo[];
  devicesAsync?(): Promise<NodeHidDeviceInfo[]>;
  HID: new (path: string) => NodeHidDevice;
}

export interface NodeHidReaderOptions {
  matchers: HidReaderMatcher[];
  clock?: Clock;
  /** Device list polling period; default 1500 ms. */
  pollMs?: number;
  /** After a reader could not be opened, wait this long before trying it again; default 10 s. */
  retryMs?: number;
  /** The same tag from the same reader within this time is one tap: many readers re-read a card
   * while it lies on them. Default 1000 ms; 0 turns it off. */
  repeatMs?: number;
  /** Loads node-hid; default `require('node-hid')`, done at start() so a missing native module
   * is reported, not thrown at import. */
  load?: () => NodeHidModule;
}

interface OpenReader {
  info: HidReaderInfo;
  device: NodeHidDevice;
  decoder: ReaderDecoder;
  lastTap: { tag: string; at: number } | null;
}

export function loadNodeHid(): NodeHidModule {
  return createRequire(import.meta.url)('node-hid') as NodeHidModule;
}

export class NodeHidReaderHub implements HidReaderHub {
  private hid: NodeHidModule | null = null;
  private loadError: string | null = null;
  private readonly open = new Map<string, OpenReader>();
  /** Readers that failed to open (or errored), by id: not retried before `notBefore`. */
  private readonly failed = new Map<string, { notBefore: number; message: string }>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private running = false;
  private readonly tapListeners = new Listeners<HidTap>();
  private readonly readerListeners = new Listeners<HidReaderInfo[]>();
  private readonly issueListeners = new Listeners<HidIssue>();
  private readonly clock: Clock;

  constructor(private readonly options: NodeHidReaderOptions) {
    this.clock = options.clock ?? systemClock;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (!this.hid && !this.loadError) {
      try {
        this.hid = (this.options.load ?? loadNodeHid)();
      } catch (error) {
        this.loadError = `HID readers unavailable: node-hid did not load (${messageOf(error)})`;
        this.issue(null, this.loadError);
        return;
      }
    }
    if (!this.hid) return;
    await this.poll();
    if (!this.running) return;
    this.timer = setInterval(() => void this.poll(), this.options.pollMs ?? 1500);
    // Reader polling alone must not keep a process alive that is otherwise done.
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
    const had = this.open.size > 0;
    for (const id of [...this.open.keys()]) this.close(id);
    this.failed.clear();
    if (had) this.changed();
  }

  readers(): HidReaderInfo[] {
    return [...this.open.values()].map((reader) => ({ ...reader.info }));
  }

  unavailable(): string | null {
    return this.loadError;
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

  /** One pass over the device list (the timer calls it; tests call it instead of waiting). */
  poll(): Promise<void> {
    // A slow enumeration must not overlap the next one and open a reader twice.
    this.polling ??= this.pollOnce().finally(() => (this.polling = null));
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    const hid = this.hid;
    if (!hid || !this.running) return;
    let listed: NodeHidDeviceInfo[];
    try {
      listed = hid.devicesAsync ? await hid.devicesAsync() : hid.devices();
    } catch (error) {
      this.issue(null, `cannot list HID devices: ${messageOf(error)}`);
      return;
    }
    if (!this.running) return;
    const present = new Map<string, { device: NodeHidDeviceInfo; matcher: HidReaderMatcher }>();
    for (const device of listed) {
      const matcher = this.options.matchers.find((m) => matches(m, device));
      if (matcher) present.set(readerIdOf(device), { device, matcher });
    }
    let changed = false;
    // Unplugged without an 'error' (some platforms only notice on the next read).
    for (const id of [...this.open.keys()]) {
      if (!present.has(id)) {
        this.close(id);
        changed = true;
      }
    }
    for (const id of this.failed.keys()) if (!present.has(id)) this.failed.delete(id);
    const now = this.clock.now();
    for (const [id, { device, matcher }] of present) {
      if (this.open.has(id)) continue;
      const failure = this.failed.get(id);
      if (failure && now < failure.notBefore) continue;
      if (this.openReader(hid, id, device, matcher)) changed = true;
    }
    if (changed) this.changed();
  }

  private openReader(hid: NodeHidModule, id: string, device: NodeHidDeviceInfo, matcher: HidReaderMatcher): boolean {
    let handle: NodeHidDevice;
    try {
      if (!device.path) throw new Error('the OS gave no device path');
      handle = new hid.HID(device.path);
    } catch (error) {
      const message = `cannot open reader ${id}: ${messageOf(error)}${permissionHint(error)}`;
      const previous = this.failed.get(id);
      this.failed.set(id, { notBefore: this.clock.now() + (this.options.retryMs ?? 10_000), message });
      // Retries of a reader that keeps failing the same way would flood the device panel.
      if (previous?.message !== message) this.issue(id, message);
      return false;
    }
    this.failed.delete(id);
    const reader: OpenReader = {
      info: {
        id,
        vendorId: device.vendorId,
        productId: device.productId,
        ...(device.product ? { product: device.product } : {}),
        mode: matcher.mode,
      },
      device: handle,
      decoder: new ReaderDecoder({
        mode: matcher.mode,
        format: matcher.format ?? 'auto',
        keyboard: matcher.reportId === undefined ? {} : { reportId: matcher.reportId },
        ...(matcher.raw ? { raw: matcher.raw } : {}),
      }),
      lastTap: null,
    };
    this.open.set(id, reader);
    handle.on('error', (error) => this.failedReader(reader, error));
    handle.on('data', (data) => this.data(reader, data));
    return true;
  }

  private data(reader: OpenReader, data: Uint8Array): void {
    if (this.open.get(reader.info.id) !== reader) return;
    const at = this.clock.now();
    for (const read of reader.decoder.feed(data, at)) {
      if (read.tag === null) {
        this.issue(reader.info.id, `unreadable card: ${read.reason}`, read.text);
        continue;
      }
      const repeatMs = this.options.repeatMs ?? 1000;
      const last = reader.lastTap;
      reader.lastTap = { tag: read.tag, at };
      if (last && last.tag === read.tag && at - last.at < repeatMs) continue;
      const tap: HidTap = { readerId: reader.info.id, text: read.text, tag: read.tag, at };
      // node-hid turns an exception thrown from a 'data' listener into a device 'error', which
      // would close a healthy reader: a failing listener is reported instead.
      this.tapListeners.emit(tap, (error) => this.issue(reader.info.id, `tap listener failed: ${messageOf(error)}`));
    }
  }

  private failedReader(reader: OpenReader, error: unknown): void {
    const id = reader.info.id;
    if (this.open.get(id) !== reader) return;
    this.close(id);
    // Usually an unplug: the next poll no longer lists it. If it is still listed, the next poll
    // reopens it straight away, and only a failure to reopen backs off.
    this.issue(id, `reader ${id} stopped: ${messageOf(error)}`);
    this.changed();
  }

  private close(id: string): void {
    const reader = this.open.get(id);
    if (!reader) return;
    this.open.delete(id);
    try {
      reader.device.close();
    } catch {
      // Closing an unplugged device may fail; it is gone either way.
    }
    // node-hid's close() drops every listener, and a late native read error would then throw.
    reader.device.on('error', () => {});
  }

  private changed(): void {
    const readers = this.readers();
    this.readerListeners.emit(readers, (error) => this.issue(null, `reader listener failed: ${messageOf(error)}`));
  }

  private issue(readerId: string | null, message: string, text?: string): void {
    const issue: HidIssue = { readerId, message, at: this.clock.now(), ...(text === undefined ? {} : { text }) };
    // An issue listener failing has nowhere left to be reported.
    this.issueListeners.emit(issue, () => undefined);
  }
}

function matches(matcher: HidReaderMatcher, device: NodeHidDeviceInfo): boolean {
  if (device.vendorId !== matcher.vendorId || device.productId !== matcher.productId) return false;
  if (matcher.interface !== undefined && device.interface !== matcher.interface) return false;
  if (matcher.usagePage !== undefined || matcher.usage !== undefined) {
    return (
      (matcher.usagePage === undefined || device.usagePage === matcher.usagePage) &&
      (matcher.usage === undefined || device.usage === matcher.usage)
    );
  }
  // A wedge reader often also lists a consumer-control or vendor interface; only its keyboard
  // sends boot reports. Where the OS reports no usage (0 or missing) we cannot tell, so we open it.
  if (matcher.mode === 'keyboard-wedge' && device.usagePage) {
    return device.usagePage === 1 && device.usage === 6;
  }
  return true;
}

/** The OS device path is stable while the reader stays plugged in; without one, what is left. */
function readerIdOf(device: NodeHidDeviceInfo): string {
  if (device.path) return device.path;
  const hex = (n: number) => n.toString(16).padStart(4, '0');
  return `usb:${hex(device.vendorId)}:${hex(device.productId)}:${device.serialNumber ?? ''}:${device.interface ?? ''}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function permissionHint(error: unknown): string {
  const message = messageOf(error).toLowerCase();
  if (process.platform === 'linux' && /permission|access|cannot open/.test(message)) {
    return ' (on Linux the service user needs a udev rule granting read access to /dev/hidraw*)';
  }
  return '';
}
