// Runs in: main. Owns the real BLE radio and HID readers (native modules that need the main
// process's device access) and forwards their events to the store server in the utility
// process. The concrete drivers come from factories, so tests use fakes and the shell can run
// without a driver that failed to load.
import type { BleScanner, RadioState } from '../../server/store/devices/radio/types.js';
import type { HidIssue, HidReaderHub, HidReaderInfo, HidTap } from '../../server/store/devices/hid/types.js';
import type { DeviceStatus } from '../shared/bridge-api.js';
import type { MainToUtility, UtilityToMain } from '../shared/utility-messages.js';

export interface DeviceFactories {
  radio?: () => BleScanner | Promise<BleScanner>;
  readers?: () => HidReaderHub | Promise<HidReaderHub>;
}

export interface MainDeviceBridgeOptions {
  factories: DeviceFactories;
  /** Delivers a message to the utility process (dropped while it is down; see `replay`). */
  send: (message: MainToUtility) => void;
  onStatus?: (status: DeviceStatus) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export class MainDeviceBridge {
  private radio: BleScanner | null = null;
  private readers: HidReaderHub | null = null;
  private radioState: DeviceStatus['radio']['state'] = 'absent';
  private radioDetail: string | null = null;
  private advertsSeen = 0;
  private readerList: HidReaderInfo[] = [];
  private readersUnavailable: string | null = null;
  private readonly taps = new Map<string, number>();
  private radioSubscriptions: (() => void)[] = [];
  private readerSubscriptions: (() => void)[] = [];
  private radioEnabled = false;
  /** What the store server last asked of the radio: a radio swapped in later does the same. */
  private radioWanted = false;
  private lastRead: DeviceStatus['readers']['lastRead'] = null;
  private lastIssue: DeviceStatus['readers']['lastIssue'] = null;
  /** The wizard's live test listens beside the store server. */
  private readonly advertWatchers = new Set<() => void>();
  private readonly tapWatchers = new Set<(tap: HidTap) => void>();
  private readonly issueWatchers = new Set<(issue: HidIssue) => void>();
  /** The live test turned the radio on itself (the store server had not asked for it). */
  private radioTestHolds = 0;

  constructor(private readonly options: MainDeviceBridgeOptions) {}

  /** Creates the drivers and subscribes to them; a driver that fails to load stays `absent`. */
  async open(): Promise<void> {
    const { factories } = this.options;
    await this.openRadio(factories.radio);
    await this.openReaders(factories.readers);
    this.emitStatus();
  }

  /** Swaps the radio (the wizard turned it on or off): no factory means turned off. */
  async reopenRadio(factory: DeviceFactories['radio']): Promise<void> {
    for (const unsubscribe of this.radioSubscriptions.splice(0)) unsubscribe();
    const old = this.radio;
    this.radio = null;
    await old?.stop().catch(() => {});
    await this.openRadio(factory);
    // (openRadio set it; re-read past the narrowing above.)
    const radio = this.radio as BleScanner | null;
    if (radio && this.radioWanted) {
      try {
        await radio.start();
      } catch (error) {
        this.log('warn', `radio start failed: ${(error as Error).message}`);
      }
      this.radioState = radio.state;
    }
    this.options.send({ type: 'radio-state', state: this.currentRadioState(), detail: this.radioDetail });
    this.emitStatus();
  }

  private async openRadio(factory: DeviceFactories['radio']): Promise<void> {
    this.radioEnabled = factory !== undefined;
    this.radioState = 'absent';
    this.radioDetail = factory ? null : 'BLE radio turned off in the station settings';
    if (!factory) return;
    try {
      const radio = await factory();
      this.radio = radio;
      this.radioState = radio.state;
      this.radioSubscriptions = [
        radio.onAdvert((advert) => {
          this.advertsSeen += 1;
          for (const watcher of this.advertWatchers) watcher();
          // Adverts seen only because the live test turned the radio on stay out of the store.
          if (this.radioWanted || this.radioTestHolds === 0) this.options.send({ type: 'radio-advert', advert });
        }),
        radio.onState((state, detail) => this.setRadioState(state, detail ?? null)),
      ];
    } catch (error) {
      this.radioDetail = `radio driver failed to load: ${(error as Error).message}`;
      this.log('warn', this.radioDetail);
    }
  }

  /** Swaps the reader hub (the wizard changed which readers to open) and tells the store server. */
  async reopenReaders(factory: DeviceFactories['readers']): Promise<void> {
    for (const unsubscribe of this.readerSubscriptions.splice(0)) unsubscribe();
    const old = this.readers;
    this.readers = null;
    this.readerList = [];
    await old?.stop().catch(() => {});
    const hub = await this.openReaders(factory);
    if (hub) {
      try {
        await hub.start();
        this.readerList = hub.readers();
      } catch (error) {
        this.log('warn', `HID readers start failed: ${(error as Error).message}`);
      }
    }
    this.sendReaders();
    this.emitStatus();
  }

  private async openReaders(factory: DeviceFactories['readers']): Promise<HidReaderHub | null> {
    if (!factory) {
      this.readersUnavailable = 'no HID reader driver in this build';
      return null;
    }
    try {
      const readers = await factory();
      this.readers = readers;
      this.readerList = readers.readers();
      this.readersUnavailable = readers.unavailable?.() ?? null;
      const issues = readers.onIssue?.((issue) => {
        this.lastIssue = { readerId: issue.readerId, message: issue.message, text: issue.text ?? null, at: issue.at };
        for (const watcher of this.issueWatchers) watcher(issue);
        this.options.send({ type: 'hid-issue', issue });
        this.emitStatus();
      });
      this.readerSubscriptions = [
        ...(issues ? [issues] : []),
        readers.onTap((tap) => {
          this.taps.set(tap.readerId, (this.taps.get(tap.readerId) ?? 0) + 1);
          this.lastRead = { readerId: tap.readerId, text: tap.text, tag: tap.tag, at: tap.at };
          for (const watcher of this.tapWatchers) watcher(tap);
          this.options.send({ type: 'hid-tap', tap });
          this.emitStatus();
        }),
        readers.onReaders((list) => {
          this.readerList = list;
          this.readersUnavailable = readers.unavailable?.() ?? null;
          this.sendReaders();
          this.emitStatus();
        }),
      ];
      return readers;
    } catch (error) {
      this.readersUnavailable = `HID reader driver failed to load: ${(error as Error).message}`;
      this.log('warn', this.readersUnavailable);
      return null;
    }
  }

  /** Commands from the store server's bridged devices. */
  async handle(message: UtilityToMain): Promise<void> {
    if (message.type === 'radio-command') {
      this.radioWanted = message.command === 'start';
      if (this.radio) {
        try {
          await (message.command === 'start' ? this.radio.start() : this.radio.stop());
        } catch (error) {
          this.log('warn', `radio ${message.command} failed: ${(error as Error).message}`);
        }
      }
      // Always answer with the state: the bridged scanner's start() waits for it.
      this.options.send({ type: 'radio-state', state: this.currentRadioState(), detail: this.radioDetail });
    } else if (message.type === 'hid-command') {
      if (this.readers) {
        try {
          await (message.command === 'start' ? this.readers.start() : this.readers.stop());
          this.readerList = this.readers.readers();
          this.readersUnavailable = this.readers.unavailable?.() ?? null;
        } catch (error) {
          this.log('warn', `HID readers ${message.command} failed: ${(error as Error).message}`);
        }
      }
      this.sendReaders();
      this.emitStatus();
    }
  }

  /** After the store server (re)started: tell it what the devices look like now. */
  replay(): void {
    this.options.send({ type: 'radio-state', state: this.currentRadioState(), detail: this.radioDetail });
    this.sendReaders();
  }

  /** Readers open now (the live test watches one of these instead of opening it twice). */
  connectedReaders(): HidReaderInfo[] {
    return this.readerList.map((reader) => ({ ...reader }));
  }

  /** True when the station's radio is turned on in the settings (its driver loaded). */
  hasRadio(): boolean {
    return this.radio !== null;
  }

  watchAdverts(listener: () => void): () => void {
    this.advertWatchers.add(listener);
    return () => void this.advertWatchers.delete(listener);
  }

  watchTaps(listener: (tap: HidTap) => void): () => void {
    this.tapWatchers.add(listener);
    return () => void this.tapWatchers.delete(listener);
  }

  watchIssues(listener: (issue: HidIssue) => void): () => void {
    this.issueWatchers.add(listener);
    return () => void this.issueWatchers.delete(listener);
  }

  /** Scans for the live test even while the store server has the radio stopped (first run, before
   * the store exists); the release stops it again unless the store server asked for it since. */
  async holdRadioForTest(): Promise<() => Promise<void>> {
    const radio = this.radio;
    if (!radio) return async () => {};
    this.radioTestHolds += 1;
    // Only a radio the test itself started is stopped again afterwards.
    const startedHere = !this.radioWanted && radio.state !== 'scanning';
    if (startedHere) {
      try {
        await radio.start();
      } catch (error) {
        this.log('warn', `radio start for the live test failed: ${(error as Error).message}`);
      }
      this.radioState = radio.state;
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      this.radioTestHolds -= 1;
      if (startedHere && this.radioTestHolds === 0 && !this.radioWanted && this.radio === radio) {
        await radio.stop().catch(() => {});
        this.radioState = radio.state;
        this.emitStatus();
      }
    };
  }

  status(): DeviceStatus {
    return {
      radio: { state: this.radioState, detail: this.radioDetail, advertsSeen: this.advertsSeen, enabled: this.radioEnabled },
      readers: {
        detail: this.readersUnavailable,
        connected: this.readerList.map((r) => ({
          id: r.id,
          product: r.product ?? null,
          vendorId: r.vendorId,
          productId: r.productId,
          mode: r.mode,
          taps: this.taps.get(r.id) ?? 0,
        })),
        lastRead: this.lastRead && { ...this.lastRead },
        lastIssue: this.lastIssue && { ...this.lastIssue },
      },
    };
  }

  async close(): Promise<void> {
    for (const unsubscribe of [...this.radioSubscriptions.splice(0), ...this.readerSubscriptions.splice(0)]) unsubscribe();
    await Promise.allSettled([this.radio?.stop(), this.readers?.stop()]);
  }

  private sendReaders(): void {
    this.options.send({ type: 'hid-readers', readers: this.readerList, unavailable: this.readersUnavailable });
  }

  /** What the store server is told: with no driver at all the radio is simply unavailable. */
  private currentRadioState(): RadioState {
    return this.radioState === 'absent' ? 'unavailable' : this.radioState;
  }

  private setRadioState(state: RadioState, detail: string | null): void {
    this.radioState = state;
    this.radioDetail = detail;
    this.options.send({ type: 'radio-state', state, detail });
    this.emitStatus();
  }

  private emitStatus(): void {
    this.options.onStatus?.(this.status());
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}
