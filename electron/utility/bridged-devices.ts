// Runs in: utility process. The store server's BLE scanner and HID reader hub when it runs inside
// the desktop station: the real drivers live in the main process, and these stand-ins turn its
// messages into the same events the headless drivers emit.
import type { BleAdvert, BleScanner, RadioState, Unsubscribe } from '../../server/store/devices/radio/types.js';
import type { HidIssue, HidReaderHub, HidReaderInfo, HidTap } from '../../server/store/devices/hid/types.js';
import type { DeviceCommand, MainToUtility, UtilityToMain } from '../shared/utility-messages.js';

type Post = (message: UtilityToMain) => void;

/** How long start() waits for the main process to report the radio's state. */
const ANSWER_TIMEOUT_MS = 5_000;

function subscribe<T extends unknown[]>(set: Set<(...args: T) => void>, listener: (...args: T) => void): Unsubscribe {
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

function emit<T extends unknown[]>(set: Set<(...args: T) => void>, ...args: T): void {
  for (const listener of set) {
    try {
      listener(...args);
    } catch {
      // One failing consumer must not starve the others of device events.
    }
  }
}

/** Resolves the next time `answered` is called, or after the timeout. */
class PendingAnswer {
  private waiters: (() => void)[] = [];

  wait(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      timer.unref?.();
      const waiters = this.waiters;
      function done(): void {
        clearTimeout(timer);
        const index = waiters.indexOf(done);
        if (index >= 0) waiters.splice(index, 1);
        resolve();
      }
      waiters.push(done);
    });
  }

  answered(): void {
    for (const done of this.waiters.splice(0)) done();
  }
}

export class BridgedBleScanner implements BleScanner {
  private current: RadioState = 'starting';
  private readonly adverts = new Set<(advert: BleAdvert) => void>();
  private readonly states = new Set<(state: RadioState, detail?: string) => void>();
  private readonly answer = new PendingAnswer();

  constructor(private readonly post: Post) {}

  get state(): RadioState {
    return this.current;
  }

  start(): Promise<void> {
    return this.command('start');
  }

  stop(): Promise<void> {
    return this.command('stop');
  }

  onAdvert(listener: (advert: BleAdvert) => void): Unsubscribe {
    return subscribe(this.adverts, listener);
  }

  onState(listener: (state: RadioState, detail?: string) => void): Unsubscribe {
    return subscribe(this.states, listener);
  }

  /** Fed by the message router. */
  receiveAdvert(advert: BleAdvert): void {
    emit(this.adverts, advert);
  }

  receiveState(state: RadioState, detail: string | null): void {
    const changed = state !== this.current;
    this.current = state;
    if (changed) emit(this.states, state, detail ?? undefined);
    this.answer.answered();
  }

  private command(command: DeviceCommand): Promise<void> {
    const answered = this.answer.wait(ANSWER_TIMEOUT_MS);
    this.post({ type: 'radio-command', command });
    return answered;
  }
}

export class BridgedHidReaderHub implements HidReaderHub {
  private list: HidReaderInfo[] = [];
  private why: string | null = null;
  private readonly issues = new Set<(issue: HidIssue) => void>();
  private readonly taps = new Set<(tap: HidTap) => void>();
  private readonly readerListeners = new Set<(readers: HidReaderInfo[]) => void>();
  private readonly answer = new PendingAnswer();

  constructor(private readonly post: Post) {}

  start(): Promise<void> {
    return this.command('start');
  }

  stop(): Promise<void> {
    return this.command('stop');
  }

  readers(): HidReaderInfo[] {
    return [...this.list];
  }

  onTap(listener: (tap: HidTap) => void): Unsubscribe {
    return subscribe(this.taps, listener);
  }

  onReaders(listener: (readers: HidReaderInfo[]) => void): Unsubscribe {
    return subscribe(this.readerListeners, listener);
  }

  onIssue(listener: (issue: HidIssue) => void): Unsubscribe {
    return subscribe(this.issues, listener);
  }

  unavailable(): string | null {
    return this.why;
  }

  receiveIssue(issue: HidIssue): void {
    emit(this.issues, issue);
  }

  receiveTap(tap: HidTap): void {
    emit(this.taps, tap);
  }

  receiveReaders(readers: HidReaderInfo[], unavailable: string | null): void {
    this.why = unavailable;
    const changed = JSON.stringify(readers) !== JSON.stringify(this.list);
    this.list = readers;
    if (changed) emit(this.readerListeners, this.readers());
    this.answer.answered();
  }

  private command(command: DeviceCommand): Promise<void> {
    const answered = this.answer.wait(ANSWER_TIMEOUT_MS);
    this.post({ type: 'hid-command', command });
    return answered;
  }
}

/** Routes the main process's device messages to the bridged devices; true when it took one. */
export function routeDeviceMessage(message: MainToUtility, radio: BridgedBleScanner, readers: BridgedHidReaderHub): boolean {
  switch (message.type) {
    case 'radio-advert':
      // Structured clone turns Buffers into plain Uint8Arrays; the decoders accept both.
      radio.receiveAdvert(message.advert);
      return true;
    case 'radio-state':
      radio.receiveState(message.state, message.detail);
      return true;
    case 'hid-tap':
      readers.receiveTap(message.tap);
      return true;
    case 'hid-readers':
      readers.receiveReaders(message.readers, message.unavailable);
      return true;
    case 'hid-issue':
      readers.receiveIssue(message.issue);
      return true;
    default:
      return false;
  }
}
